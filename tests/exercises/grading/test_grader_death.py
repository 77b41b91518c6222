"""Nothing outlives the run, however the grader ends: killed (SIGKILL, SIGTERM) while bubblewrap is
still building a kernel's sandbox, or while the kernel runs. No kernel, no bwrap, no cgroup, no
connection file is left behind. (Seen before the janitor: bwrap's pid 1 and the kernel running with ppid 1, minutes
after the grader was killed, and every killed run's cgroups left on the machine.)"""
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from attack_fixtures import EXERCISE
from conftest import need
from grading_fixtures import _solved_exercise

from course import sandbox as confinement

KILLER = Path(__file__).with_name("grader_killer.py")


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    need(None if confinement.find_sandbox() else "bubblewrap sandbox: " + confinement.missing_reason())
    need(None if confinement.cgroup_root("pids") else "a writable pids cgroup")
    nb = _solved_exercise(EXERCISE)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import time\ntime.sleep(120)"))
    path = tmp_path_factory.mktemp("death") / "slow.ipynb"
    nbformat.write(nb, path)
    return path


def _left(groups: list[str], uids: set[int], folders: list[str] = ()) -> list[str]:
    """Live processes (zombies are already dead) of the run: in one of its cgroups or under one
    of its kernel uids; its cgroup folders and kernel folders (connection files) still there."""
    names = {Path(g).name for g in groups}
    left = [g for g in [*groups, *folders] if os.path.exists(g)]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            cgroups = Path(f"/proc/{pid}/cgroup").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("State", "").startswith("Z"):
            continue
        uid = int(fields["Uid"].split()[0])
        if uid in uids or any(line.rsplit("/", 1)[-1] in names for line in cgroups.splitlines()):
            left.append(f"pid {pid} uid {uid}: {Path(f'/proc/{pid}/cmdline').read_bytes()[:80]!r}")
    return left


@pytest.mark.parametrize("signal_name, moment", [("SIGKILL", "launch"), ("SIGKILL", "running"),
                                                  ("SIGTERM", "running")])
def test_nothing_outlives_a_grader_that_is_killed(submission, tmp_path, signal_name, moment):
    done = subprocess.run([sys.executable, str(KILLER), signal_name, moment, EXERCISE, str(submission),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    words = [line.split() for line in done.stdout.splitlines()]
    assert ["DYING"] in words, done.stdout + done.stderr[-2000:]
    groups = [w[1] for w in words if w[:1] == ["CGROUP"]]
    uids = {int(u) for w in words if w[:1] == ["UID"] for u in w[1:]}
    folders = [w[1] for w in words if w[:1] == ["FOLDER"]]
    assert groups and folders
    deadline = time.monotonic() + 20  # the janitor's work: a few hundred ms when all is well
    while _left(groups, uids, folders) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = _left(groups, uids, folders)
    for line in left:  # never leave a test's processes running on the machine, pass or fail
        if line.startswith("pid "):
            try:
                os.kill(int(line.split()[1]), 9)
            except ProcessLookupError:
                pass
    for group in groups:
        confinement.remove_cgroup(Path(group))
    assert left == []
