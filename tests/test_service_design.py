"""Tests for course.service_design (journey ratings, tier service levels, complaints per touch
point) and the service-blueprint widget built on it."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.service_design import (
    ACROSS_JOURNEY,
    COMPLAINT_TOUCHPOINT,
    JOURNEY,
    TIERS,
    blueprint,
    broken_touchpoints,
    complaints_by_touchpoint,
    journey_table,
    service_tiers,
    weakest_links,
)
from course.widgets.blueprint import DEFAULT_RATINGS, blueprint_view, service_blueprint

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def ratings(**changes) -> dict:
    base = {stage: 4 for stage in JOURNEY}
    base.update(changes)
    return base


# ---------------------------------------------------------------------------- journey_table
def test_journey_table_keeps_journey_order_and_marks_weakest():
    r = {"回访": 3, "咨询": 5, "下单": 4, "配送": 2, "安装": 4, "使用": 5, "报修": 2.5}  # any key order
    table = journey_table(r)
    assert table["touchpoint"].tolist() == JOURNEY
    assert table["step"].tolist() == list(range(1, 8))
    assert table["rating"].tolist() == [r[s] for s in JOURNEY]
    assert table.loc[table["weakest"], "touchpoint"].tolist() == ["配送"]
    assert table.loc[table["broken"], "touchpoint"].tolist() == ["配送", "报修"]


def test_threshold_is_strict_and_ties_are_all_weakest():
    r = ratings(安装=3, 报修=3)
    assert broken_touchpoints(r) == []  # exactly at the threshold is not broken
    assert broken_touchpoints(r, threshold=3.5) == ["安装", "报修"]
    assert weakest_links(r) == ["安装", "报修"]
    assert weakest_links(ratings()) == JOURNEY  # all equal: every touch point is the weakest


@pytest.mark.parametrize(
    "bad",
    [ratings(安装=0), ratings(安装=6), ratings(安装="3"), ratings(安装=True), ratings(安装=None),
     {s: 4 for s in JOURNEY[:-1]}, {**ratings(), "售前": 3}, [4] * 7],
)
def test_bad_ratings_raise_chinese_errors(bad):
    with pytest.raises(CourseError) as err:
        journey_table(bad)
    assert HAN.search(str(err.value))


def test_missing_rating_names_the_touchpoint():
    with pytest.raises(CourseError, match="回访"):
        journey_table({s: 4 for s in JOURNEY[:-1]})


def test_blueprint_has_front_and_back_stage_for_every_touchpoint():
    table = blueprint()
    assert table["touchpoint"].tolist() == JOURNEY
    assert table["front"].str.contains(HAN).all() and table["back"].str.contains(HAN).all()
    assert table["front"].is_unique and table["back"].is_unique


# ---------------------------------------------------------------------------- service_tiers
def tiny_customers_orders():
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                              "tier": pd.Categorical(["普通", "普通", "银卡", "钻石", "钻石"], categories=TIERS)})
    orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d", "e", "e", "x"],
                           "amount": [100.0, -40.0, 20.0, 300.0, 1000.0, 500.0, 80.0, 999.0]})
    return customers, orders


def test_service_tiers_by_hand():
    customers, orders = tiny_customers_orders()
    out = service_tiers(customers, orders)
    assert out["tier"].tolist() == TIERS  # every tier listed, low to high, even 金卡 with nobody
    assert out["customers"].tolist() == [2, 1, 0, 2]
    assert out["revenue"].tolist() == [80.0, 300.0, 0.0, 1580.0]  # returns net out; 'x' is no customer
    assert out["revenue_share"].sum() == pytest.approx(1.0)
    assert out.loc[3, "revenue_share"] == pytest.approx(1580 / 1960)
    assert out.loc[0, "revenue_per_customer"] == 40.0
    assert np.isnan(out.loc[2, "revenue_per_customer"])
    assert out["service_level"].str.contains(HAN).all() and out["service_level"].is_unique


def test_service_tiers_rejects_unknown_tier_and_missing_columns():
    customers, orders = tiny_customers_orders()
    with pytest.raises(CourseError, match="白金"):
        service_tiers(customers.assign(tier=["普通", "白金", "银卡", "钻石", "钻石"]), orders)
    with pytest.raises(CourseError, match="amount"):
        service_tiers(customers, orders.drop(columns="amount"))


def test_service_tiers_on_course_data_concentrates_value():
    from course import load

    out = service_tiers(load("customers"), load("orders"))
    assert out["customers"].sum() == len(load("customers"))
    # the value pyramid: each higher tier spends more per customer
    assert out["revenue_per_customer"].is_monotonic_increasing


# ---------------------------------------------------------------------------- complaints
def test_complaints_by_touchpoint_counts_and_lists_every_stage():
    complaints = pd.DataFrame({"category": ["配送问题", "配送问题", "退换货", "维修服务", "服务态度"]})
    out = complaints_by_touchpoint(complaints)
    assert out["touchpoint"].tolist() == JOURNEY + [ACROSS_JOURNEY]
    counts = dict(zip(out["touchpoint"], out["complaints"]))
    assert counts["配送"] == 2 and counts["报修"] == 2 and counts[ACROSS_JOURNEY] == 1
    assert counts["咨询"] == 0 and out["complaints"].sum() == 5
    assert out["share"].sum() == pytest.approx(1.0)


def test_complaint_mapping_covers_course_data():
    from course import load

    categories = set(load("complaints")["category"].astype(str))
    assert categories <= set(COMPLAINT_TOUCHPOINT)
    assert set(COMPLAINT_TOUCHPOINT.values()) <= set(JOURNEY) | {ACROSS_JOURNEY}
    with pytest.raises(CourseError, match="外星"):
        complaints_by_touchpoint(pd.DataFrame({"category": ["外星问题"]}))


# ---------------------------------------------------------------------------- blueprint widget
def test_blueprint_view_reports_the_break():
    view = blueprint_view(ratings(安装=1, 报修=2))
    assert view.weakest == ["安装"] and view.broken == ["安装", "报修"]
    assert "安装" in view.message and "报修" in view.message
    assert view.chart_html.count("3px solid") == 1  # only the weakest link gets the bold frame
    for stage in JOURNEY:
        assert stage in view.chart_html


def test_blueprint_view_all_good_has_no_bold_frame():
    view = blueprint_view(ratings(), threshold=3)
    assert view.broken == [] and "3px solid" not in view.chart_html
    assert view.message != blueprint_view(ratings(安装=1)).message


def test_blueprint_view_is_pure_and_default_is_used():
    r = dict(DEFAULT_RATINGS)
    a, b = blueprint_view(r), blueprint_view(dict(r))
    assert a.chart_html == b.chart_html and a.message == b.message and r == DEFAULT_RATINGS
    assert blueprint_view().chart_html == a.chart_html


def test_service_blueprint_widget_updates_on_slider_change():
    box = service_blueprint()
    assert list(box.sliders) == JOURNEY
    assert box.view.weakest == weakest_links(DEFAULT_RATINGS)
    for slider in box.sliders.values():
        slider.value = 5
    box.sliders["配送"].value = 1
    assert box.view.weakest == ["配送"] and box.view.broken == ["配送"]
    assert box.chart.value == box.view.chart_html and "配送" in box.message.value


def test_service_blueprint_rejects_bad_start():
    with pytest.raises(CourseError):
        service_blueprint({"咨询": 4})
