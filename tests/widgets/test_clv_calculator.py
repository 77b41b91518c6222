"""Tests for the CLV calculator widget: the pure view function and the thin ipywidgets layer."""
from __future__ import annotations

import re

import pytest

from course.clv import clv_table, simple_clv
from course.core.i18n import CourseError
from course.widgets.clv_calculator import DEFAULTS, calculator_view, clv_calculator

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_numbers_match_the_formula():
    view = calculator_view(margin=1000, retention=0.8, discount_rate=0.1, years=10,
                           acquisition_cost=1500)
    assert view.clv == pytest.approx(simple_clv(1000, 0.8, 0.1, years=10))
    assert view.clv_forever == pytest.approx(1000 / 0.3)
    assert view.net_value == pytest.approx(view.clv - 1500)
    assert view.table.equals(clv_table(1000, 0.8, 0.1, 10))
    # year 1 brings 909, year 2 brings the running total to 1,570 > 1,500
    assert view.payback_year == 2


def test_caption_and_chart_show_the_numbers():
    view = calculator_view(margin=2000, retention=0.5, discount_rate=0.0, years=3,
                           acquisition_cost=100)
    # 2000 + 1000 + 500 = 3,500
    assert "3,500" in view.caption and "3,400" in view.caption and "4,000" in view.caption
    assert HAN.search(view.caption)
    assert view.chart_html.count("第几年") == 3  # one row per year
    assert "3,500" in view.chart_html


def test_no_payback_and_endless_cases():
    never = calculator_view(margin=100, retention=0.1, discount_rate=0.1, years=5,
                            acquisition_cost=10_000)
    assert never.payback_year is None and never.net_value < 0
    assert "收不回" in never.caption
    endless = calculator_view(margin=100, retention=1.0, discount_rate=0.0, years=5,
                              acquisition_cost=0)
    assert endless.clv_forever is None and endless.clv == pytest.approx(500)


def test_view_is_pure():
    first = calculator_view(1200, 0.7, 0.08, 6, 900)
    calculator_view(50, 0.1, 0.3, 30, 0)
    again = calculator_view(1200, 0.7, 0.08, 6, 900)
    assert (first.caption, first.chart_html) == (again.caption, again.chart_html)


def test_bad_values_raise_chinese_errors():
    with pytest.raises(CourseError) as err:
        calculator_view(retention=1.2)
    assert HAN.search(str(err.value))
    with pytest.raises(CourseError):
        clv_calculator(years=0)


def test_widget_updates_when_a_slider_moves():
    box = clv_calculator()
    assert box.view.clv == pytest.approx(simple_clv(DEFAULTS["margin"], DEFAULTS["retention"],
                                                    DEFAULTS["discount_rate"], DEFAULTS["years"]))
    before = box.view.clv
    box.controls["retention"].value = 0.9
    assert box.view.clv > before
    assert box.chart.value == box.view.chart_html
    box.controls["years"].value = 3
    assert len(box.view.table) == 3
    assert box.caption.value.startswith("每年利润")


def test_widget_start_values():
    box = clv_calculator(margin=500, retention=0.6)
    assert box.controls["margin"].value == 500 and box.controls["retention"].value == 0.6
    assert box.view.clv == pytest.approx(simple_clv(500, 0.6, DEFAULTS["discount_rate"],
                                                    DEFAULTS["years"]))
