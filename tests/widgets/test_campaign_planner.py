"""Tests for the campaign planner widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.campaign import plan_campaign
from course.widgets.campaign_planner import SHOW_TARGETS, campaign_planner, planner_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def values() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    n = 400
    return pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(n)],
                         "avg_order": rng.lognormal(6.3, 1, n), "propensity": rng.random(n)})


def test_view_matches_plan_and_is_pure(values):
    before = values.copy()
    view = planner_view(values, budget=2000, offer=50)
    plan = plan_campaign(values, 2000, 50)
    pd.testing.assert_frame_equal(view.plan.summary, plan.summary)
    assert f"{len(plan.targets):,}" in view.caption
    assert view.table_html.count("<tr>") == 1 + min(SHOW_TARGETS, len(plan.targets))
    assert plan.targets["customer_id"].iloc[0] in view.table_html
    again = planner_view(values, budget=2000, offer=50)
    assert (view.caption, view.chart_html, view.table_html) == (
        again.caption, again.chart_html, again.table_html)
    pd.testing.assert_frame_equal(values, before)


def test_bigger_budget_contacts_more(values):
    small = planner_view(values, budget=500, offer=50).plan.targets
    large = planner_view(values, budget=5000, offer=50).plan.targets
    assert len(large) > len(small)
    assert set(small["customer_id"]) <= set(large["customer_id"])


def test_hopeless_offer_says_so(values):
    view = planner_view(values, budget=5000, offer=100_000)
    assert len(view.plan.targets) == 0
    assert "没有" in view.caption


def test_widget_updates_on_slider(values):
    box = campaign_planner(values)
    first = box.view
    box.controls["offer"].value = 200
    assert box.view is not first and box.view.offer == 200
    assert box.caption.value and box.chart.value and "<table" in box.table.value
