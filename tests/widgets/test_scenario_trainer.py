"""Tests for the scenario trainer: deck, judging, state transitions, rendering and the widget."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.psychology import TYPES, strategy_for
from course.widgets.scenario_trainer import (
    advance,
    judge,
    make_deck,
    new_state,
    render,
    scenario_trainer,
    submit,
)


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def dialogues() -> pd.DataFrame:
    from course import load

    return load("dialogues")


def test_deck_is_deterministic_and_covers_every_type(dialogues):
    a, b = make_deck(dialogues, 8, seed=5), make_deck(dialogues, 8, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert sorted(a["customer_type"]) == sorted(TYPES)
    assert a["utterance"].is_unique
    assert not a.equals(make_deck(dialogues, 8, seed=6))
    assert set(a["dialogue_id"]) <= set(dialogues["dialogue_id"])


@pytest.mark.parametrize("n", [0, 51, 2.5, True])
def test_deck_size_is_checked(dialogues, n):
    with pytest.raises(CourseError):
        make_deck(dialogues, n)


def test_judge_right_and_wrong():
    words = "你这个说法有数据支撑吗？"
    right = judge(words, "理智好辩", "理智好辩", strategy_for("理智好辩"))
    assert right.type_ok and right.strategy_ok and right.points == 2
    assert any("「数据」" in line for line in right.lines)
    wrong = judge(words, "理智好辩", "脾气暴躁", strategy_for("节约俭朴"))
    assert not wrong.type_ok and not wrong.strategy_ok and wrong.points == 0
    assert "节约俭朴" in wrong.lines[1]  # says whom the picked strategy fits
    assert any("用事实" in line for line in wrong.lines)  # and gives the right response
    half = judge(words, "理智好辩", "理智好辩", strategy_for("犹豫不决"))
    assert half.points == 1


def test_judge_rejects_unknown_picks():
    with pytest.raises(CourseError):
        judge("x", "理智好辩", "暴躁型", strategy_for("理智好辩"))
    with pytest.raises(CourseError):
        judge("x", "理智好辩", "理智好辩", "随便说说")


def test_state_flow_scores_once_per_card(dialogues):
    state = new_state(dialogues, n=3, seed=2)
    first = state.current["customer_type"]
    state = submit(state, first, strategy_for(first))
    assert state.points == 2 and state.answered == 1
    assert submit(state, "犹豫不决", strategy_for("犹豫不决")) is state  # no second verdict
    for _ in range(5):
        state = advance(state)
    assert state.position == 2  # stays on the last card
    view = render(state)
    assert "第 3 / 3 题" in view.card_html and not view.done
    state = submit(state, "犹豫不决", strategy_for("犹豫不决"))
    assert state.answered == 2  # the middle card was skipped


def test_render_done_and_escapes(dialogues):
    tricky = pd.DataFrame({"dialogue_id": ["X1"], "customer_type": ["脾气暴躁"], "channel": ["门店"],
                           "scenario": ["投诉"], "utterance": ["<b>马上</b>给我解决！"]})
    state = new_state(tricky, n=1)
    assert "&lt;b&gt;" in render(state).card_html
    state = submit(state, "脾气暴躁", strategy_for("脾气暴躁"))
    view = render(state)
    assert view.done and "全部完成" in view.score_text and "2 / 2" in view.score_text


def test_widget_buttons(dialogues):
    box = scenario_trainer(dialogues, n=4, seed=1)
    box.submit()
    assert "请先选好" in box.feedback.value and box.state.answered == 0
    kind = box.state.current["customer_type"]
    box.type_picker.value, box.strategy_picker.value = kind, strategy_for(kind)
    box.submit()
    assert box.state.points == 2 and "✔" in box.feedback.value
    box.submit()
    assert "已经提交过" in box.feedback.value and box.state.points == 2
    box.next()
    assert box.state.position == 1 and box.type_picker.value == ""
    box.restart()
    assert box.state.answered == 0 and box.state.position == 0
