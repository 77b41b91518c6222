"""Run one notebook in a fresh, limited kernel and export the question variables as plain data.

The notebook runs to the end even when cells fail or time out, so one broken answer does not cost
the others. The export runs last, in the same kernel; what comes back is only JSON, which the
grader validates and judges in its own process.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from course import sandbox as confinement
from course.core.i18n import t
from course.exercises.grading.export import export_source, validate_answers

EXPORT_MIME = "application/vnd.course.exercises.answers+json"
KERNEL_NAME = "course-sandbox"
TIMEOUT_NAME = "CourseCellTimeout"
MAX_KERNEL_DEATHS = 3  # restarts, each skipping the cell that killed the kernel


@dataclass(frozen=True)
class Limits:
    cell_seconds: int = 30
    notebook_seconds: int = 300
    output_bytes: int = 5_000_000
    memory_mb: int = 3072
    file_mb: int = 64
    tasks: int = 64  # processes + threads a kernel may add (fork loops stop there)


@dataclass
class CellProblem:
    index: int
    status: str  # "error" | "timeout" | "flood" (output cap hit: the cell was stopped)
    detail: str  # e.g. "ZeroDivisionError: division by zero"


@dataclass
class RunResult:
    answers: dict[str, dict] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    # "kernel_died" | "notebook_timeout" | "export_failed" | "start_failed" | "protocol_error"
    fatal: str | None = None
    output_truncated: bool = False
    out_of_memory: set[int] = field(default_factory=set)  # cells during which the memory cap killed
    seconds: float = 0.0


KERNEL_ARGV = [sys.executable, "-m", "course.exercises.grading.sandbox_kernel", "-f", "{connection_file}"]
# no single kernel message may be larger: zmq drops it before it fills the grader's memory
MESSAGE_CAP = 256 * 1024 * 1024
_LINE = re.compile(r"line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,79}")


def write_kernel_spec(folder: Path, argv: list[str]) -> str:
    """A kernelspec folder whose kernel is ``argv``; interrupts travel as messages, because a
    signal would hit bubblewrap rather than the kernel inside it."""
    spec = folder / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "course sandbox", "language": "python",
        "interrupt_mode": "message"}), encoding="utf-8")
    return str(folder)


@lru_cache(maxsize=1)
def kernel_spec_dir() -> str:
    """The kernelspec of an unconfined kernel (``--no-sandbox``)."""
    return write_kernel_spec(Path(tempfile.mkdtemp(prefix="course-kernels-")), KERNEL_ARGV)


def export_code(question_ids: list[str], nonce: str) -> str:
    return "\n".join([
        "def __course_export__():",
        "    from IPython.display import display as _display",
        *("    " + line for line in export_source().splitlines()),
        "    _ns = globals()",
        f"    _ids = {question_ids!r}",
        "    _answers = {q: (export_value(_ns[q]) if q in _ns else {'type': 'missing'}) for q in _ids}",
        f"    _display({{{EXPORT_MIME!r}: {{'nonce': {nonce!r}, 'answers': _answers}}}}, raw=True)",
        "__course_export__()",
        "del __course_export__",
    ])


class LimitedClient(NotebookClient):
    """nbclient with an output cap, and with cell failures recorded rather than raised."""

    def __init__(self, nb, limits: Limits, **kw):
        super().__init__(
            nb, timeout=limits.cell_seconds, interrupt_on_timeout=True, allow_errors=True,
            error_on_timeout={"ename": TIMEOUT_NAME, "evalue": str(limits.cell_seconds)},
            record_timing=False, shutdown_kernel="immediate", startup_timeout=60,
            kernel_name=KERNEL_NAME, **kw)
        self.limits = limits
        self.problems: list[CellProblem] = []
        self.output_bytes = 0
        self.output_truncated = False
        self.current_index: int | None = None
        self.on_cell_error = self._record_error
        self.cgroups: confinement.Cgroups | None = None  # the kernel's, when it has a memory cap
        self.out_of_memory: set[int] = set()

    async def async_execute_cell(self, cell, cell_index, **kw):
        """Run one cell; when the memory cap killed a process meanwhile, that is the cell's error,
        said plainly (a child killed by the cap may otherwise pass unnoticed)."""
        before = confinement.oom_kills(self.cgroups)
        try:
            return await super().async_execute_cell(cell, cell_index, **kw)
        finally:
            if confinement.oom_kills(self.cgroups) > before:
                self.out_of_memory.add(cell_index)
                detail = t("grading.memory_exceeded", mb=self.limits.memory_mb)
                self.problems = [p for p in self.problems if p.index != cell_index]
                self.problems.append(CellProblem(cell_index, "error", detail))

    def _record_error(self, cell, cell_index, execute_reply):
        launcher = getattr(self.km.provisioner, "pid", None) if self.km is not None else None
        kernel = confinement.confined_pid(launcher) if launcher else None
        if kernel:
            confinement.kill_descendants(kernel)  # a failed cell's strays must not starve the next
        content = execute_reply.get("content") or {}
        if content.get("ename") == TIMEOUT_NAME:
            self.problems.append(CellProblem(cell_index, "timeout", str(self.limits.cell_seconds)))
        elif content.get("ename") == "SystemExit":
            self.problems.append(CellProblem(cell_index, "error", t("grading.system_exit")))
        else:
            self.problems.append(CellProblem(cell_index, "error", error_detail(content)))

    def process_message(self, msg, cell, cell_index):
        """Every message counts against the output cap, whole (metadata, display updates, comms,
        tracebacks); over the cap it is dropped and the cell interrupted. Only the end-of-cell
        status always gets through."""
        if msg.get("msg_type") == "status":
            return super().process_message(msg, cell, cell_index)
        self.output_bytes += message_size(msg)
        if self.output_bytes > self.limits.output_bytes:
            if not self.output_truncated:  # stop the flood: a cell that prints this much is a bug
                self.output_truncated = True
                self.problems.append(CellProblem(cell_index, "flood", t("grading.output_flood",
                                                                         mb=self.limits.output_bytes // 1_000_000)))
                asyncio.ensure_future(self.km.interrupt_kernel())
            return None  # dropped: a flood must not fill the grader's memory
        if str(msg.get("msg_type", "")).startswith("comm"):
            return None  # widget traffic is never graded: nothing of it is kept
        return super().process_message(msg, cell, cell_index)


def message_size(msg: dict) -> int:
    """Bytes a message costs, counted whole: content, metadata and binary buffers."""
    size = sum(len(b) for b in msg.get("buffers") or [])
    for part in ("content", "metadata"):
        try:
            size += len(json.dumps(msg.get(part), default=str, ensure_ascii=False))
        except (TypeError, ValueError, RecursionError):
            size += 10 ** 9  # cannot even be measured: treat as a flood
    return size


def error_detail(content: dict) -> str:
    """What a trainee is told about a failed cell: the exception's type and line only. The message
    itself is the trainee's (or a file's) text and never reaches a gradebook or a feedback page."""
    name = str(content.get("ename", ""))
    name = name if _IDENTIFIER.fullmatch(name) else "Exception"
    line = None
    traceback = content.get("traceback")
    if isinstance(traceback, list):
        for entry in traceback:
            plain = _ANSI.sub("", entry[:400]) if isinstance(entry, str) else ""
            if plain.lstrip().startswith("Cell In["):
                found = _LINE.search(plain[:200])
                line = int(found.group(1)) if found else line
    return t("grading.error_at_line", name=name, line=line) if line else name


def kernel_env(limits: Limits, confined: bool = False) -> dict[str, str]:
    """The kernel's environment: an allow-list when confined, else the grader's own plus limits."""
    limits_env = {
        "COURSE_KERNEL_MEMORY_MB": str(limits.memory_mb),
        "COURSE_KERNEL_FILE_MB": str(limits.file_mb),
        "COURSE_KERNEL_TASKS": str(limits.tasks),
        "COURSE_GRADING": "1",
        "MPLBACKEND": "Agg",
        # one thread per kernel: parallel workers share two cores
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    return confinement.allowed_env(limits_env) if confined else {**os.environ, **limits_env}


def parse_export(outputs: list, nonce: str, question_ids: list[str]) -> dict[str, dict] | None:
    """The answers from the export cell's outputs, or None if absent, forged or malformed."""
    payloads = [o.get("data", {}).get(EXPORT_MIME) for o in outputs
                if isinstance(o, dict) and o.get("output_type") == "display_data" and isinstance(o.get("data"), dict)]
    genuine = [p for p in payloads if isinstance(p, dict) and p.get("nonce") == nonce]
    if len(genuine) != 1:
        return None
    try:  # back to plain dicts and lists (nbformat wraps outputs in its own dict class)
        answers = json.loads(json.dumps(genuine[0].get("answers")))
    except (TypeError, ValueError, RecursionError):
        return None
    return validate_answers(answers, question_ids)


def strip_outputs(nb) -> None:
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None


async def run_notebook(nb, question_ids: list[str], limits: Limits = Limits(),
                       sandbox: confinement.Sandbox | None = None) -> RunResult:
    """Execute ``nb`` (a NotebookNode, modified in place) and export the answers.

    When a cell kills its kernel (os._exit, a signal, memory), the run starts again in a fresh
    kernel with that cell skipped, so the answers of every other cell still count.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    killers: list[CellProblem] = []
    for _ in range(MAX_KERNEL_DEATHS + 1):
        strip_outputs(nb)
        result, dead_cell = await _attempt(nb, question_ids, limits, {p.index for p in killers}, sandbox)
        if result.fatal != "kernel_died" or dead_cell is None or dead_cell >= len(nb.cells):
            break
        reason = t("grading.memory_exceeded", mb=limits.memory_mb) if dead_cell in result.out_of_memory \
            else t("grading.kernel_died_in_cell")
        killers.append(CellProblem(dead_cell, "error", reason))
    result.problems = sorted(killers + result.problems, key=lambda p: p.index)
    result.seconds = loop.time() - started
    return result


class _Kernel:
    """Where one attempt's kernel lives: its kernelspec, connection folder and cgroup."""

    def __init__(self, limits: Limits, sandbox: confinement.Sandbox | None):
        self.sandbox = sandbox
        self.folder = Path(tempfile.mkdtemp(prefix="course-grade-"))
        if sandbox is not None:  # its connection file holds the key to the kernel: never left behind
            confinement.JANITOR.watch_folder(self.folder)
        self.uid = sandbox.next_uid() if sandbox else None
        self.cgroup = None
        if sandbox is None:
            self.spec_dir = kernel_spec_dir()
            self.env, self.cwd = kernel_env(limits), str(self.folder)
            return
        # the connection file and the IPC sockets: the only grader folder the kernel sees
        self.conn = self.folder / "conn"
        self.conn.mkdir(mode=0o700)
        if self.uid is not None:
            os.chown(self.conn, self.uid, self.uid)
        self.cgroup = confinement.make_cgroup(f"course-kernel-{self.folder.name}", limits.tasks + 16,
                                              limits.memory_mb * 1024 * 1024)
        argv = confinement.join_cgroup_prefix(self.cgroup) + sandbox.wrap(
            KERNEL_ARGV, private=[self.conn], env=kernel_env(limits, confined=True), uid=self.uid)
        self.spec_dir = write_kernel_spec(self.folder / "spec", argv)
        self.env, self.cwd = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}, str(self.folder)

    def manager(self) -> AsyncKernelManager:
        km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[self.spec_dir]))
        km.context = zmq.asyncio.Context()  # its own, so the size cap below touches no other socket
        km.context.setsockopt(zmq.MAXMSGSIZE, MESSAGE_CAP)
        if self.sandbox is not None:  # no network inside: the kernel listens on file sockets
            km.transport, km.ip = "ipc", str(self.conn / "k")
            km.connection_file = str(self.conn / "kernel.json")
            km.write_connection_file()
            if self.uid is not None:
                os.chown(km.connection_file, self.uid, self.uid)
        return km

    def cleanup(self, km: AsyncKernelManager) -> None:
        try:
            km.context.destroy(linger=0)
        except Exception:  # already closed
            pass
        confinement.remove_cgroup(self.cgroup)
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.sandbox is not None:
            confinement.JANITOR.forget_folder(self.folder)


async def _attempt(nb, question_ids: list[str], limits: Limits, skip: set[int],
                   sandbox: confinement.Sandbox | None) -> tuple[RunResult, int | None]:
    result = RunResult()
    cell_count = len(nb.cells)
    nonce = secrets.token_hex(16)
    kernel = _Kernel(limits, sandbox)
    km = kernel.manager()
    client = LimitedClient(nb, limits, km=km, resources={"metadata": {"path": kernel.cwd}})
    client.cgroups = kernel.cgroup
    try:
        # started by hand rather than with setup_kernel(), whose SIGINT handler would turn a
        # trainer's Ctrl-C into a "dead kernel" grade instead of stopping the batch
        await client.async_start_new_kernel(env=kernel.env, cwd=kernel.cwd,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if sandbox is None and os.geteuid() == 0:  # the cgroup an unconfined root kernel makes itself
            from course.exercises.grading.sandbox_kernel import cgroup_dir

            confinement.watch_cgroup(cgroup_dir(km.provisioner.pid))
        await client.async_start_new_kernel_client()
        await asyncio.wait_for(_run_cells(client, skip), timeout=limits.notebook_seconds)
        client.output_bytes = -10 * limits.output_bytes  # the export itself is never capped
        export = nbformat.v4.new_code_cell(export_code(question_ids, nonce))
        nb.cells.append(export)
        client.current_index = cell_count
        await client.async_execute_cell(export, cell_count, store_history=False)
        answers = parse_export(export.outputs, nonce, question_ids)
        if answers is None or any(p.index == cell_count for p in client.problems):
            result.fatal = "export_failed"
        else:
            result.answers = answers
    except asyncio.TimeoutError:
        result.fatal = "notebook_timeout"
    except DeadKernelError:
        result.fatal = "kernel_died"
    except RuntimeError as error:  # nbclient reports a kernel that never started this way
        result.fatal = "kernel_died" if "died" in str(error).lower() else "start_failed"
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception:  # a message that does not decode, a malformed reply: this submission's error
        result.fatal = "protocol_error"
    finally:
        del nb.cells[cell_count:]
        result.problems = [p for p in client.problems if p.index < cell_count]
        result.output_truncated = client.output_truncated
        result.out_of_memory = client.out_of_memory
        await _ensure_stopped(client, km)
        kernel.cleanup(km)
    return result, client.current_index


async def _run_cells(client: LimitedClient, skip: set[int]) -> None:
    for index, cell in enumerate(client.nb.cells):
        if index in skip:
            continue
        client.current_index = index
        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)


async def _ensure_stopped(client: LimitedClient, km: AsyncKernelManager) -> None:
    pid = getattr(km.provisioner, "pid", None) if km.has_kernel else None
    try:
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
        await km.cleanup_resources() if inspect.iscoroutinefunction(km.cleanup_resources) else km.cleanup_resources()
    except Exception:  # already gone: nothing left to clean
        pass
    if pid:
        from course.exercises.grading.sandbox_kernel import reap

        reap(pid)  # an unconfined root kernel's own cgroup: whatever left its process group dies
