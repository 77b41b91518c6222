"""Grading a class with per-trainee variants against the same class without, side by side (issue 19).

Three contestants grade the same number of submissions with the same number of workers, through the
same ``python -m course grade`` command, in interleaved rounds (the order reverses every other round):

* without variants — N copies of variant 0's master (the full-marks solution), no roster;
* with variants, warm — N masters of variants 1..V, with a roster; the per-variant reference answers
  are already cached (what `release --roster` and `assign --variant` leave behind: writing a trainee's
  variant needs that variant's fingerprints, so its reference is computed at release time).
  Reference answers are NOT computed inside the measured time;
* with variants, cold — the same class, but the variant cache is emptied before each round, so the
  grader runs the master once per variant inside the measured time (a master changed after release,
  or grading on another machine than the one that released); it runs them two at a time
  (``reference.for_class``) before the first trainee kernel.

Every grade must give every submission full marks (a master graded against its own variant); the
benchmark stops if one does not, so a wrong variant can never look fast.

Everything runs in a temp copy of solutions/ (the master and its variant-0 answers) and exercises/,
so the repo's git-ignored variant cache is never emptied under other people's tests.
``--synthetic`` uses the small 96-variants master of the tests instead of a real exercise.

usage: .venv/bin/python benchmarks/variants.py [--exercise 07-rfm | --synthetic] [--copies 12]
       [--variants 4] [--workers 2] [--rounds 3] [--sandbox]
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, interleave, isolated_jupyter_env, print_ratios

sys.path.insert(0, str(REPO / "tests" / "exercises"))
BUDGET = 1.2  # issue 19: with variants ≤ 1.2 × without


def temp_solutions(folder: Path, env: dict[str, str], exercise: str | None) -> str:
    """Point solutions/ and exercises/ at ``folder`` (here and in the grader's environment) and put
    the master there; returns the exercise name."""
    for key, sub in (("COURSE_SOLUTIONS_DIR", "solutions"), ("COURSE_EXERCISES_DIR", "exercises")):
        env[key] = os.environ[key] = str(folder / sub)
    solutions = folder / "solutions"
    (solutions / "answers").mkdir(parents=True)
    (folder / "exercises").mkdir()
    if exercise is None:
        from variant_fixtures import NAME, write_master

        write_master(solutions)
        subprocess.run([sys.executable, "-m", "course", "assign", NAME], env=env, check=True,
                       stdout=subprocess.DEVNULL, cwd=REPO)
        return NAME
    shutil.copy2(REPO / "solutions" / f"{exercise}.ipynb", solutions / f"{exercise}.ipynb")
    shutil.copy2(REPO / "solutions" / "answers" / f"{exercise}.json", solutions / "answers" / f"{exercise}.json")
    return exercise


def full_marks(out: Path) -> tuple[float, float]:
    """(points, max points) over the whole class, from the grader's gradebook."""
    with open(out / "gradebook.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return sum(float(r["points"]) for r in rows), sum(float(r["max_points"]) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercise", default="07-rfm")
    parser.add_argument("--synthetic", action="store_true", help="the tests' small 96-variants master")
    parser.add_argument("--copies", type=int, default=12)
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sandbox", action="store_true", help="grade in the sandbox (default: --no-sandbox on both sides)")
    args = parser.parse_args()
    env = isolated_jupyter_env()
    folder = Path(tempfile.mkdtemp(prefix="variants-bench-"))
    name = temp_solutions(folder, env, None if args.synthetic else args.exercise)
    from course.exercises.assign import write_variant
    from course.exercises.reference import answers_path

    cache = answers_path(name, 1).parent
    write_variant(name, 0, folder / "m0.ipynb", as_master=True)
    started = time.perf_counter()
    for variant in range(1, args.variants + 1):  # fills the cache, one master run each, as release does
        write_variant(name, variant, folder / f"m{variant}.ipynb", as_master=True)
    one_off = time.perf_counter() - started
    plain, varied = folder / "plain", folder / "varied"
    plain.mkdir()
    varied.mkdir()
    roster = ["trainee,variant"]
    for n in range(args.copies):
        variant = n % args.variants + 1
        (plain / f"t{n:02d}.ipynb").write_bytes((folder / "m0.ipynb").read_bytes())
        (varied / f"t{n:02d}.ipynb").write_bytes((folder / f"m{variant}.ipynb").read_bytes())
        roster.append(f"t{n:02d},{variant}")
    (folder / "roster.csv").write_text("\n".join(roster) + "\n", encoding="utf-8")
    counter = iter(range(10_000))
    sandbox = [] if args.sandbox else ["--no-sandbox"]

    def grade(class_dir: Path, *extra: str, cold: bool = False):
        def run() -> float:
            out = folder / f"out{next(counter)}"  # fresh each round: no resumed grades
            if cold:
                shutil.rmtree(cache, ignore_errors=True)
            elif not any(cache.glob("v*.json")):
                raise RuntimeError("warm round without a cached variant")
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "course", "grade", name, str(class_dir), "--out", str(out),
                                   "--workers", str(args.workers), *sandbox, *extra], env=env, cwd=REPO,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            seconds = time.perf_counter() - started
            if done.returncode != 0:
                raise RuntimeError(done.stdout[-2000:])
            points, best = full_marks(out)
            if points != best:
                raise RuntimeError(f"{class_dir.name}: {points:g} of {best:g} points — a master lost marks")
            return seconds

        return run

    with_roster = ("--roster", str(folder / "roster.csv"))
    contestants = {"without variants": grade(plain),
                   "with variants, warm cache": grade(varied, *with_roster),
                   "with variants, cold cache": grade(varied, *with_roster, cold=True)}
    times = interleave(contestants, args.rounds)
    print(f"one-off (before timing, as at release): {args.variants} variants' reference answers computed "
          f"one after another in {one_off:.1f} s, then cached")
    print_ratios(f"{args.copies} submissions of {name} ({args.variants} variants), {args.workers} workers, "
                 f"{args.rounds} interleaved rounds, every submission full marks", times, base="without variants")
    base = statistics.median(times["without variants"])
    for label in ("with variants, warm cache", "with variants, cold cache"):
        ratio = statistics.median(times[label]) / base
        print(f"budget (issue 19) ratio ≤ {BUDGET:.2f}, {label}: {'met' if ratio <= BUDGET else 'NOT met'} ({ratio:.2f})")
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
