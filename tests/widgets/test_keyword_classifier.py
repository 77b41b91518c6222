"""Tests for the keyword-rule classifier widget: the pure view, rule edits and the ipywidgets layer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.voc import DEFAULT_RULES, UNKNOWN, accuracy, classify, confusion
from course.widgets.keyword_classifier import (
    add_keyword,
    classifier_view,
    keyword_classifier,
    prepare,
    remove_keyword,
)


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def feedback():
    return pd.DataFrame({
        "text": ["噪音太大", "送货很快", "师傅准时", "小程序好用", "门店环境好", "送货慢"],
        "category": ["产品", "服务", "服务", "体验", "体验", "服务"],
    })


@pytest.fixture
def tokens():
    return [["噪音", "太大"], ["送货", "很快"], ["师傅", "准时"], ["小程序", "好用"], ["门店", "环境"],
            ["送货", "慢"]]


def test_view_matches_classify(feedback, tokens):
    base = prepare(feedback, tokens)
    view = classifier_view(base, DEFAULT_RULES)
    expected = classify(feedback["text"], DEFAULT_RULES)
    assert view.predicted.tolist() == expected.tolist()
    assert view.accuracy == pytest.approx(accuracy(feedback["category"], expected))
    pd.testing.assert_frame_equal(view.matrix, confusion(feedback["category"], expected))
    assert "准确率" in view.caption and "<table" in view.matrix_html
    shown = view.caption + view.rules_html + view.matrix_html + view.hints_html
    assert "voc." not in shown  # every label comes from the catalog, none is a raw key


def test_adding_a_keyword_moves_accuracy_and_hints(feedback, tokens):
    base = prepare(feedback, tokens)
    before = classifier_view(base, DEFAULT_RULES)
    assert ("送货", 2, "服务") in before.hints  # the missed word, with the label it mostly has
    rules = add_keyword(DEFAULT_RULES, "服务", "送货")
    after = classifier_view(base, rules)
    assert after.accuracy > before.accuracy
    assert after.matrix.loc["服务", "服务"] == before.matrix.loc["服务", "服务"] + 2
    assert all(h[0] != "送货" for h in after.hints)  # a used keyword is no longer suggested
    assert "送货" not in DEFAULT_RULES["服务"]  # the edit made a new rule set
    again = classifier_view(base, remove_keyword(rules, "服务", "送货"))
    assert again.accuracy == before.accuracy and again.predicted.tolist() == before.predicted.tolist()


def test_view_is_pure(feedback, tokens):
    base = prepare(feedback, tokens)
    rules = add_keyword(DEFAULT_RULES, "体验", "门店")
    first = classifier_view(base, rules)
    classifier_view(base, {"产品": ["好"]})
    again = classifier_view(base, rules)
    assert first.caption == again.caption and first.matrix_html == again.matrix_html


def test_edit_errors(feedback):
    with pytest.raises(CourseError, match="关键词"):
        add_keyword(DEFAULT_RULES, "服务", "  ")
    with pytest.raises(CourseError, match="可用的类别"):
        add_keyword(DEFAULT_RULES, "价格", "贵")
    with pytest.raises(CourseError):
        remove_keyword(DEFAULT_RULES, "服务", "没有这个词")
    with pytest.raises(CourseError):
        prepare(feedback.assign(category="其他"))
    with pytest.raises(CourseError):
        prepare(feedback, tokens=[["a"]])


def test_without_tokens_there_are_no_hints(feedback):
    view = classifier_view(prepare(feedback), DEFAULT_RULES)
    assert view.hints == [] and view.hints_html == ""
    assert (view.predicted == UNKNOWN).sum() > 0


def test_widget_add_remove_reset(feedback, tokens):
    box = keyword_classifier(feedback, tokens)
    start = box.view.accuracy
    box.controls["category"].value = "服务"
    box.controls["keyword"].value = "送货"
    box.controls["add"].click()
    assert "送货" in box.current["服务"] and box.view.accuracy > start
    assert "送货" in box.status.value and box.controls["keyword"].value == ""
    box.controls["keyword"].value = "不存在"
    box.controls["remove"].click()
    assert "b00020" in box.status.value and "送货" in box.current["服务"]  # error shown, rules kept
    box.controls["reset"].click()
    assert box.current == {k: list(v) for k, v in DEFAULT_RULES.items()}
    assert box.view.accuracy == start


def test_real_data_update_uses_cached_hits():
    from course import load
    from course.voc import clean_feedback

    fb = clean_feedback(load("feedback"))
    base = prepare(fb)
    classifier_view(base, DEFAULT_RULES)
    cached = dict(base.hits)
    classifier_view(base, add_keyword(DEFAULT_RULES, "服务", "送"))
    assert set(base.hits) - set(cached) == {"送"}  # one new keyword → one new scan
    assert all(base.hits[k] is v for k, v in cached.items())
    assert isinstance(base.hits["送"], np.ndarray)
