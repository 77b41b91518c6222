"""Tests for the RFM explorer: the pure view function and the thin ipywidgets layer."""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.rfm import SEGMENTS, rfm, segment_summary
from course.widgets.rfm_explorer import ExplorerView, explorer_view, prepare, rfm_explorer

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 4000
    amounts = np.round(rng.lognormal(5, 1.3, n), 2)
    amounts[rng.random(n) < 0.07] *= -1
    # Shuffled dates on purpose: prepare() must not rely on the input order.
    return pd.DataFrame(
        {
            "order_id": np.arange(n),
            "customer_id": [f"C{i:04d}" for i in rng.integers(0, 500, n)],
            "order_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 731, n), unit="D"),
            "amount": amounts,
        }
    )


@pytest.fixture(scope="module")
def base(orders):
    return prepare(orders)


def assert_views_equal(a: ExplorerView, b: ExplorerView) -> None:
    assert (a.as_of, a.split, a.bins) == (b.as_of, b.split, b.bins)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    assert (a.caption, a.table_html, a.chart_html) == (b.caption, b.table_html, b.chart_html)


# ---------------------------------------------------------------------------- explorer_view
def test_explorer_view_is_pure(base):
    arrays = [base.codes.copy(), base.dates.copy(), base.amounts.copy()]
    first = explorer_view(base, "2024-03-31", "median", 6)
    explorer_view(base, "2023-05-01", "mean", 3)  # another call in between must not leak state
    again = explorer_view(base, "2024-03-31", "median", 6)
    assert_views_equal(first, again)
    for before, after in zip(arrays, [base.codes, base.dates, base.amounts]):
        np.testing.assert_array_equal(before, after)  # the prepared data is never modified


@pytest.mark.parametrize(
    "as_of, split, bins",
    [(None, "mean", 5), ("2024-12-31", "median", 10), ("2024-06-15", "mean", 3),
     ("2023-02-01", "median", 4), ("2026-01-01", "mean", 5)],
)
def test_explorer_view_matches_the_rfm_pipeline(orders, base, as_of, split, bins):
    # The widget's fast path (presorted arrays, binary search) must agree with rfm() from scratch.
    view = explorer_view(base, as_of, split, bins)
    expected = segment_summary(rfm(orders, as_of, bins=bins, split=split))
    pd.testing.assert_frame_equal(view.summary, expected)


def test_default_as_of_is_day_after_last_order(orders, base):
    view = explorer_view(base)
    assert view.as_of == orders["order_date"].max().normalize() + pd.Timedelta(days=1)
    assert view.as_of.date().isoformat() in view.caption


def test_view_renders_every_segment_in_chinese(base):
    view = explorer_view(base, None, "mean", 5)
    for name in SEGMENTS:
        assert name in view.table_html and name in view.chart_html
    for text in (view.caption, view.table_html, view.chart_html):
        assert HAN.search(text)
    assert "客户占比" in view.table_html and "收入占比" in view.chart_html
    # the shares printed in the table are the summary's own numbers
    first = view.summary.iloc[0]
    assert f"{first.customer_share:.1%}" in view.table_html


@pytest.mark.parametrize(
    "change", [{"as_of": "2023-09-30"}, {"split": "median"}, {"bins": 8}]
)
def test_each_setting_changes_what_is_shown(base, change):
    settings = {"as_of": None, "split": "mean", "bins": 5}
    before = explorer_view(base, **settings)
    after = explorer_view(base, **{**settings, **change})
    assert after.table_html != before.table_html
    assert after.chart_html != before.chart_html


def test_view_errors_are_chinese(base):
    with pytest.raises(CourseError) as err:
        explorer_view(base, None, "average", 5)
    assert "mean、median" in str(err.value)
    with pytest.raises(CourseError):
        explorer_view(base, None, "mean", 1)
    with pytest.raises(CourseError) as err:
        explorer_view(base, "2000-01-01", "mean", 5)
    assert err.value.key == "rfm.no_purchases"


# ------------------------------------------------------------------------------- the widget
def test_widget_is_a_vbox_with_chinese_controls(orders):
    import ipywidgets

    box = rfm_explorer(orders)
    assert isinstance(box, ipywidgets.VBox)
    controls = box.controls
    assert isinstance(controls["as_of"], ipywidgets.DatePicker)
    assert isinstance(controls["split"], ipywidgets.Dropdown)
    assert isinstance(controls["bins"], ipywidgets.IntSlider)
    assert (controls["bins"].min, controls["bins"].max, controls["bins"].value) == (3, 10, 5)
    assert [label for label, _ in controls["split"].options] == ["均值", "中位数"]
    assert all(HAN.search(c.description) for c in controls.values())
    assert controls["as_of"].value == explorer_view(box.base).as_of.date()
    assert box.caption in box.children and box.table in box.children and box.chart in box.children


@pytest.mark.parametrize(
    "control, value",
    [("as_of", dt.date(2023, 9, 30)), ("split", "median"), ("bins", 8)],
)
def test_changing_each_control_updates_table_and_chart(orders, control, value):
    box = rfm_explorer(orders)
    table, chart, caption = box.table.value, box.chart.value, box.caption.value
    box.controls[control].value = value
    assert box.table.value != table
    assert box.chart.value != chart
    assert box.view is not None and box.table.value == box.view.table_html
    if control in ("as_of", "bins"):
        assert box.caption.value != caption


def test_widget_shows_exactly_the_pure_view(orders):
    box = rfm_explorer(orders)
    box.controls["split"].value = "median"
    box.controls["bins"].value = 4
    box.controls["as_of"].value = dt.date(2024, 2, 29)
    expected = explorer_view(box.base, "2024-02-29", "median", 4)
    assert box.table.value == expected.table_html
    assert box.chart.value == expected.chart_html


def test_widget_survives_a_cleared_or_too_early_date(orders):
    box = rfm_explorer(orders)
    box.controls["as_of"].value = None  # the trainee clears the picker: default date
    assert box.table.value == explorer_view(box.base).table_html
    box.controls["as_of"].min = None  # bypass the picker's bound to reach the error path
    box.controls["as_of"].value = dt.date(2000, 1, 1)
    assert box.table.value == "" and box.view is None
    assert "2000-01-01" in box.caption.value and HAN.search(box.caption.value)


def test_widget_accepts_other_column_names(orders):
    renamed = orders.rename(columns={"customer_id": "客户", "order_date": "日期", "amount": "金额"})
    box = rfm_explorer(renamed, customer_col="客户", date_col="日期", amount_col="金额")
    assert box.table.value == rfm_explorer(orders).table.value


def test_course_dataset():
    from course.data import load

    orders = load("orders")
    box = rfm_explorer(orders)
    before = box.table.value
    box.controls["bins"].value = 3
    assert box.table.value != before
