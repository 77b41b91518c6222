"""Tests for course.campaign: value table, service tiers, retention priority, campaign plans."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.campaign import (
    BASE_RESPONSE,
    LIFT_PER_100,
    MAX_RESPONSE,
    campaign_economics,
    churn_risk_table,
    clv_tiers,
    plan_campaign,
    response_rate,
    retention_priority,
    select_targets,
    tier_names,
    tier_summary,
    value_table,
)
from course.core.i18n import CourseError


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def data():
    customers = pd.DataFrame({
        "customer_id": ["A", "B", "C", "D"],
        "satisfaction": ["满意", "不满意", "不满意", "满意"],
        "churned": [False, False, True, False],
    })
    orders = pd.DataFrame({
        "customer_id": ["A", "A", "A", "B", "C", "D", "A"],
        "order_date": pd.to_datetime(["2022-01-10", "2024-05-01", "2024-11-01", "2024-06-01",
                                      "2023-01-01", "2024-12-01", "2025-03-01"]),
        "amount": [1000.0, 500.0, -100.0, 800.0, 900.0, 200.0, 9999.0],
    })
    return orders, customers


def test_value_table(data):
    orders, customers = data
    v = value_table(orders, customers, as_of="2025-01-01", margin=0.2, horizon_years=3)
    assert set(v["customer_id"]) == {"A", "B", "D"}           # C churned
    a = v.set_index("customer_id").loc["A"]
    assert a["net_revenue"] == 1400 and a["orders"] == 2      # 2025 order ignored, return netted
    years = (pd.Timestamp("2025-01-01") - pd.Timestamp("2022-01-10")).days / 365.25
    assert a["annual_profit"] == pytest.approx(1400 / years * 0.2)
    assert a["clv"] == pytest.approx(a["annual_profit"] * 3)
    assert a["propensity"] == pytest.approx(1 / 8)  # one buying quarter in the last 8 (a return is no purchase)
    b = v.set_index("customer_id").loc["B"]
    assert b["annual_profit"] == pytest.approx(800 * 0.2)     # a newcomer counts as one full year
    # risk learned from all customers, churned ones included: 不满意 = 1 of 2
    assert b["churn_risk"] == 0.5 and a["churn_risk"] == 0.0
    with pytest.raises(CourseError):
        value_table(orders, customers, margin=2)


def test_churn_risk_table(data):
    risk = churn_risk_table(data[1]).set_index("satisfaction")["churn_risk"]
    assert risk["不满意"] == 0.5 and risk["满意"] == 0


def test_service_tiers_shares():
    values = pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(100)],
                           "clv": np.arange(100, 0, -1, dtype=float)})
    tiered = clv_tiers(values)
    counts = tiered["service_tier"].value_counts().reindex(tier_names())
    assert counts.tolist() == [5, 15, 30, 50]
    assert tiered.iloc[0]["service_tier"] == tier_names()[0] and tiered.iloc[0]["clv"] == 100
    summary = tier_summary(tiered)
    assert summary["clv_share"].sum() == pytest.approx(1.0)
    assert summary["clv_share"].iloc[0] > 0.05


def test_retention_priority_uses_both_value_and_risk():
    values = pd.DataFrame({"customer_id": ["rich_safe", "mid_risky", "poor_risky"],
                           "clv": [10000.0, 4000.0, 100.0], "churn_risk": [0.02, 0.4, 0.8]})
    order = retention_priority(values)["customer_id"].tolist()
    assert order == ["mid_risky", "rich_safe", "poor_risky"]
    assert len(retention_priority(values, top=1)) == 1


def test_response_rate():
    assert response_rate([0.5], 0)[0] == pytest.approx(0.5 * BASE_RESPONSE)
    assert response_rate([0.5], 100)[0] == pytest.approx(0.5 * (BASE_RESPONSE + LIFT_PER_100))
    assert response_rate([1.0], 10_000)[0] == MAX_RESPONSE
    with pytest.raises(CourseError):
        response_rate([0.5], -1)


def test_select_targets_respects_budget_and_profit():
    profit = np.array([50.0, 30.0, 10.0, -5.0])
    cost = np.array([10.0, 10.0, 10.0, 10.0])
    assert select_targets(profit, cost, 25).tolist() == [0, 1]
    assert select_targets(profit, cost, 1000).tolist() == [0, 1, 2]   # never a loss-maker
    assert select_targets(profit, cost, 0).tolist() == []
    with pytest.raises(CourseError):
        select_targets(profit, cost, -1)


def test_plan_beats_everyone_and_stays_in_budget():
    rng = np.random.default_rng(3)
    n = 500
    values = pd.DataFrame({"customer_id": [f"C{i:03d}" for i in range(n)],
                           "avg_order": rng.lognormal(6.3, 1, n), "propensity": rng.random(n)})
    plan = plan_campaign(values, budget=3000, offer=80)
    precise, everyone = plan.summary.iloc[0], plan.summary.iloc[1]
    assert precise["cost"] <= 3000 and everyone["contacted"] == n
    assert (plan.targets["expected_profit"] > 0).all()
    assert plan.targets["expected_profit"].is_monotonic_decreasing
    assert precise["profit"] >= everyone["profit"] or precise["cost"] >= 2900
    econ = campaign_economics(values, 80)
    best = econ.nlargest(len(plan.targets), "expected_profit")["customer_id"]
    assert set(best) == set(plan.targets["customer_id"])
    # unlimited budget: exactly the profitable customers, and never worse than contacting all
    free = plan_campaign(values, budget=1e9, offer=80)
    assert len(free.targets) == int((econ["expected_profit"] > 0).sum())
    assert free.summary["profit"].iloc[0] >= free.summary["profit"].iloc[1]
