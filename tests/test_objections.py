"""Tests for course.objections: the rule-based rubric, the bank's own consistency, Chinese errors."""
from __future__ import annotations

import re

import pytest
import yaml

from course.core.i18n import CourseError
from course.objections import (
    BLAME_PENALTY,
    GOOD_ITEMS,
    _bank_text,
    assess,
    find,
    get_objection,
    objection_table,
    objections,
    parse_bank,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
BANK = objections()


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_bank_covers_the_standard_objections_and_saying_no():
    assert len(BANK) >= 8
    for needed in ("price", "bad_review", "no_time", "tight_budget", "bad_market", "rigid_policy"):
        assert needed in BANK
    table = objection_table()
    assert list(table["id"]) == list(BANK) and table["topic"].str.contains("说「不」").sum() >= 2


@pytest.mark.parametrize("oid", sorted(BANK))
def test_rubric_ranks_the_model_response_first(oid):
    objection = BANK[oid]
    scores = [assess(objection, r).score for r in objection.responses]
    best = scores[objection.model]
    assert best == max(scores) and scores.count(best) == 1, scores
    assert best >= 60
    # the model response shows every item the objection focuses on, and no blame
    result = assess(objection, objection.responses[objection.model])
    hit = {r.item for r in result.items if r.hit}
    assert set(objection.focus) <= hit and "blame" not in hit


def test_score_by_hand():
    # price focuses on empathy, value, options (2 points each); restate/question/reason 1 each → 9
    result = assess("price", "理解您的顾虑，这台质保三年，您看是选这台还是基础款？")
    hits = {r.item: r.points for r in result.items if r.hit}
    assert hits == {"empathy": 2, "value": 2, "options": 2, "question": 1}
    assert result.score == round(100 * 7 / 9)
    assert result.rating == "还可以" or result.score >= 80


def test_blame_costs_points_and_is_reported():
    kind = assess("price", "理解您，这台质保三年，您看是选这台还是基础款？")
    rude = assess("price", "理解您，这台质保三年，您看是选这台还是基础款？不买是你自己的事。")
    assert kind.score - rude.score == BLAME_PENALTY
    blame = next(r for r in rude.items if r.item == "blame")
    assert blame.hit and "你自己" in blame.matches and HAN.search(blame.tip)


def test_negated_empathy_does_not_count():
    assert find("empathy", "我不理解您为什么这么说") == ()
    assert find("empathy", "我理解您为什么这么说") == ("理解",)


def test_tips_only_for_missing_items():
    result = assess("no_time", "好的。")
    assert result.too_short and result.score == 0
    for r in result.items:
        if r.kind == "good":
            assert (r.tip == "") == r.hit
            assert r.tip == "" or HAN.search(r.tip)


def test_focus_changes_the_weights():
    text = "因为要保障用电安全，所以需要收费。"
    assert assess("free_rewiring", text).score > assess("price", text).score  # reason is a focus there


def test_assessment_table():
    table = assess("price", BANK["price"].responses[0]).table()
    assert list(table["item"]) == [*GOOD_ITEMS, "blame"]
    assert table["possible"].sum() == 6 + len(BANK["price"].focus)


@pytest.mark.parametrize(
    "call, key",
    [
        (lambda: get_objection("nope"), "objections.unknown_objection"),
        (lambda: assess("price", 42), "objections.need_text"),
        (lambda: find("smile", "x"), "objections.unknown_item"),
    ],
)
def test_errors_are_chinese(call, key):
    with pytest.raises(CourseError) as info:
        call()
    assert info.value.key == key and HAN.search(str(info.value))


def bank_with(change) -> str:
    data = yaml.safe_load(_bank_text())
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda d: d.pop("rubric"), "objections.bad_layout"),
        (lambda d: d["rubric"].pop("empathy"), "objections.missing_item"),
        (lambda d: d["rubric"]["blame"].update(kind="good"), "objections.bad_kind"),
        (lambda d: d["rubric"]["value"]["patterns"].append("(未闭合"), "objections.bad_pattern"),
        (lambda d: d["rubric"].update(smile={"kind": "good", "patterns": ["笑"]}), "objections.unknown_items"),
        (lambda d: d["objections"].append(dict(d["objections"][0])), "objections.duplicate_id"),
        (lambda d: d["objections"][0].update(focus=["charm"]), "objections.bad_focus"),
        (lambda d: d["objections"][0].pop("customer"), "objections.missing_field"),
        (lambda d: d["objections"][0]["responses"][1].update(model=True), "objections.one_model"),
        (lambda d: d["objections"][0].update(responses=d["objections"][0]["responses"][:1]),
         "objections.bad_responses"),
    ],
)
def test_bank_validation(change, key):
    assert parse_bank(_bank_text())  # the shipped bank is valid
    with pytest.raises(CourseError) as info:
        parse_bank(bank_with(change))
    assert info.value.key == key and HAN.search(str(info.value))
