"""The grader on the real M07 exercise: full marks, zero, exact partial credit, timeouts, tampering,
unreadable files, resuming, and the reports."""
import csv
import json

import pytest

from course.exercises.grading import cli
from course.exercises.grading.runner import Limits
from course.exercises.master import read_master
from course.core.paths import solutions_dir
from grading_fixtures import write_class

EXERCISE = "07-rfm"
WRONG = {"q3": "-1", "q5": '"A"'}  # deliberately spoiled answers


@pytest.fixture(scope="module")
def master():
    return read_master(solutions_dir() / f"{EXERCISE}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory, master):
    root = tmp_path_factory.mktemp("class")
    files = write_class(EXERCISE, root / "submissions", WRONG)
    out = root / "out"
    results = cli.grade(EXERCISE, [root / "submissions"], out, workers=2,
                        limits=Limits(cell_seconds=8), show_progress=False)
    return {r["trainee"]: r for r in results}, out, files


def total(result):
    return sum(row["points"] for row in result["rows"])


def statuses(result):
    return {row["question"]: row["status"] for row in result["rows"]}


def test_solution_gets_full_marks(graded, master):
    results, _, _ = graded
    assert total(results["solution"]) == pytest.approx(sum(q.points for q in master.questions))
    assert set(statuses(results["solution"]).values()) == {"correct"}


def test_blank_exercise_gets_zero(graded):
    results, _, _ = graded
    assert total(results["blank_exercise"]) == 0
    assert set(statuses(results["blank_exercise"]).values()) == {"unanswered"}


def test_some_wrong_gets_exactly_the_expected_partial_score(graded, master):
    results, _, _ = graded
    expected = sum(q.points for q in master.questions if q.id not in WRONG)
    assert total(results["some_wrong"]) == pytest.approx(expected)
    assert {q for q, s in statuses(results["some_wrong"]).items() if s != "correct"} == set(WRONG)


def test_tampering_does_not_change_the_grade(graded):
    results, _, _ = graded
    clean, tampered = results["some_wrong"], results["tampered_some_wrong"]
    assert [(r["question"], r["points"], r["status"]) for r in tampered["rows"]] == \
           [(r["question"], r["points"], r["status"]) for r in clean["rows"]]


def test_infinite_loop_times_out_and_the_rest_is_graded(graded, master):
    results, _, _ = graded
    looping = statuses(results["infinite_loop"])
    first_wrong = next(iter(WRONG))
    assert looping[first_wrong] == "timeout"
    assert all(s == "correct" for q, s in looping.items() if q != first_wrong)
    # the stopped cell is in the record too, by index (a failed setup cell would be explained here)
    assert [status for _, status, _ in results["infinite_loop"]["cell_problems"]] == ["timeout"]
    assert results["solution"]["cell_problems"] == []
    assert total(results["solution"]) == pytest.approx(sum(q.points for q in master.questions))


def test_unreadable_file_is_recorded_with_a_reason(graded):
    results, _, _ = graded
    rows = results["truncated_json"]["rows"]
    assert {r["status"] for r in rows} == {"unreadable"}
    assert "JSON" in rows[0]["message"]


def test_gradebook_and_reports(graded, master):
    results, out, files = graded
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["trainee", "exercise", "question", "level", "points", "max_points", "status", "message",
                             "sandboxed"]
    assert {r["sandboxed"] for r in rows} == {"yes"}
    assert len(rows) == len(files) * len(master.questions)
    assert {r["status"] for r in rows} <= {"correct", "partial", "wrong", "unanswered", "error", "timeout", "unreadable"}
    payload = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {s["trainee"] for s in payload["submissions"]} == set(files)
    assert all("tests" in s and "score" in s for s in payload["submissions"])
    assert all((out / "feedback" / f"{t}.html").exists() for t in files)
    summary = (out / "summary.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in summary and "q1" in summary


def test_rerun_resumes_without_running_anything(graded, monkeypatch):
    results, out, files = graded

    async def must_not_run(*args, **kwargs):
        raise AssertionError("a finished submission was graded again")

    monkeypatch.setattr(cli, "run_notebook", must_not_run)
    again = cli.grade(EXERCISE, list(files.values()), out, workers=2, show_progress=False)
    assert {r["trainee"]: total(r) for r in again} == {t: total(r) for t, r in results.items()}


def test_cli_exit_codes(tmp_path, capsys):
    assert cli.main(["no-such-exercise", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "07-rfm" in capsys.readouterr().err
    assert cli.main([EXERCISE, str(tmp_path), "--out", str(tmp_path / "o")]) == 2


MASTERS = sorted(p.stem for p in solutions_dir().glob("[0-9][0-9]-*.ipynb"))


def test_masters_were_found():
    assert EXERCISE in MASTERS


@pytest.mark.parametrize("name", MASTERS)
def test_every_master_gets_full_marks_and_its_blank_exercise_zero(name, tmp_path):
    from course.core.paths import exercises_dir

    master = read_master(solutions_dir() / f"{name}.ipynb")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "master.ipynb").write_bytes((solutions_dir() / f"{name}.ipynb").read_bytes())
    (inbox / "blank.ipynb").write_bytes((exercises_dir() / f"{name}.ipynb").read_bytes())
    results = {r["trainee"]: r for r in cli.grade(name, [inbox], tmp_path / "out", workers=2,
                                                  show_progress=False)}
    assert total(results["master"]) == pytest.approx(sum(q.points for q in master.questions)), results["master"]
    assert total(results["blank"]) == 0
    assert set(statuses(results["blank"]).values()) == {"unanswered"}, results["blank"]
