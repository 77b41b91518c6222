"""Execute every lesson notebook and report the slowest code cell of each (goal: ≤ 1 s per cell,
kernel start excluded). Cell times are the kernel's own (execute_input → execute_reply).

usage: .venv/bin/python benchmarks/lesson_cells.py [--rounds 2] [notebooks/07-rfm.ipynb ...]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import time
from datetime import datetime
from pathlib import Path

from _common import lesson_copies, print_table, use_isolated_jupyter_env

GOAL_SECONDS = 1.0


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_notebook(path: Path) -> tuple[float, list[tuple[int, str, float]], list[str]]:
    """(kernel start seconds, [(cell number, first line, seconds)], errors) of one execution."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True, record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        kernel_start = time.perf_counter() - started
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
    cells, errors = [], []
    for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), 1):
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            seconds = (_stamp(timing["shell.execute_reply"]) - _stamp(timing["iopub.execute_input"])).total_seconds()
            first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
            cells.append((number, first_line[:48], seconds))
        errors += [f"cell {number}: {o.get('ename')}: {o.get('evalue')}"[:160]
                   for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return kernel_start, cells, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    use_isolated_jupyter_env()
    notebooks = lesson_copies(args.notebooks)
    assert notebooks, "no lesson notebooks found"

    per_cell: dict[Path, dict[int, list[float]]] = {p: {} for p in notebooks}
    labels: dict[tuple[Path, int], str] = {}
    starts: dict[Path, list[float]] = {p: [] for p in notebooks}
    errors: dict[Path, set[str]] = {p: set() for p in notebooks}
    for round_ in range(args.rounds):  # notebooks in reverse order every other round
        for path in (notebooks if round_ % 2 == 0 else notebooks[::-1]):
            kernel_start, cells, errs = run_notebook(path)
            starts[path].append(kernel_start)
            errors[path].update(errs)
            for number, label, seconds in cells:
                per_cell[path].setdefault(number, []).append(seconds)
                labels[path, number] = label

    rows, missed = [], []
    for path in notebooks:
        medians = {n: statistics.median(v) for n, v in per_cell[path].items()}
        if not medians:
            rows.append([path.name, 0, "-", "-", "-", "-", "-"])
            continue
        worst = max(medians, key=medians.get)
        verdict = "met" if medians[worst] <= GOAL_SECONDS else "MISSED"
        if verdict == "MISSED":
            missed.append(path.name)
        rows.append([path.name, len(medians), f"{sum(medians.values()):.2f}", f"{statistics.median(starts[path]):.2f}",
                     f"{worst}: {labels[path, worst]}", f"{medians[worst]:.3f}",
                     f"{medians[worst] / GOAL_SECONDS:.2f} {verdict}"])
    print(f"Lesson notebooks, {args.rounds} interleaved rounds; median seconds per cell (kernel's own timing)")
    print_table(["notebook", "cells", "all cells s", "kernel start s", "slowest code cell", "s",
                 "ratio to 1 s goal"], rows)
    for path in notebooks:
        for error in sorted(errors[path]):
            print(f"ERROR {path.name} {error}")
    print("goal ≤ 1 s per cell: " + ("met by every lesson" if not missed else "MISSED in " + ", ".join(missed)))


if __name__ == "__main__":
    main()
