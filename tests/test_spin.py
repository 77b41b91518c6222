"""Tests for course.spin (quiz, scoring, call-plan check) and the SPIN sorter and planner widgets."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.spin import SPIN_TYPES, check_plan, scenarios, score_labels, spin_name, spin_quiz
from course.widgets.spin_planner import planner_view, spin_planner
from course.widgets.spin_sorter import sorter_view, spin_sorter

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def make_bank() -> pd.DataFrame:
    rows = []
    for scenario, prefix in (("甲", "A"), ("乙", "B")):
        for kind in SPIN_TYPES:
            for i in range(3):
                qid = f"{prefix}{kind}{i}"
                rows.append((qid, scenario, kind, f"问题{qid}？", f"解释{qid}"))
    return pd.DataFrame(rows, columns=["question_id", "scenario", "spin", "question", "explanation"])


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    return make_bank()


# ---------------------------------------------------------------------------- quiz + scoring
def test_quiz_is_balanced_reproducible_and_from_one_scenario(bank):
    quiz = spin_quiz(bank, "甲", per_type=2, seed=3)
    assert quiz["spin"].value_counts().to_dict() == {k: 2 for k in SPIN_TYPES}
    assert (quiz["scenario"] == "甲").all() and quiz["question_id"].is_unique
    pd.testing.assert_frame_equal(quiz, spin_quiz(bank, "甲", per_type=2, seed=3))
    seeds = {tuple(spin_quiz(bank, "甲", seed=s)["question_id"]) for s in range(6)}
    assert len(seeds) > 1  # the seed matters


def test_quiz_errors(bank):
    with pytest.raises(CourseError, match="丙"):
        spin_quiz(bank, "丙")
    with pytest.raises(CourseError):
        spin_quiz(bank, "甲", per_type=4)  # only three of each kind
    with pytest.raises(CourseError):
        spin_quiz(bank.drop(columns="explanation"))


def test_score_labels_dict_and_list(bank):
    quiz = spin_quiz(bank, "乙", per_type=1, seed=0)
    truth = quiz["spin"].tolist()
    wrong = [SPIN_TYPES[(SPIN_TYPES.index(k) + 1) % 4] for k in truth]
    assert score_labels(quiz, truth)["correct"].all()
    assert not score_labels(quiz, wrong)["correct"].any()
    ids = quiz["question_id"].tolist()
    partial = score_labels(quiz, {ids[0]: truth[0].lower(), ids[1]: "X"})
    assert partial["correct"].tolist() == [True, False, False, False]
    assert partial["answer"].iloc[1] == "?" and partial["answer"].iloc[2:].isna().all()
    assert partial["explanation"].tolist() == quiz["explanation"].tolist()


def test_score_labels_errors(bank):
    quiz = spin_quiz(bank, "甲", per_type=1)
    with pytest.raises(CourseError):
        score_labels(quiz, ["S"])  # wrong length
    with pytest.raises(CourseError, match="ZZZ"):
        score_labels(quiz, {"ZZZ": "S"})
    with pytest.raises(CourseError):
        score_labels(quiz, "SPIN")


# ---------------------------------------------------------------------------- call plan
def test_good_plan_passes(bank):
    check = check_plan(bank, ["AS0", "AP0", "AP1", "AI0", "AN0"])
    assert check.ok and check.sequence == ["S", "P", "P", "I", "N"]


@pytest.mark.parametrize(
    "plan, needle",
    [
        (["AP0", "AS0", "AI0", "AN0"], "第 2 问"),   # S after P
        (["AS0", "AP0", "AN0", "AI0"], "第 4 问"),   # I after N
        (["AS0", "AI0", "AP0", "AN0"], "第 3 问"),   # P after I
        (["AS0", "AP0", "AI0"], "需求效益"),          # N missing
        (["AS0", "AS1", "AS2", "AP0", "AI0", "AN0"], "背景问题有 3 个"),
        (["AS0", "BP0", "AI0", "AN0"], "不同场景"),
        (["AS0", "AP0", "AP0", "AI0", "AN0"], "AP0"),
        ([], "没有问题"),
    ],
)
def test_bad_plans_are_explained(bank, plan, needle):
    check = check_plan(bank, plan)
    assert not check.ok
    assert any(needle in p for p in check.problems), check.problems
    assert all(HAN.search(p) for p in check.problems)


def test_plan_skips_blank_slots_and_rejects_unknown_ids(bank):
    assert check_plan(bank, ["AS0", None, "AP0", "", "AI0", "AN0"]).ok
    with pytest.raises(CourseError, match="NOPE"):
        check_plan(bank, ["AS0", "NOPE"])
    with pytest.raises(CourseError):
        check_plan(bank, "AS0")


def test_spin_name_and_scenarios(bank):
    assert spin_name("I").startswith("暗示")
    with pytest.raises(CourseError):
        spin_name("X")
    assert scenarios(bank) == ["甲", "乙"]


def test_course_bank_supports_every_scenario():
    from course import load

    real = load("spin_questions")
    for scenario in scenarios(real):
        assert len(spin_quiz(real, scenario, per_type=2)) == 8
    sample = [real[(real.scenario == "家庭换新") & (real.spin == k)].question_id.iloc[0] for k in SPIN_TYPES]
    assert check_plan(real, sample).ok


# ---------------------------------------------------------------------------- sorter widget
def test_sorter_view_counts_and_stays_silent_for_unanswered(bank):
    quiz = spin_quiz(bank, "甲", per_type=1, seed=1)
    truth = quiz["spin"].tolist()
    view = sorter_view(quiz, [truth[0], "X" if truth[1] != "X" else "S", None, None])
    assert (view.answered, view.correct, view.total) == (2, 1, 4)
    assert "正确" in view.feedback_html[0] and quiz["explanation"].iloc[0] in view.feedback_html[0]
    assert spin_name(truth[1]) in view.feedback_html[1]
    assert view.feedback_html[2:] == ["", ""]
    assert "2/4" in view.score_text


def test_spin_sorter_widget(bank):
    box = spin_sorter(bank, "甲", per_type=1)
    assert len(box.toggles) == 4 and box.view.answered == 0
    for toggle, kind in zip(box.toggles, box.quiz["spin"]):
        toggle.value = kind
    assert box.view.correct == 4 and "4/4" in box.score.value
    box.scenario.value = "乙"  # a new quiz, nothing answered yet
    assert (box.quiz["scenario"] == "乙").all() and box.view.answered == 0


# ---------------------------------------------------------------------------- planner widget
def test_planner_view(bank):
    good = planner_view(bank, ["AS0", "AP0", "AI0", "AN0", None])
    assert good.check.ok and "✓" in good.html
    bad = planner_view(bank, ["AN0", "AS0"])
    assert not bad.check.ok and all(p in bad.html for p in bad.check.problems)


def test_spin_planner_widget(bank):
    box = spin_planner(bank, "甲", slots=4)
    assert not box.view.check.ok  # empty plan
    for slot, qid in zip(box.slots, ["AS0", "AP0", "AI0", "AN0"]):
        slot.value = qid
    assert box.view.check.ok
    # the options never reveal the SPIN type of a question
    assert all("（S）" not in str(label) for label, _ in box.slots[0].options)
    box.scenario.value = "乙"
    assert [s.value for s in box.slots] == [None] * 4 and not box.view.check.ok
