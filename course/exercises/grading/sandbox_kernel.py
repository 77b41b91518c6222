"""Kernel entry point for grading: puts limits on itself, then becomes an ordinary IPython kernel.

The limits come from the environment the grader starts it with (see runner.kernel_env):
memory (RLIMIT_AS), file size (RLIMIT_FSIZE), no core dumps, and a cap on processes so that a fork
loop stops. Confined (course.sandbox) the kernel runs under a uid of its own, so RLIMIT_NPROC counts
only it, and the grader has already put it in a pids and a memory cgroup it cannot leave (the
memory cgroup counts all its processes together; RLIMIT_AS stays as the per-process fallback). Unconfined as root
(``--no-sandbox``), where Linux never applies RLIMIT_NPROC, it joins a fresh cgroup itself.
``resource`` is imported only here, in the kernel: Windows has none, and then no limits apply.
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

from course.sandbox import remove_cgroup

MB = 1024 * 1024


def cgroup_dir(pid: int) -> Path | None:
    """Where the kernel with this pid keeps its pids cgroup, if the machine has the controller."""
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").exists():
        return v1 / f"course-kernel-{pid}"
    controllers = Path("/sys/fs/cgroup/cgroup.controllers")
    if controllers.exists() and "pids" in controllers.read_text().split():
        return controllers.parent / f"course-kernel-{pid}"
    return None


def reap(pid: int) -> None:
    """Kill whatever is left in an unconfined kernel's cgroup (setsid cannot escape it), remove it."""
    remove_cgroup(cgroup_dir(pid))


def _user_tasks(uid: int) -> int:
    """Processes and threads this user runs now: RLIMIT_NPROC counts threads too."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("Uid", "").split()[:1] == [str(uid)]:
            total += int(fields.get("Threads", "1"))
    return total


def limit_processes(extra: int) -> str:
    """Allow this kernel ``extra`` more tasks than exist now; say which mechanism did it."""
    import resource

    if os.geteuid() != 0:
        ceiling = _user_tasks(os.getuid()) + extra
        resource.setrlimit(resource.RLIMIT_NPROC, (ceiling, ceiling))
        return "rlimit"
    group = cgroup_dir(os.getpid())
    if group is None:
        return "none"
    try:
        group.mkdir(exist_ok=True)
        (group / "pids.max").write_text(str(extra))
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        return "none"
    return "cgroup"


def apply_limits() -> None:
    try:
        import resource
    except ImportError:  # Windows: nothing to apply (the grader has said the run is unconfined)
        return
    memory = int(os.environ.get("COURSE_KERNEL_MEMORY_MB", "3072")) * MB
    file_size = int(os.environ.get("COURSE_KERNEL_FILE_MB", "64")) * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # children are reaped at once, so killed fork-loop processes do not linger as zombies that
    # still count against the process cap
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    extra_tasks = int(os.environ.get("COURSE_KERNEL_TASKS", "64"))
    if extra_tasks:
        os.environ["COURSE_KERNEL_PROCESS_LIMIT"] = limit_processes(extra_tasks)


if __name__ == "__main__":
    apply_limits()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
