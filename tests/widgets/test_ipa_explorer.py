"""Tests for the importance–performance explorer: prepare_ipa, ipa_view and the widget layer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.satisfaction import ATTRIBUTES, ipa_quadrants, key_drivers
from course.widgets.ipa_explorer import ipa_explorer, ipa_view, prepare_ipa


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    n = 400
    surveys = pd.DataFrame({a: rng.integers(1, 6, n) for a in ATTRIBUTES})
    surveys["csat"] = np.clip(surveys["speed"] + rng.integers(-1, 2, n), 1, 5)
    surveys["customer_id"] = [f"C{i:04d}" for i in range(n)]
    customers = pd.DataFrame({
        "customer_id": surveys["customer_id"],
        "customer_type": np.where(np.arange(n) < 300, "个人", "企业"),
        "tier": np.where(np.arange(n) < 20, "钻石", "普通"),
    })
    return surveys, customers


@pytest.fixture(scope="module")
def base(data):
    return prepare_ipa(*data)


def test_view_matches_key_drivers_from_scratch(data, base):
    surveys, customers = data
    chosen = ["speed", "price", "after_sales", "quality"]
    view = ipa_view(base, "customer_type", "企业", chosen)
    part = surveys[customers["customer_type"] == "企业"]
    expected = ipa_quadrants(key_drivers(part, chosen).drop(columns=["beta"]))
    pd.testing.assert_frame_equal(view.table.reset_index(drop=True), expected)
    assert view.answers == 100
    assert view.table.attrs["importance_cut"] == pytest.approx(expected["importance"].mean())


def test_default_view_is_all_answers(data, base):
    view = ipa_view(base)
    assert view.answers == len(data[0]) and view.by is None
    assert set(view.table["attribute"]) == set(ATTRIBUTES)
    assert view.table.iloc[0]["attribute"] == "speed"  # the real driver of the fixture


def test_cut_lines_follow_the_chosen_attributes(base):
    few = ipa_view(base, attributes=["speed", "price"])
    many = ipa_view(base)
    assert few.table.attrs["importance_cut"] != pytest.approx(many.table.attrs["importance_cut"])


def test_small_sample_warning(base):
    assert "参考" in ipa_view(base, "tier", "钻石").caption  # 20 answers, fewer than 30
    assert "参考" not in ipa_view(base, "tier", "普通").caption


def test_svg_has_quadrant_names_and_points(base):
    view = ipa_view(base, attributes=["speed", "price", "quality"])
    assert view.svg.startswith("<svg") and view.svg.endswith("</svg>")
    for name in ("优先改进", "继续保持", "暂缓改进", "避免过度投入"):
        assert name in view.svg
    assert view.svg.count("<circle") == 3
    assert "响应与送装速度" in view.table_html


@pytest.mark.parametrize("args", [("city", None, None), ("tier", "黑卡", None),
                                  (None, None, ["speed"]), (None, None, ["speed", "smell"])])
def test_bad_choices(base, args):
    with pytest.raises(CourseError):
        ipa_view(base, *args)


def test_view_is_pure(base):
    first = ipa_view(base, "tier", "普通", ["speed", "price", "quality"])
    ipa_view(base, "customer_type", "个人")
    again = ipa_view(base, "tier", "普通", ["speed", "price", "quality"])
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.svg == again.svg


def test_widget_layer(data):
    box = ipa_explorer(*data)
    assert box.view.by is None and box.view.answers == len(data[0])
    box.controls["by"].value = "customer_type"
    assert box.view.by == "customer_type" and box.view.segment == "个人"
    box.controls["segment"].value = "企业"
    assert box.view.answers == 100
    box.checks["price"].value = False
    assert "price" not in set(box.view.table["attribute"])
    for name in ATTRIBUTES[1:]:  # only speed is left
        box.checks[name].value = False
    assert box.view is None and "两个" in box.caption.value  # fewer than two: a Chinese hint
    box.checks["price"].value = True
    assert box.view is not None and box.chart.value == box.view.svg
