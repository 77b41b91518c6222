"""Negotiation planner: the pure view and the ipywidgets layer over it."""
from __future__ import annotations

import time

import pytest

from course.widgets.negotiation_planner import negotiation_planner, planner_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_shows_zone_final_price_and_steps():
    view = planner_view(52_000, 46_000, 42_000, 47_000, "3000, 2000, 1000")
    assert view.final == 46_000 and (view.zone.low, view.zone.high) == (42_000, 47_000)
    assert "46,000" in view.caption and "42,000 – 47,000" in view.caption
    assert view.table_html.count("<tr>") == 1 + 3
    assert "成交区间" in view.chart_html and view.issues == []
    assert "没有发现常见错误" in view.table_html


def test_view_lists_mistakes_in_red():
    view = planner_view(52_000, 49_000, 48_000, 47_000, "1000, 2000")
    assert view.zone is None and "不存在" in view.caption
    assert len(view.issues) >= 2 and all(i in view.table_html for i in view.issues)


def test_view_is_pure():
    a = planner_view(52_000, 46_000, 42_000, 47_000, "3000, 2000")
    planner_view(60_000, 50_000, 40_000, 45_000, "9000")
    b = planner_view(52_000, 46_000, 42_000, 47_000, "3000, 2000")
    assert (a.caption, a.chart_html, a.table_html) == (b.caption, b.chart_html, b.table_html)


def test_widget_updates_and_shows_errors_in_the_caption():
    box = negotiation_planner()
    assert box.view is not None and "成交区间" in box.caption.value
    box.controls["concessions"].value = "2000, 2000, 2000, 2000"
    assert box.view.final == 44_000
    box.controls["target"].value = 60_000.0  # above the opening: explained, widget stays usable
    assert box.view is None and "顺序" in box.caption.value and box.chart.value == ""
    box.controls["target"].value = 46_000.0
    assert box.view is not None


def test_update_is_fast_compared_with_building_the_widget():
    box = negotiation_planner()
    start = time.perf_counter()
    for _ in range(20):
        planner_view(52_000, 46_000, 42_000, 47_000, "3000, 2000, 1000")
    per_view = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    negotiation_planner()
    build = time.perf_counter() - start
    assert per_view < build * 5 and box.view is not None
