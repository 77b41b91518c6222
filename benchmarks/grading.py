"""Grader vs the kernel floor: grade N copies of an exercise with W workers, and execute the same
notebooks with bare nbclient, interleaved, on the same machine. Prints medians and the ratio.

usage: python benchmarks/grading.py [--copies 10] [--workers 2] [--rounds 3] [--exercise 07-rfm]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))


def make_class(exercise: str, copies: int, folder: Path) -> list[Path]:
    from grading_fixtures import write_class

    files = write_class(exercise, folder / "fixtures", {"q3": "-1"})
    solved = files["some_wrong"]
    class_dir = folder / "class"
    class_dir.mkdir()
    out = []
    for n in range(copies):
        out.append(class_dir / f"trainee{n:02d}.ipynb")
        shutil.copy(solved, out[-1])
    return out


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--exercise", default="07-rfm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        notebooks = make_class(args.exercise, args.copies, folder)
        bare = [sys.executable, str(HERE / "bare_nbclient.py"), str(args.workers), *map(str, notebooks)]
        times: dict[str, list[float]] = {"bare nbclient": [], "course grade": []}
        for round_ in range(args.rounds):
            out = folder / f"out{round_}"  # a fresh folder each round: no resumed grades
            grade = [sys.executable, "-m", "course", "grade", args.exercise, str(folder / "class"),
                     "--out", str(out), "--workers", str(args.workers)]
            order = [("bare nbclient", bare), ("course grade", grade)]
            for name, command in (order if round_ % 2 == 0 else order[::-1]):
                times[name].append(timed(command))
    floor = statistics.median(times["bare nbclient"])
    print(f"{args.copies} notebooks of {args.exercise}, {args.workers} workers, {args.rounds} interleaved rounds")
    print(f"{'':16}{'median s':>10}{'runs':>28}{'ratio':>8}")
    for name, values in times.items():
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:16}{statistics.median(values):>10.2f}{runs:>28}{statistics.median(values) / floor:>8.2f}")


if __name__ == "__main__":
    main()
