"""Per-trainee variants and the assessment choice in the classroom (issues 19 and 14).

* Each trainee gets a stable variant from their hub identity (the account name), so neighbours get
  different numbers; provisioning writes that trainee's variant of every exercise and records the
  variant in the store, and ``classroom grade`` grades with the store as the roster (it wins over
  whatever variant a submitted notebook claims).
* ``serve --assessment`` gives every trainee assessment exercises: no answer payload, shape-only
  checks (the same transformation as ``release --assessment``).
* Reference answers of a variant cost one master run, cached in solutions/answers/variants/.
  ``serve`` computes the missing ones before it opens the doors (``classroom prepare`` does it ahead
  of the class), so a login never waits for a master run. ``serve`` then builds every variant's
  exercise files (``prebuild``) before the hub takes its first login and keeps them in memory per
  (variant, mode): a class costs one build per variant, done before the doors open, and a login
  only copies files (building one variant is ~0.3–0.5 CPU-s of JSON and nbformat work, which in the
  hub would hold the GIL while its event loop serves everyone else).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from course.core.i18n import CourseError, t
from course.exercises.variants import stable_variant

PRACTICE, ASSESSMENT = "practice", "assessment"
DEFAULT_COUNT = 30


def trainee_variant(account: str, count: int) -> int:
    """The variant of one trainee (1..count), or 0 for everyone when the class has no variants."""
    return stable_variant(account, count) if count > 0 else 0


@cache
def _master(path: str):
    from course.exercises.master import read_master

    return read_master(Path(path))


def _masters() -> list:
    from course.exercises.assign import masters

    return [_master(str(p)) for p in masters()]


def missing(count: int) -> list[tuple[object, int]]:
    """(master, variant) pairs of variants 1..count whose reference answers are not cached yet."""
    from course.exercises.reference import is_current, read_answers, source_hash

    todo = []
    for master in _masters():
        digest = source_hash(master)
        todo += [(master, v) for v in range(1, count + 1)
                 if not is_current(master, read_answers(master.name, v), v, digest)]
    # variant by variant across the exercises: an interrupted run leaves whole low variants ready
    # (a smaller class, or the tests' two variants), not some exercises with all thirty
    return sorted(todo, key=lambda item: item[1])


def prepare(count: int, workers: int = 2, say=print) -> int:
    """Compute the missing reference answers of variants 1..count (two master runs at a time: a
    master run waits on its kernel). Returns how many were computed."""
    from course.exercises.reference import reference_answers

    todo = missing(count)
    if not todo:
        return 0
    say(t("classroom.variants_preparing", count=len(todo), variants=count))
    done = 0
    lock = threading.Lock()

    def one(item) -> None:
        nonlocal done
        reference_answers(*item)
        with lock:
            done += 1
            if done % 10 == 0 or done == len(todo):
                say(t("classroom.variants_progress", done=done, total=len(todo)))

    with ThreadPoolExecutor(max(1, workers)) as pool:
        list(pool.map(one, todo))
    return len(todo)


_built: dict[tuple[int, str], tuple[tuple[str, bytes], ...]] = {}
_locks: dict[tuple[int, str], threading.Lock] = {}
_guard = threading.Lock()


def exercise_files(variant: int, mode: str) -> tuple[tuple[str, bytes], ...]:
    """``(exercises/NN-slug.ipynb, bytes)`` of every exercise in this variant and mode, with the
    「交作业」 cell, audited like the release bundle. Built once per (variant, mode) per process."""
    key = (variant, mode)
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:  # two trainees of one variant logging in together: one build
        if key not in _built:
            _built[key] = _build(variant, mode)
    return _built[key]


def class_variants(count: int) -> list[int]:
    """The variants trainees of a class can draw: 1..count, or only 0 when the class has none."""
    return list(range(1, count + 1)) if count > 0 else [0]


def prebuild(count: int, mode: str, workers: int = 2) -> int:
    """Build the exercise files of every variant of the class in this process's memory (``serve``
    calls it before the hub starts), two worker processes at a time: it is CPU work, and the hub
    has not started yet. Returns the number of variants built."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    todo = [v for v in class_variants(count) if (v, mode) not in _built]
    # forked workers only from a single-threaded process (serve, before the hub starts): a fork of a
    # process with other threads (a test runner's, say) may copy a lock one of them holds and hang
    if len(todo) > 1 and workers > 1 and threading.active_count() == 1:
        with ProcessPoolExecutor(min(workers, len(todo)), mp_context=get_context("fork")) as pool:
            for variant, files in zip(todo, pool.map(_build, todo, [mode] * len(todo))):
                _built.setdefault((variant, mode), files)
    for variant in todo:
        exercise_files(variant, mode)  # built above, or here when there is one variant or one worker
    return len(todo)


def _build(variant: int, mode: str) -> tuple[tuple[str, bytes], ...]:
    from course.classroom.provision import with_submit_cell
    from course.core.paths import exercises_dir
    from course.exercises.assign import build_exercise, render
    from course.exercises.reference import reference_answers
    from course.trainer.release import assessment_notebook, notebook_problems

    files = []
    for master in _masters():
        name = f"exercises/{master.name}.ipynb"
        if variant:
            raw = render(build_exercise(master, reference_answers(master, variant), variant)).encode("utf-8")
        else:
            raw = (exercises_dir() / f"{master.name}.ipynb").read_bytes()
        data = with_submit_cell(raw)
        if mode == ASSESSMENT:
            data = assessment_notebook(data)
        problems = notebook_problems(name, data, assessment=mode == ASSESSMENT)
        if problems:  # the same audit as release: never hand a trainee an answer by accident
            raise RuntimeError("; ".join(problems))
        files.append((name, data))
    return tuple(files)


def configure_class(store, count: int, assessment: bool) -> dict:
    """Record the class's mode and variant count in the store (what provisioning and the dashboard
    read). A class that already has trainees keeps its mode: switching a practice class to assessment
    would leave the practice copies, answers included, in the trainees' homes."""
    if count < 0:
        raise CourseError("classroom.variants_negative")
    mode = ASSESSMENT if assessment else PRACTICE
    before = store.setting("mode")
    if before and before != mode and store.trainees():
        raise CourseError("classroom.mode_locked", before=t(f"classroom.mode_{before}"),
                          after=t(f"classroom.mode_{mode}"))
    store.set_setting("mode", mode)
    store.set_setting("variants", str(count))
    return {"mode": mode, "variants": count}


def class_settings(store) -> dict:
    """The mode and the variant count recorded by ``serve`` (a class from before: practice, none)."""
    count = store.setting("variants")
    return {"mode": store.setting("mode") or PRACTICE, "variants": int(count) if count else 0}
