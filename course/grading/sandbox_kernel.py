"""Kernel entry point for grading: sets resource limits on itself, then becomes an IPython kernel.

Limits are read from the environment the grader starts it with, so one kernelspec serves all runs.
"""
from __future__ import annotations

import os
import resource

MB = 1024 * 1024


def apply_limits() -> None:
    memory = int(os.environ.get("COURSE_KERNEL_MEMORY_MB", "3072")) * MB
    file_size = int(os.environ.get("COURSE_KERNEL_FILE_MB", "64")) * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = int(os.environ.get("COURSE_KERNEL_PROCESSES", "0"))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


if __name__ == "__main__":
    apply_limits()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
