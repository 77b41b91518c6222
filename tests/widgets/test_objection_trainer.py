"""Tests for the objection trainer widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import pytest

from course.objections import assess, objections
from course.widgets.objection_trainer import OWN, objection_trainer, trainer_view

BANK = objections()


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_without_response():
    view = trainer_view("price")
    assert view.assessment is None and view.feedback_html == ""
    assert BANK["price"].customer in view.prompt_html
    assert "请先选" in trainer_view("price", "   ").feedback_html


def test_view_with_response_matches_assess():
    text = BANK["rigid_policy"].responses[0]
    view = trainer_view("rigid_policy", text)
    assert view.assessment == assess("rigid_policy", text)
    assert f"得分 {view.assessment.score} / 100" in view.feedback_html
    for item in view.assessment.items:
        assert item.label in view.feedback_html


def test_view_escapes_own_words():
    view = trainer_view("price", "<b>理解</b>您的顾虑")
    assert "<b>理解</b>" not in view.feedback_html


def test_widget_pick_then_assess_and_switch():
    box = objection_trainer("price")
    assert box.responses.value == OWN and box.text.value == ""
    box.responses.value = 0
    assert box.text.value == BANK["price"].responses[0]
    box.button.click()
    assert box.view.assessment.score == assess("price", BANK["price"].responses[0]).score
    box.text.value = "随便您，爱买不买。"
    box.button.click()
    assert box.view.assessment.score == 0
    box.picker.value = "no_time"
    assert box.text.value == "" and box.view.assessment is None
    assert len(box.responses.options) == len(BANK["no_time"].responses) + 1
