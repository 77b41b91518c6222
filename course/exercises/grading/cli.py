"""``python -m course grade EXERCISE SUBMISSION... --out DIR [--workers N]``."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from course.core import paths
from course.exercises.grading.report import write_all
from course.exercises.grading.runner import Limits, run_notebook
from course.exercises.grading.score import score_run, unreadable_rows
from course.exercises.grading.store import ResultStore
from course.exercises.grading.submission import Submission, collect, read_submission
from course.core.i18n import CourseError, choices, t
from course.exercises.master import Master, read_master
from course.exercises.reference import is_current, read_answers


def resolve_exercise(name_or_path: str) -> tuple[Master, dict]:
    """The master and its current reference answers, from a name like 07-rfm or a notebook path."""
    stem = Path(name_or_path).stem
    master_path = paths.solutions_dir() / f"{stem}.ipynb"
    if not master_path.exists():
        known = [p.stem for p in sorted(paths.solutions_dir().glob("[0-9][0-9]-*.ipynb"))]
        raise CourseError("grading.unknown_exercise", name=name_or_path, valid=choices(known) or "—")
    master = read_master(master_path)
    stored = read_answers(master.name)
    if not is_current(master, stored):
        raise CourseError("assign.stale_answers", name=master.name)
    return master, stored


async def _grade_one(master: Master, stored: dict, submission: Submission, limits: Limits) -> dict:
    base = {"trainee": submission.trainee, "exercise": master.name, "file": str(submission.path),
            "submission_sha256": submission.sha256, "source_hash": stored["source_hash"]}
    if submission.notebook is None:
        return {**base, "rows": unreadable_rows(master, submission.problem), "seconds": 0.0}
    run = await run_notebook(submission.notebook, master.question_ids, limits)
    rows = score_run(master, stored["answers"], submission.notebook, run)
    return {**base, "rows": rows, "seconds": round(run.seconds, 2), "fatal": run.fatal,
            "output_truncated": run.output_truncated}


async def _grade_pending(master, stored, pending, limits, workers, store, progress, results) -> None:
    gate = asyncio.Semaphore(workers)

    async def one(submission: Submission) -> None:
        async with gate:
            result = await _grade_one(master, stored, submission, limits)
        results[submission.trainee] = result
        store.save(result)
        progress.update(1)

    await asyncio.gather(*(one(s) for s in pending))


def grade(exercise: str, submissions: list[Path], out: Path, workers: int = 2,
          limits: Limits = Limits(), show_progress: bool = True) -> list[dict]:
    """Grade every submission (resuming finished ones) and write the reports; return the results.

    Every file is read before any kernel starts, and the reports come from the grades held in
    memory, so a submission that writes into the class folder or the output folder changes nothing.
    """
    from tqdm.auto import tqdm

    master, stored = resolve_exercise(exercise)
    found = [read_submission(path, trainee) for trainee, path in collect([Path(p) for p in submissions])]
    if not found:
        raise CourseError("grading.no_submissions", paths=choices(submissions))
    out = Path(out)
    store = ResultStore(out)
    results: dict[str, dict] = {}
    for submission in found:
        if store.is_done(submission.trainee, submission.sha256, stored["source_hash"]):
            results[submission.trainee] = store.load(submission.trainee)
    pending = [s for s in found if s.trainee not in results]
    with tqdm(total=len(found), initial=len(results), desc=t("grading.progress"),
              unit=t("grading.unit"), disable=not show_progress) as progress:
        asyncio.run(_grade_pending(master, stored, pending, limits, max(1, workers), store, progress, results))
    ordered = [results[s.trainee] for s in found]
    for result in ordered:  # undo any stored grade a submission rewrote while it ran
        if store.load(result["trainee"]) != result:
            store.save(result)
    write_all(ordered, master.name, out)
    return ordered


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course grade", description=t("cli.grade"))
    parser.add_argument("exercise", help=t("grading.arg_exercise"))
    parser.add_argument("submissions", nargs="+", type=Path, help=t("grading.arg_submissions"))
    parser.add_argument("--out", type=Path, required=True, help=t("grading.arg_out"))
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2), help=t("grading.arg_workers"))
    parser.add_argument("--timeout", type=int, default=Limits.cell_seconds, help=t("grading.arg_timeout"))
    args = parser.parse_args(argv)
    try:
        results = grade(args.exercise, args.submissions, args.out, args.workers,
                        Limits(cell_seconds=args.timeout))
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + t("grading.interrupted"), file=sys.stderr)
        return 130
    total = sum(r["points"] for res in results for r in res["rows"])
    print(t("grading.done", count=len(results), out=args.out, average=f"{total / max(len(results), 1):.1f}"))
    return 0
