"""The kernel floor: execute notebooks with plain nbclient, N at a time, and do nothing else.

usage: python bare_nbclient.py WORKERS NOTEBOOK...
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
            await NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60).async_execute()

    await asyncio.gather(*(one(p) for p in paths))


if __name__ == "__main__":
    asyncio.run(run_all(sys.argv[2:], int(sys.argv[1])))
