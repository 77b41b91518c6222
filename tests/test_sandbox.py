"""course.sandbox: what a confined process sees, can reach and leaves behind; and what happens on a
machine without one (Windows, macOS, no bubblewrap): nothing Unix-only is imported, the grader refuses
unless told --no-sandbox, and then every report says so."""
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from conftest import REPO, need

from course import sandbox as confinement
from course.core.paths import datasets_dir, solutions_dir


@pytest.fixture(scope="module")
def box():
    found = confinement.find_sandbox()
    need(None if found else "bubblewrap sandbox: " + confinement.missing_reason())
    return found


def run_inside(box, code: str, private=(), timeout=60, **kw):
    command = box.wrap([sys.executable, "-c", textwrap.dedent(code)], private=list(private),
                       env=confinement.allowed_env(), uid=box.next_uid())
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kw)


def test_sees_the_python_environment_and_datasets_read_only_and_nothing_else(box):
    probe = f"""
        import json, os, sys
        import pandas, course
        from course import load
        seen = {{
            "repo": sorted(os.listdir({str(REPO)!r})),
            "solutions": os.path.exists({str(solutions_dir())!r}),
            "shadow": os.path.exists("/etc/shadow"),
            "home": os.listdir(os.environ["HOME"]),
            "uid": os.getuid(),
            "rows": len(load("customers")),
        }}
        for target in ({str(REPO / "course" / "planted.py")!r}, sys.prefix + "/planted.pth",
                       {str(datasets_dir() / "planted.csv")!r}):
            try:
                open(target, "w").write("x")
                seen[target] = "written"
            except OSError as error:
                seen[target] = type(error).__name__
        open(os.environ["HOME"] + "/mine.txt", "w").write("private home is writable")
        open("/tmp/mine.txt", "w").write("private tmp is writable")
        print(json.dumps(seen))
    """
    done = run_inside(box, probe)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert set(seen["repo"]) <= {".venv", "course", "datasets"}, seen["repo"]
    assert not seen["solutions"] and not seen["shadow"]
    assert seen["rows"] > 0
    writes = [v for k, v in seen.items() if k.startswith("/")]
    assert len(writes) == 3 and "written" not in writes, writes
    assert not (REPO / "course" / "planted.py").exists() and not (datasets_dir() / "planted.csv").exists()
    if os.geteuid() == 0:
        assert seen["uid"] >= confinement.UID_BASE


def test_no_network_not_even_loopback(box):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted = []

    def accept():
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    done = run_inside(box, f"""
        import socket
        try:
            socket.create_connection(("127.0.0.1", {port}), timeout=3)
            print("connected")
        except OSError as error:
            print(type(error).__name__)
        try:
            socket.create_connection(("1.1.1.1", 53), timeout=3)
            print("internet")
        except OSError as error:
            print(type(error).__name__)
    """)
    thread.join()
    server.close()
    assert "connected" not in done.stdout and "internet" not in done.stdout, done.stdout
    assert accepted == []


def test_environment_comes_from_the_allow_list(box):
    os.environ["COURSE_TEST_SECRET"] = "trainer-token-123"
    try:
        done = run_inside(box, "import os, json; print(json.dumps(dict(os.environ)))")
    finally:
        del os.environ["COURSE_TEST_SECRET"]
    env = json.loads(done.stdout.splitlines()[-1])
    assert "COURSE_TEST_SECRET" not in env and "trainer-token-123" not in done.stdout
    assert set(env) - {"PWD"} <= set(confinement.allowed_env())


def test_own_pid_namespace_cannot_signal_the_grader(box):
    done = run_inside(box, f"""
        import os
        try:
            os.kill({os.getpid()}, 0)
            print("reachable")
        except OSError as error:
            print(type(error).__name__)
        print(len([p for p in os.listdir("/proc") if p.isdigit()]))
    """)
    lines = done.stdout.split()
    assert lines[0] != "reachable" and int(lines[1]) < 10, done.stdout


def test_nothing_outlives_the_sandbox(box, tmp_path):
    """A detached grandchild (double fork + setsid) dies with the sandbox's parent."""
    marker = tmp_path / "alive"
    tmp_path.chmod(0o777)  # the confined uid could write it: only death stops it
    code = f"""
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(4)
                open({str(marker)!r}, "w").write("survived")  # not even visible inside
                os._exit(0)
            os._exit(0)
        print("started", flush=True)
        time.sleep(60)
    """
    uid = box.next_uid()
    command = box.wrap([sys.executable, "-c", textwrap.dedent(code)], private=[tmp_path],
                       env=confinement.allowed_env(), uid=uid)
    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys, time\n"
                               f"subprocess.Popen({command!r})\ntime.sleep(60)"])
    time.sleep(3)
    parent.kill()
    parent.wait()
    time.sleep(3)
    assert not marker.exists()
    if os.geteuid() == 0:
        leftovers = [p for p in os.listdir("/proc") if p.isdigit() and _uid(p) == uid]
        assert leftovers == [], leftovers


def test_a_uid_still_held_is_never_handed_out_again(box):
    """RLIMIT_NPROC counts every process of a uid: a kernel must not share its uid with a
    survivor of a killed run or an unreaped zombie (a grader's block of 100 uids wraps round)."""
    if not box.setpriv:
        pytest.skip("uids are dropped only when the grader runs as root")
    block = confinement.UID_BASE + (os.getpid() % 1_000_000) * 100
    held = [block + k for k in range(0, 100, 10)]
    holders = [subprocess.Popen([box.setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                                 "sleep", "60"]) for uid in held]
    try:
        time.sleep(0.5)  # every holder has dropped to its uid
        given = {box.next_uid() for _ in range(200)}
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    assert given and not given & set(held), sorted(given & set(held))


def _uid(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            return next(int(line.split()[1]) for line in handle if line.startswith("Uid:"))
    except (OSError, StopIteration):
        return -1


def test_ipc_kernel_transport_works_inside(box):
    """The grading kernel runs confined and talks through file sockets (no loopback inside)."""
    import asyncio

    import nbformat

    from course.exercises.grading.runner import Limits, run_notebook

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import os\nq1 = os.getuid()\nq2 = sorted(os.listdir('/'))")]
    result = asyncio.run(run_notebook(nb, ["q1", "q2"], Limits(cell_seconds=20), sandbox=box))
    assert result.fatal is None and result.problems == []
    assert result.answers["q2"]["type"] == "list"
    assert "var" not in result.answers["q2"]["value"] and "boot" not in result.answers["q2"]["value"]
    if os.geteuid() == 0:
        assert result.answers["q1"]["value"] >= confinement.UID_BASE


# ---------- a machine without a sandbox ----------

NO_UNIX = """
import sys
for name in ("resource", "fcntl", "termios", "pwd", "grp"):
    sys.modules[name] = None  # what importing them gives on Windows: ImportError
import course.sandbox, course.exercises.grading.cli, course.exercises.grading.runner
import course.exercises.grading.sandbox_kernel as kernel
kernel.apply_limits()  # nothing to apply, and no crash
sys.platform = "win32"
course.sandbox.find_sandbox.cache_clear()
assert course.sandbox.find_sandbox() is None
print(course.sandbox.missing_reason())
"""


def test_nothing_unix_only_is_imported_and_windows_has_no_sandbox():
    done = subprocess.run([sys.executable, "-c", NO_UNIX], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Linux" in done.stdout


def test_without_a_sandbox_grading_refuses_unless_told(monkeypatch, tmp_path, capsys):
    from course.core.i18n import CourseError
    from course.exercises.grading import cli

    monkeypatch.setattr(confinement, "find_sandbox", lambda: None)
    monkeypatch.setattr(confinement.shutil, "which", lambda name: None)
    with pytest.raises(CourseError) as refused:
        cli.grade("07-rfm", [tmp_path], tmp_path / "out", show_progress=False)
    assert "--no-sandbox" in str(refused.value) and "bubblewrap" in str(refused.value)
    assert cli.main(["07-rfm", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "--no-sandbox" in capsys.readouterr().err
