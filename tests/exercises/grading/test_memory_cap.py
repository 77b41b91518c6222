"""The memory cap of a grading kernel lives in a cgroup the kernel cannot leave: it counts every
process of the run together (RLIMIT_AS counts one process at a time, so children escape it). What
the cap kills is that submission's row, with the reason in Chinese; a kernel beside it is untouched."""
import asyncio

import nbformat
import pytest
from conftest import need

from course import sandbox as confinement
from course.core.i18n import t
from course.exercises.grading.runner import Limits, run_notebook

IDS = ["q0", "q1", "q2"]
# children below RLIMIT_AS each, far above the cap together (bytes are written, so they count)
CHILDREN = """import subprocess, sys
code = "import time; b = b'x' * (400 * 1024 * 1024); time.sleep(20)"
children = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(4)]
q1 = [child.wait() for child in children]"""
# the kernel itself the largest process when the cap is reached, still below its own RLIMIT_AS
KERNEL = """import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; b = b'x' * (800 * 1024 * 1024); time.sleep(60)"])
time.sleep(3)
mine = b'y' * (1600 * 1024 * 1024)
q1 = len(mine)"""


@pytest.fixture(scope="module")
def box():
    found = confinement.find_sandbox()
    need(None if found else "bubblewrap sandbox: " + confinement.missing_reason())
    need(None if confinement.cgroup_root("memory") else "a writable memory cgroup controller")
    return found


def notebook(source: str):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in ("q0 = 1", source, "q2 = 2")])


def test_children_over_the_cap_are_that_submissions_error_and_the_neighbour_is_untouched(box):
    limits = Limits(memory_mb=700, cell_seconds=90)

    async def both():
        return await asyncio.gather(run_notebook(notebook(CHILDREN), IDS, limits, box),
                                    run_notebook(notebook("q1 = [0, 1, 2]"), IDS, limits, box))

    hog, calm = asyncio.run(both())
    assert [(p.index, p.status, p.detail) for p in hog.problems] == \
        [(1, "error", t("grading.memory_exceeded", mb=700))]
    assert hog.fatal is None and hog.answers["q0"]["value"] == 1 and hog.answers["q2"]["value"] == 2
    assert calm.problems == [] and calm.fatal is None
    assert calm.answers["q1"] == {"type": "list", "value": [0, 1, 2]}


def test_a_kernel_killed_by_the_cap_costs_only_its_cell(box):
    limits = Limits(memory_mb=2400, cell_seconds=90)
    run = asyncio.run(run_notebook(notebook(KERNEL), IDS, limits, box))
    assert [(p.index, p.detail) for p in run.problems] == [(1, t("grading.memory_exceeded", mb=2400))]
    assert run.fatal is None
    assert run.answers["q0"]["value"] == 1 and run.answers["q2"]["value"] == 2
    assert run.answers["q1"] == {"type": "missing"}


def test_the_cap_is_written_and_the_kernel_cannot_leave_it(box, tmp_path):
    import subprocess
    import sys

    groups = confinement.make_cgroup(f"course-test-{tmp_path.name}", 40, 300 * 1024 * 1024)
    try:
        assert groups is not None and groups.memory is not None
        limit = next(groups.memory / n for n in ("memory.max", "memory.limit_in_bytes") if (groups.memory / n).exists())
        assert int(limit.read_text()) == 300 * 1024 * 1024
        escape = """
import os
try:
    open("/sys/fs/cgroup/cgroup.procs", "w").write(str(os.getpid()))
    print("left")
except OSError:
    print("stayed")
print(open("/proc/self/cgroup").read())
"""
        argv = confinement.join_cgroup_prefix(groups) + box.wrap(
            [sys.executable, "-c", escape], private=[], env=confinement.allowed_env(), uid=box.next_uid())
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.splitlines()[0] == "stayed"
    finally:
        confinement.remove_cgroup(groups)
    assert not any(folder.exists() for folder in groups.folders)
