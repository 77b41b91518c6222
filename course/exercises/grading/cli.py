"""``python -m course grade EXERCISE SUBMISSION... --out DIR [--workers N]``."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from course import sandbox as confinement
from course.core import paths
from course.core.i18n import CourseError, choices, t
from course.exercises.assign import read_roster
from course.exercises.grading.report import write_all
from course.exercises.grading.runner import Limits, run_notebook
from course.exercises.grading.score import score_run, unreadable_rows
from course.exercises.grading.store import ResultStore
from course.exercises.grading.submission import Submission, claims, clash, read_submission
from course.exercises.master import Master, read_master
from course.exercises.reference import for_class, graded_answers, is_current, read_answers


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


async def _grade_one(master: Master, stored: dict, submission: Submission, limits: Limits,
                     sandbox: confinement.Sandbox | None = None) -> dict:
    base = {"trainee": submission.trainee, "exercise": master.name,
            "file": os.fsdecode(submission.path).encode("utf-8", "replace").decode("utf-8"),
            "submission_sha256": submission.sha256, "source_hash": stored["source_hash"],
            "sandboxed": sandbox is not None}
    variant, answers = graded_answers(stored, submission.trainee)  # variants: issue 19
    base["variant"] = variant
    if submission.notebook is None:
        return {**base, "rows": unreadable_rows(master, submission.problem), "seconds": 0.0}
    try:
        run = await run_notebook(submission.notebook, master.question_ids, limits, sandbox=sandbox)
        rows = score_run(master, answers, submission.notebook, run, variant)
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception as error:  # one submission is one row with a reason, never a stopped batch
        reason = t("grading.internal_error", error=type(error).__name__)
        return {**base, "rows": unreadable_rows(master, reason), "seconds": 0.0, "fatal": "internal_error"}
    # every stopped or failed cell, question or not (a failed setup cell explains the rows after it)
    problems = [[p.index, p.status, p.detail] for p in run.problems]
    return {**base, "rows": rows, "seconds": round(run.seconds, 2), "fatal": run.fatal,
            "output_truncated": run.output_truncated, "cell_problems": problems}


async def _grade_pending(master, stored, pending, limits, workers, store, progress, results,
                         sandbox=None) -> None:
    gate = asyncio.Semaphore(workers)
    stop = asyncio.Event()

    async def one(submission: Submission) -> None:
        async with gate:
            if stop.is_set():
                return
            result = await _grade_one(master, stored, submission, limits, sandbox)
        if stop.is_set():  # cut short by Ctrl-C: not a grade (nbclient reports the cancel as a dead kernel)
            return
        results[submission.trainee] = result
        store.save(result)
        progress.update(1)

    work = asyncio.gather(*(one(s) for s in pending))
    with _ctrl_c_sets(stop):
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({work, stopped}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        stopped.cancel()
        await work  # raises what a worker raised
        return
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)  # kernels stopped and cleaned up
    raise KeyboardInterrupt


@contextlib.contextmanager
def _ctrl_c_sets(stop: asyncio.Event):
    """Ctrl-C sets ``stop`` instead of cancelling whatever is awaited: nbclient turns a cancelled
    cell into "kernel died", which would be saved as that trainee's grade. Only the main thread can
    take signals; elsewhere (the console, the classroom) the caller's own stop applies."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    previous = signal.signal(signal.SIGINT, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def choose_sandbox(no_sandbox: bool) -> confinement.Sandbox | None:
    """The sandbox every kernel runs in; without one, refuse unless the trainer said --no-sandbox."""
    if no_sandbox:
        return None
    found = confinement.find_sandbox()
    if found is None:
        raise CourseError("grading.no_sandbox", reason=confinement.missing_reason())
    return found


def grade(exercise: str, submissions: list[Path], out: Path, workers: int = 2,
          limits: Limits = Limits(), show_progress: bool = True, no_sandbox: bool = False,
          roster: Path | None = None) -> list[dict]:
    """Grade every submission (resuming finished ones) and write the reports; return the results.

    Every file is read before any kernel starts, and the reports come from the grades held in
    memory, so a submission that writes into the class folder or the output folder changes nothing.
    Kernels run in the sandbox (course.sandbox); with none available this refuses, unless
    ``no_sandbox`` — and then every report says so.
    """
    from tqdm.auto import tqdm

    sandbox = choose_sandbox(no_sandbox)
    master, stored = resolve_exercise(exercise)
    unique, clashes = claims([Path(p) for p in submissions])
    found = [read_submission(path, trainee) for trainee, path in unique]
    found += [clash(trainee, files) for trainee, files in clashes.items()]
    if not found:
        raise CourseError("grading.no_submissions", paths=choices(submissions))
    stored = for_class(master, stored, found, read_roster(roster) if roster else None)
    out = Path(out)
    store = ResultStore(out)
    results: dict[str, dict] = {}
    for submission in found:
        if store.is_done(submission.trainee, submission.sha256, stored["source_hash"]) and \
                store.load(submission.trainee).get("sandboxed") == (sandbox is not None) and \
                store.load(submission.trainee).get("variant", 0) == graded_answers(stored, submission.trainee)[0]:
            results[submission.trainee] = store.load(submission.trainee)
    pending = [s for s in found if s.trainee not in results]
    with tqdm(total=len(found), initial=len(results), desc=t("grading.progress"),
              unit=t("grading.unit"), disable=not show_progress) as progress:
        asyncio.run(_grade_pending(master, stored, pending, limits, max(1, workers), store, progress, results,
                                   sandbox))
    ordered = [results[s.trainee] for s in found]
    for result in ordered:  # undo any stored grade a submission rewrote while it ran
        if store.load(result["trainee"]) != result:
            store.save(result)
    for problem in write_all(ordered, master.name, out):
        print("⚠️ " + problem, file=sys.stderr)
    return ordered


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course grade", description=t("cli.grade"))
    parser.add_argument("exercise", help=t("grading.arg_exercise"))
    parser.add_argument("submissions", nargs="+", type=Path, help=t("grading.arg_submissions"))
    parser.add_argument("--out", type=Path, required=True, help=t("grading.arg_out"))
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2), help=t("grading.arg_workers"))
    parser.add_argument("--timeout", type=int, default=Limits.cell_seconds, help=t("grading.arg_timeout"))
    parser.add_argument("--no-sandbox", action="store_true", help=t("grading.arg_no_sandbox"))
    parser.add_argument("--roster", type=Path, default=None, help=t("assign.arg_roster"))
    args = parser.parse_args(argv)
    if args.no_sandbox:
        print("⚠️ " + t("grading.unsandboxed_banner"), file=sys.stderr)
    try:
        results = grade(args.exercise, args.submissions, args.out, args.workers,
                        Limits(cell_seconds=args.timeout), no_sandbox=args.no_sandbox, roster=args.roster)
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n" + t("grading.interrupted"), file=sys.stderr)
        return 130
    total = sum(r["points"] for res in results for r in res["rows"])
    print(t("grading.done", count=len(results), out=args.out, average=f"{total / max(len(results), 1):.1f}"))
    if args.no_sandbox:
        print("⚠️ " + t("grading.unsandboxed_banner"))
    return 0
