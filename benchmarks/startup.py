"""Start-up: (1) the import time of `course` (fresh interpreters, against `pass` and `import
pandas`), and (2) for every lesson, the time from kernel start to its first code cell finished,
against the same kernel start running `pass`. Interleaved rounds, medians and ratios.

usage: .venv/bin/python benchmarks/startup.py [--rounds 5] [notebooks/07-rfm.ipynb ...]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import interleave, lesson_copies, print_ratios, print_table, use_isolated_jupyter_env


def python_seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def first_code_cell(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


def kernel_to_first_cell(code: str, cwd: Path) -> tuple[float, float]:
    """(kernel start until ready, then running ``code``) in seconds, for a fresh kernel."""
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), stderr=subprocess.DEVNULL)
    try:
        ready = time.perf_counter()
        reply = kc.execute_interactive(code, timeout=120, store_history=False, output_hook=lambda msg: None)
        finished = time.perf_counter()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"first cell failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return ready - started, finished - ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    use_isolated_jupyter_env()

    imports = interleave({
        "python -c pass": lambda: python_seconds("pass"),
        "import course": lambda: python_seconds("import course"),
        "import course; course.load": lambda: python_seconds("import course; course.load"),
        "import pandas": lambda: python_seconds("import pandas"),
    }, args.rounds)
    print_ratios(f"Import time in a fresh interpreter, {args.rounds} interleaved rounds", imports,
                 base="python -c pass")
    print()

    notebooks = lesson_copies(args.notebooks)
    contestants, parts = {}, {}
    for path in notebooks:
        code = first_code_cell(path)

        def lesson(path=path, code=code) -> float:
            start, cell = kernel_to_first_cell(code, path.parent)
            parts.setdefault(path.name, []).append((start, cell))
            return start + cell
        contestants[path.name] = lesson
    contestants["(kernel + pass)"] = lambda: sum(kernel_to_first_cell("pass", notebooks[0].parent))
    times = interleave(contestants, max(2, args.rounds // 2))
    print_ratios("Kernel start → first lesson cell finished (s); the floor is a kernel running `pass`",
                 times, base="(kernel + pass)")
    rows = []
    for name, values in parts.items():
        starts, cells = zip(*values)
        rows.append([name, f"{statistics.median(starts):.2f}", f"{statistics.median(cells):.2f}",
                     first_code_cell(next(p for p in notebooks if p.name == name)).splitlines()[0][:60]])
    print_table(["lesson", "kernel start s", "first cell s", "first cell"], rows)


if __name__ == "__main__":
    main()
