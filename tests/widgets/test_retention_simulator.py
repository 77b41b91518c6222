"""Tests for the retention simulator widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import pandas as pd
import pytest

from course.service_numbers import churn_reduction_value, simulate_retention
from course.widgets.retention_simulator import retention_simulator, simulator_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_agrees_with_the_model():
    kw = dict(customers=5000, margin=200, acquisition_cost=800, retention_cost=40,
              new_customers=600, churn=(0.7, 0.3, 0.2, 0.1, 0.05), mix=(1, 1, 2, 4, 2), years=5)
    view = simulator_view(**kw, reduction=0.05)
    pd.testing.assert_frame_equal(view.base, simulate_retention(**kw))
    pd.testing.assert_frame_equal(view.better, simulate_retention(**kw, churn_reduction=0.05))
    value = churn_reduction_value(0.05, **kw)
    assert view.extra_profit == pytest.approx(value["extra_profit"])
    assert view.profit_change == pytest.approx(value["profit_change"])
    assert f"{value['extra_profit']:,.0f}" in view.caption
    assert "20 倍" in view.caption  # 800 / 40


def test_view_renders_every_year_in_chart_and_table():
    view = simulator_view(years=3)
    for html in (view.chart_html, view.table_html):
        assert "第 3 年" in html and "第 4 年" not in html
    assert f"{view.base['end'].iloc[-1]:,.0f}" in view.table_html


def test_view_handles_zero_retention_cost_and_losses():
    view = simulator_view(retention_cost=0, margin=10, acquisition_cost=5000)
    assert "无从比较" in view.caption
    assert (view.base["profit"] < 0).all()
    assert "#b00020" in view.chart_html  # losses drawn in the loss colour


def test_view_is_pure():
    first = simulator_view(customers=3000)
    simulator_view(customers=9000, reduction=0.2)
    again = simulator_view(customers=3000)
    assert (first.caption, first.chart_html, first.table_html) == (again.caption, again.chart_html, again.table_html)


def test_widget_updates_when_a_control_moves():
    box = retention_simulator()
    before = box.view.extra_profit
    box.controls["margin"].value = 600
    assert box.view.base["revenue"].iloc[0] == pytest.approx(box.view.base["end"].iloc[0] * 600)
    assert box.view.extra_profit > before  # each kept customer is worth more
    box.controls["churn"][0].value = 0.5
    assert box.view.churn == pytest.approx(0.5 * 0.05 + 0.4 * 0.1 + 0.2 * 0.25 + 0.1 * 0.4 + 0.02 * 0.2)


def test_widget_reports_bad_mix_in_chinese_and_recovers():
    box = retention_simulator()
    for control in box.controls["mix"]:
        control.value = 0
    assert box.view is None and "不能全为 0" in box.caption.value
    box.controls["mix"][4].value = 100
    assert box.view is not None and box.view.churn == pytest.approx(0.02)
