"""The kernel floor with the same kernel shutdown as our grader: plain nbclient, N at a time,
shutting each kernel down immediately (bare_nbclient.py waits for a graceful shutdown).

usage: python kernel_floor.py WORKERS NOTEBOOK...
"""
import asyncio
import sys

import nbformat
from nbclient import NotebookClient


async def run_all(paths: list[str], workers: int) -> None:
    gate = asyncio.Semaphore(workers)

    async def one(path: str) -> None:
        async with gate:
            nb = nbformat.read(path, as_version=4)
            await NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60,
                                 shutdown_kernel="immediate", record_timing=False).async_execute()

    await asyncio.gather(*(one(p) for p in paths))


if __name__ == "__main__":
    asyncio.run(run_all(sys.argv[2:], int(sys.argv[1])))
