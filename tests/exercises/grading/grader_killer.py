"""A grader that ends abruptly at a chosen moment (run as a script by test_grader_death.py).

    python grader_killer.py SIGNAL MOMENT EXERCISE SUBMISSION OUT
MOMENT "launch": right after the first kernel launcher is started (bubblewrap still building the
sandbox); "running": when the first cell is sent to a running kernel. It prints every cgroup
folder it makes (CGROUP path), its kernels' folders (FOLDER path) and uids (UID n), so the test
knows what to look for.
"""
import os
import signal
import sys

from jupyter_client.provisioning import local_provisioner

from course import sandbox as confinement
from course.exercises.grading import cli, runner

sig, moment = getattr(signal, sys.argv[1]), sys.argv[2]


def die() -> None:
    print("DYING", flush=True)
    os.kill(os.getpid(), sig)


real_make, real_launch, real_cell = confinement.make_cgroup, local_provisioner.launch_kernel, \
    runner.LimitedClient.async_execute_cell


def make_cgroup(*args, **kw):
    groups = real_make(*args, **kw)
    for folder in groups.folders if groups else ():
        print("CGROUP", folder, flush=True)
    return groups


def launch_kernel(cmd, **kw):
    process = real_launch(cmd, **kw)
    uids = [a.split("=", 1)[1] for a in cmd if a.startswith("--reuid=")]
    print("UID", *uids, flush=True)
    if moment == "launch":
        die()
    return process


async def execute_cell(self, cell, index, **kw):
    if moment == "running":
        die()
    return await real_cell(self, cell, index, **kw)


real_kernel_init = runner._Kernel.__init__


def kernel_init(self, *args, **kw):
    real_kernel_init(self, *args, **kw)
    print("FOLDER", self.folder, flush=True)


runner._Kernel.__init__ = kernel_init
confinement.make_cgroup = make_cgroup
local_provisioner.launch_kernel = launch_kernel
runner.LimitedClient.async_execute_cell = execute_cell
sys.exit(cli.main([sys.argv[3], sys.argv[4], "--out", sys.argv[5], "--workers", "1"]))
