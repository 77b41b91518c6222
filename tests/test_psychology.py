"""Tests for course.psychology (M01): the teaching tables, strategies, clues and dialogue counts."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.psychology import (
    TYPES,
    body_language_table,
    clues,
    customer_types_table,
    examples,
    psychologies_table,
    strategy_for,
    strategy_options,
    top_type_by,
    type_chart,
    type_counts,
    type_for_strategy,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def dialogues() -> pd.DataFrame:
    from course import load

    return load("dialogues")


def test_eight_types_with_all_fields():
    table = customer_types_table()
    assert table["customer_type"].tolist() == TYPES
    assert list(table.columns) == ["customer_type", "signals", "psychology", "strategy", "avoid"]
    assert table.map(lambda s: bool(HAN.search(s)) and "psychology." not in s).all().all()
    assert table["strategy"].is_unique


def test_ten_psychologies():
    table = psychologies_table()
    assert len(table) == 10
    names = "".join(table["name"])
    for word in ("上帝", "炫耀", "求利", "求变", "从众", "逆反", "防范", "权利", "焦虑", "同情"):
        assert word in names


def test_body_language_covers_eyes_face_body_tone():
    table = body_language_table()
    assert table["cue"].unique().tolist() == ["眼神", "面部表情", "肢体动作", "语气语调"]
    assert (table.groupby("cue").size() == 3).all()


def test_strategies_round_trip_and_are_shuffled():
    options = strategy_options()
    assert sorted(options) == sorted(strategy_for(t) for t in TYPES) and len(set(options)) == 8
    assert options != [strategy_for(t) for t in TYPES]  # position gives nothing away
    for ty in TYPES:
        assert type_for_strategy(strategy_for(ty)) == ty
    with pytest.raises(CourseError, match="不在应对策略列表"):
        type_for_strategy("多送优惠券")
    with pytest.raises(CourseError, match="八种客户类型"):
        strategy_for("急躁")


@pytest.mark.parametrize("utterance, kind, expected", [
    ("跟你说，像我这种身份的客户，你们总得给点面子吧？", "虚荣心强", ["「身份」", "「面子」"]),
    ("再说吧。", "沉默寡言", ["只说了寥寥几个字"]),
    ("再说吧。", "犹豫不决", ["「再说吧」"]),
    ("能不能多给点积分？别家都送。", "贪小便宜", ["「积分」", "「送」"]),
    ("这台机器挺好的。", "理智好辩", []),
])
def test_clues(utterance, kind, expected):
    assert clues(utterance, kind) == expected


def test_every_labelled_snippet_has_a_clue_for_its_type(dialogues):
    missing = [r.utterance for r in dialogues.itertuples() if not clues(r.utterance, r.customer_type)]
    assert missing == []


def test_type_counts_and_top_type_on_a_small_table():
    small = pd.DataFrame({
        "channel": ["门店", "门店", "门店", "热线", "热线", "热线"],
        "customer_type": ["滔滔不绝", "犹豫不决", "滔滔不绝", "脾气暴躁", "理智好辩", "沉默寡言"],
    })
    counts = type_counts(small)
    assert list(counts.columns) == TYPES and counts.loc["门店", "滔滔不绝"] == 2
    assert counts.to_numpy().sum() == len(small)
    top = top_type_by(small)
    assert list(top.columns) == ["channel", "customer_type", "dialogues", "share"]
    by = top.set_index("channel")
    assert by.loc["门店", "customer_type"] == "滔滔不绝" and by.loc["门店", "share"] == pytest.approx(2 / 3)
    # a three-way tie goes to the type listed first in TYPES
    assert by.loc["热线", "customer_type"] == "脾气暴躁" and by.loc["热线", "dialogues"] == 1


def test_top_type_agrees_with_a_groupby_on_the_data(dialogues):
    top = top_type_by(dialogues, "channel")
    expected = (dialogues.groupby(["channel", "customer_type"], observed=True).size()
                .groupby(level=0).idxmax().map(lambda pair: pair[1]))
    assert dict(zip(top["channel"], top["customer_type"])) == expected.to_dict()
    assert top["dialogues"].sum() <= len(dialogues)


def test_type_counts_rejects_bad_input():
    with pytest.raises(CourseError, match="不能按"):
        type_counts(pd.DataFrame({"customer_type": ["犹豫不决"]}), by="region")
    with pytest.raises(CourseError, match="八种客户类型"):
        type_counts(pd.DataFrame({"customer_type": ["暴躁"], "channel": ["门店"]}))
    with pytest.raises(CourseError, match="DataFrame"):
        type_counts([1, 2])


def test_examples_one_per_type_and_deterministic(dialogues):
    first = examples(dialogues, seed=3)
    assert first["customer_type"].tolist() == TYPES
    pd.testing.assert_frame_equal(first, examples(dialogues, seed=3))
    for row in first.itertuples():
        assert ((dialogues["customer_type"] == row.customer_type)
                & (dialogues["utterance"] == row.utterance)).any()


def test_type_chart_without_missing_glyphs(dialogues):
    import io

    from course.core.plotting import glyph_warnings

    with glyph_warnings() as found:
        type_chart(dialogues).savefig(io.BytesIO(), format="png")
    assert found == []


def test_chinese_headers_and_bad_headers():
    assert customer_types_table(headers="zh").columns.tolist() == ["客户类型", "识别信号", "背后的心理", "应对要点", "避免"]
    assert psychologies_table(headers="zh").columns.tolist() == ["心理", "常见表现", "应对要点"]
    assert body_language_table(headers="zh").columns[0] == "观察点"
    with pytest.raises(CourseError, match="headers"):
        psychologies_table(headers="cn")


def test_text_table_keeps_every_sentence_and_escapes():
    from course.widgets.text_table import text_table_html

    table = customer_types_table(headers="zh")
    page = text_table_html(table)
    assert page.count("<tr>") == len(table) + 1
    assert all(s in page for s in table["应对要点"])  # nothing cut with "…"
    assert "&lt;b&gt;" in text_table_html(pd.DataFrame({"x": ["<b>"], "y": [None]}))
