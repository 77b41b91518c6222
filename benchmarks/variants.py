"""Grading a class with per-trainee variants against the same class without, side by side.

Without: N copies of variant 0's master. With: N masters of variants 1..V (a roster names each
trainee's variant). Variant reference answers are computed once before timing (that one-off cost,
one master run per variant, is printed separately; later grades read the cached files). Both sides
run the same `python -m course grade`, interleaved; the issue's budget is a ratio ≤ 1.2.

By default the synthetic 96-variants master of the tests runs in a temp solutions folder, so the
benchmark works before every real master has a parameters cell; --exercise NAME uses a real one.

usage: .venv/bin/python benchmarks/variants.py [--copies 12] [--variants 4] [--workers 2]
       [--rounds 3] [--exercise NAME] [--sandbox]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, interleave, isolated_jupyter_env, print_ratios

sys.path.insert(0, str(REPO / "tests" / "exercises"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--exercise", default=None)
    parser.add_argument("--sandbox", action="store_true", help="grade in the sandbox (default: --no-sandbox on both sides)")
    args = parser.parse_args()
    env = isolated_jupyter_env()
    folder = Path(tempfile.mkdtemp(prefix="variants-bench-"))
    if args.exercise is None:
        from variant_fixtures import NAME, write_master

        env["COURSE_SOLUTIONS_DIR"] = str(folder / "solutions")
        env["COURSE_EXERCISES_DIR"] = str(folder / "exercises")
        os.environ.update({k: env[k] for k in ("COURSE_SOLUTIONS_DIR", "COURSE_EXERCISES_DIR")})
        write_master(folder / "solutions")
        subprocess.run([sys.executable, "-m", "course", "assign", NAME], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=REPO)
        name = NAME
    else:
        name = args.exercise
    from course.exercises.assign import write_variant

    plain, varied = folder / "plain", folder / "varied"
    write_variant(name, 0, folder / "m0.ipynb", as_master=True)
    started = time.perf_counter()
    for variant in range(1, args.variants + 1):  # computes and caches each variant's answers once
        write_variant(name, variant, folder / f"m{variant}.ipynb", as_master=True)
    one_off = time.perf_counter() - started
    roster = ["trainee,variant"]
    for n in range(args.copies):
        variant = n % args.variants + 1
        plain.mkdir(exist_ok=True)
        varied.mkdir(exist_ok=True)
        (plain / f"t{n:02d}.ipynb").write_bytes((folder / "m0.ipynb").read_bytes())
        (varied / f"t{n:02d}.ipynb").write_bytes((folder / f"m{variant}.ipynb").read_bytes())
        roster.append(f"t{n:02d},{variant}")
    (folder / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    counter = iter(range(10_000))
    sandbox = [] if args.sandbox else ["--no-sandbox"]

    def grade(class_dir: Path, *extra: str):
        def run() -> None:
            out = folder / f"out{next(counter)}"  # fresh each round: no resumed grades
            done = subprocess.run([sys.executable, "-m", "course", "grade", name, str(class_dir), "--out", str(out),
                                   "--workers", str(args.workers), *sandbox, *extra], env=env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if done.returncode != 0:
                raise RuntimeError(done.stdout[-2000:])
        return run

    times = interleave({"without variants": grade(plain),
                        "with variants + roster": grade(varied, "--roster", str(folder / "roster.csv"))},
                       args.rounds)
    print(f"one-off: reference answers of {args.variants} variants computed in {one_off:.1f} s (then cached)")
    print_ratios(f"{args.copies} submissions of {name}, {args.workers} workers, {args.rounds} interleaved rounds",
                 times, base="without variants")
    ratio = statistics.median(times["with variants + roster"]) / statistics.median(times["without variants"])
    print(f"budget (issue 19): ratio ≤ 1.20 — {'met' if ratio <= 1.2 else 'NOT met'} ({ratio:.2f})")


if __name__ == "__main__":
    main()
