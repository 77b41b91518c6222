"""Trustworthy under hostile input: every misbehaviour gets its status and reason, costs exactly the
questions it touches, leaves the other trainees' grades alone, and never stops the batch."""
import csv
import os
import signal
import subprocess
import sys
import time

import pytest

from course.exercises.grading import cli
from course.exercises.grading.runner import Limits
from course.exercises.master import read_master
from course.core.paths import solutions_dir
from conftest import REPO
from hostile_fixtures import BEFORE_ANSWER, EXERCISE, TOUCHED, UNREADABLE, WRONG, write_hostile_class

EXPECTED_TOUCHED = {
    "raises_exception": {"error"}, "infinite_loop": {"timeout"}, "sleeps_past_limit": {"timeout"},
    "calls_sys_exit": {"error"}, "calls_os_exit": {"error"}, "kernel_killed_by_signal": {"error"},
    "print_flood_100mb": {"error"}, "memory_bomb": {"error", "timeout"}, "fork_loop": {"error", "timeout"},
    "deleted_question_cell": {"unanswered"}, "answer_cell_retyped_to_markdown": {"unanswered"},
    "cells_reordered": {"error"},
}
TAMPERED = ["redefines_check", "patches_course_pandas_numpy_math_assert_doctest", "prints_fake_export",
            "writes_files"]


@pytest.fixture(scope="module")
def master():
    return read_master(solutions_dir() / f"{EXERCISE}.ipynb")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"
    files = write_hostile_class(root / "inbox", out)
    results = cli.grade(EXERCISE, [root / "inbox"], out, workers=2,
                        limits=Limits(cell_seconds=15, notebook_seconds=240), show_progress=False)
    return {r["trainee"]: r for r in results}, out, files


def rows(result):
    return {row["question"]: row for row in result["rows"]}


def test_every_fixture_was_graded(batch):
    results, _, files = batch
    assert set(results) == set(files) and len(files) >= 25


def test_the_honest_trainees_keep_their_grades(batch, master):
    results, _, _ = batch
    assert all(r["status"] == "correct" for r in rows(results["solution"]).values())
    assert {q for q, r in rows(results["some_wrong"]).items() if r["status"] != "correct"} == set(WRONG)


@pytest.mark.parametrize("name", sorted(UNREADABLE) + ["null_bytes"])
def test_unreadable_files_are_recorded_with_a_reason(batch, name):
    results, _, _ = batch
    graded = rows(results[name])
    assert {r["status"] for r in graded.values()} == {"unreadable"}
    assert all(r["points"] == 0 and r["message"] for r in graded.values())


@pytest.mark.parametrize("name", sorted(EXPECTED_TOUCHED))
def test_misbehaviour_costs_only_the_question_it_touches(batch, name):
    results, _, _ = batch
    graded = rows(results[name])
    assert graded[TOUCHED]["status"] in EXPECTED_TOUCHED[name], graded[TOUCHED]
    assert graded[TOUCHED]["points"] == 0 and graded[TOUCHED]["message"]
    others = {q: r["status"] for q, r in graded.items() if q != TOUCHED}
    assert set(others.values()) == {"correct"}, others


def test_duplicated_cells_change_nothing(batch):
    results, _, _ = batch
    assert {r["status"] for r in rows(results["duplicated_cells"]).values()} == {"correct"}


@pytest.mark.parametrize("name", TAMPERED)
def test_tampering_gets_the_same_grade_as_without(batch, name):
    results, _, _ = batch
    clean = [(q, r["points"], r["status"]) for q, r in rows(results["some_wrong"]).items()]
    assert [(q, r["points"], r["status"]) for q, r in rows(results[name]).items()] == clean


@pytest.mark.parametrize("name", ["fake_eq_and_float_answer", "wrong_type_answer"])
def test_forged_or_wrong_type_answers_are_wrong(batch, name):
    results, _, _ = batch
    graded = rows(results[name])
    assert graded[TOUCHED]["status"] == "wrong" and graded[TOUCHED]["points"] == 0


def test_files_written_by_a_submission_do_not_reach_the_reports(batch, master):
    results, out, files = batch
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        gradebook = list(csv.DictReader(handle))
    assert len(gradebook) == len(files) * len(master.questions)
    solution = [r for r in gradebook if r["trainee"] == "solution"]
    assert {r["status"] for r in solution} == {"correct"}
    stored = cli.ResultStore(out).load("solution")
    assert stored == results["solution"]


def _class_of(count: int, folder):
    from grading_fixtures import write_class

    files = write_class(EXERCISE, folder / "fixtures", {"q3": "-1"})
    inbox = folder / "inbox"
    inbox.mkdir()
    for n in range(count):
        (inbox / f"trainee{n}.ipynb").write_bytes(files["some_wrong"].read_bytes())
    return inbox


def test_ctrl_c_never_saves_a_cut_short_run_as_a_grade(tmp_path, monkeypatch):
    """Ctrl-C while a kernel runs: nbclient reports the cancelled cell as a dead kernel (and
    Python 3.11's wait_for can swallow a cancel outright), so a cancel alone could record that
    trainee as "kernel died" and go on grading. The run stops, and only finished grades are kept."""
    import asyncio

    inbox, out = _class_of(3, tmp_path), tmp_path / "out"
    started = []

    async def fake_grade_one(master, stored, submission, limits, sandbox=None):
        started.append(submission.trainee)
        base = {"trainee": submission.trainee, "exercise": master.name, "rows": [],
                "submission_sha256": submission.sha256, "source_hash": stored["source_hash"]}
        if len(started) == 1:
            return base
        os.kill(os.getpid(), signal.SIGINT)  # the trainer presses Ctrl-C while this one runs
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:  # what nbclient does with a cancel: a "dead kernel" result
            return {**base, "fatal": "kernel_died"}
        return base

    monkeypatch.setattr(cli, "_grade_one", fake_grade_one)
    with pytest.raises(KeyboardInterrupt):
        cli.grade(EXERCISE, [inbox], out, workers=1, show_progress=False, no_sandbox=True)
    kept = sorted(p.stem for p in (out / ".results").glob("trainee*.json"))
    assert kept == [started[0]] and len(started) == 2


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_an_interrupted_batch_resumes_and_keeps_finished_grades(tmp_path, stop):
    inbox, out = _class_of(4, tmp_path), tmp_path / "out"
    command = [sys.executable, "-m", "course", "grade", EXERCISE, str(inbox), "--out", str(out), "--workers", "1"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    results_dir = out / ".results"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(results_dir.glob("trainee*.json")):
        time.sleep(0.1)
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    finished = {p.name: p.read_bytes() for p in results_dir.glob("trainee*.json")}
    assert 1 <= len(finished) < 4
    if stop == signal.SIGINT:
        assert process.returncode == 130 and "继续" in err
    rerun = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0
    assert {p.name for p in results_dir.glob("trainee*.json")} == {f"trainee{n}.json" for n in range(4)}
    assert all((results_dir / name).read_bytes() == data for name, data in finished.items())
