"""Grading with an empty variant cache (issue 19): the grader runs the missing masters several at a
time before any trainee kernel, and gets exactly the answers one-by-one runs give."""
import threading
from types import SimpleNamespace

from variant_fixtures import NAME, course_folders, write_master

from course.exercises import reference
from course.exercises.assign import assign
from course.exercises.master import read_master


def test_for_class_fills_an_empty_cache_in_parallel_with_the_same_answers(tmp_path, monkeypatch):
    with course_folders(tmp_path) as (solutions, _):
        write_master(solutions)
        assign(solutions / f"{NAME}.ipynb")
        master = read_master(solutions / f"{NAME}.ipynb")
        one_by_one = {v: reference.reference_answers(master, v)["answers"] for v in (1, 2, 3)}
        cache = reference.answers_path(NAME, 1).parent
        for path in cache.glob("v*.json"):
            path.unlink()

        running, most, lock, calls = 0, 0, threading.Lock(), []
        original = reference.compute_answers

        def counted(*args, **kwargs):
            nonlocal running, most
            with lock:
                calls.append(args[1])
                running += 1
                most = max(most, running)
            try:
                return original(*args, **kwargs)
            finally:
                with lock:
                    running -= 1

        monkeypatch.setattr(reference, "compute_answers", counted)
        monkeypatch.setattr(reference.os, "cpu_count", lambda: 2)
        stored = reference.read_answers(NAME)
        trainees = [SimpleNamespace(trainee=f"t{v}", notebook=None) for v in (1, 2, 3, 1)]
        trainees[-1].trainee = "t1b"
        roster = {"t1": 1, "t2": 2, "t3": 3, "t1b": 1}
        prepared = reference.for_class(master, stored, trainees, roster)
    assert {v: prepared["by_variant"][v]["answers"] for v in (1, 2, 3)} == one_by_one
    assert prepared["by_variant"][0] is stored and prepared["variant_of"] == roster
    assert sorted(p.name for p in cache.glob("v*.json")) == ["v1.json", "v2.json", "v3.json"]
    assert sorted(calls) == [1, 2, 3]  # one master run per variant, not one per trainee
    assert most == 2  # two at a time on two cores


def test_a_cached_variant_is_stale_after_a_library_update(tmp_path, monkeypatch):
    """A variant's answers were computed through the course package: once its code changes (a git
    pull between two classes) they are computed again, as when the master or its tables change."""
    with course_folders(tmp_path) as (solutions, _):
        write_master(solutions)
        assign(solutions / f"{NAME}.ipynb")
        master = read_master(solutions / f"{NAME}.ipynb")
        stored = reference.reference_answers(master, 1)
        assert reference.is_current(master, stored, 1) and stored["library"] == reference.library_hash()

        monkeypatch.setattr(reference, "library_hash", lambda: "another library")
        assert not reference.is_current(master, stored, 1)
        assert reference.is_current(master, reference.read_answers(NAME), 0)  # variant 0 is committed, CI checks it
        runs = []
        original = reference.compute_answers
        monkeypatch.setattr(reference, "compute_answers", lambda m, v: runs.append(v) or original(m, v))
        again = reference.reference_answers(master, 1)
        assert runs == [1] and again["library"] == "another library"
