"""Trainee-side feedback: public checks, the hint ladder, the answer on request."""
import json

import pytest

import course.exercises.check as check_module
from course.exercises.check import check, show_answer, start_exercise
from course.core.paths import exercises_dir, solutions_dir


@pytest.fixture()
def reference():
    start_exercise("07-rfm")
    return json.loads((solutions_dir() / "answers" / "07-rfm.json").read_text(encoding="utf-8"))["answers"]


def test_start_exercise_reports_questions():
    feedback = start_exercise("07-rfm")
    count = len(json.loads((exercises_dir() / "07-rfm.ipynb").read_text(encoding="utf-8"))["metadata"]["course"]["questions"])
    assert "07-rfm" in repr(feedback) and f"共 {count} 题" in repr(feedback)
    assert "找不到" in repr(start_exercise("99-nothing"))


def test_right_answer_passes_with_an_honest_note(reference):
    feedback = check("q5", {"q5": reference["q5"]["value"]})
    assert feedback.ok is True
    assert "✅" in repr(feedback) and "隐藏检查" in repr(feedback)
    assert check("q1", {"q1": reference["q1"]["value"]}).ok


def test_wrong_answers_climb_the_hint_ladder(reference):
    wrong = "A" if reference["q5"]["value"] != "A" else "B"
    first, second, third = (repr(check("q5", {"q5": wrong})) for _ in range(3))
    assert "❌" in first and "提示 1" in first and "提示 2" not in first
    assert "提示 2" in second and "show_answer" not in second
    assert "show_answer" in third


def test_blank_and_missing_answers_are_not_passed(reference):
    assert check("q1", {"q1": ...}).ok is False
    assert "还没有作答" in repr(check("q1", {"q1": ...}))
    assert check("q1", {}).ok is False


def test_unknown_question_lists_valid_ids(reference):
    text = repr(check("q99", {}))
    assert "q1" in text and "q8" in text


def test_show_answer_reveals_the_solution_code(reference):
    text = repr(show_answer("q2"))
    assert "rfm_table" in text


def test_check_without_start_says_what_to_do(monkeypatch):
    monkeypatch.setitem(check_module._state, "name", None)
    assert "start_exercise" in repr(check("q1", {}))
