"""Tests for course.opportunity: lifecycle status, dormant customers, re-activation value, PIP."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.opportunity import (
    STATUSES,
    dormant_customers,
    lifecycle_status,
    lifecycle_summary,
    pip_value,
    reactivation_value,
)

HAN = re.compile(r"[\u4e00-\u9fff]")
AS_OF = "2025-01-01"  # 180 days before: 2024-07-05


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def tiny_orders() -> pd.DataFrame:
    rows = [
        ("N", "2024-09-01", 100.0),  # first purchase inside the window: new
        ("A", "2023-03-01", 200.0),
        ("A", "2024-12-01", 50.0),   # bought before and inside the window: active
        ("D", "2022-01-10", 300.0),
        ("D", "2024-01-10", 500.0),  # two purchases, last one > 180 days back: dormant
        ("D", "2024-12-20", -100.0),  # a return inside the window is no purchase: still dormant
        ("E", "2024-07-04", 90.0),
        ("E", "2024-07-04", 60.0),   # recency 181: dormant (active span 0 days -> one year)
        ("B", "2024-07-05", 40.0),
        ("B", "2023-07-05", 40.0),   # recency exactly 180: still inside the window -> active
        ("O", "2023-05-05", 70.0),   # one purchase long ago: one-off
        ("L", "2025-02-01", 999.0),  # after as_of: ignored
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


def test_lifecycle_status_by_hand():
    status = lifecycle_status(tiny_orders(), AS_OF).set_index("customer_id")["status"].to_dict()
    assert status == {"A": "活跃老客户", "B": "活跃老客户", "D": "休眠客户", "E": "休眠客户",
                      "N": "新客户", "O": "一次未回头"}


def test_window_and_min_orders_are_parameters():
    status = lifecycle_status(tiny_orders(), AS_OF, quiet_days=365).set_index("customer_id")["status"]
    # a longer window: E's only purchase day falls inside it (new), D's last purchase too (active)
    assert status["E"] == "新客户" and status["D"] == "活跃老客户" and status["O"] == "一次未回头"
    strict = lifecycle_status(tiny_orders(), AS_OF, min_orders=3).set_index("customer_id")["status"]
    assert strict["D"] == "一次未回头"  # fewer than three purchases: not counted as dormant


def test_dormant_customers_by_hand():
    dormant = dormant_customers(tiny_orders(), AS_OF)
    assert dormant["customer_id"].tolist() == ["D", "E"]  # highest annual spend first
    d = dormant.iloc[0]
    assert d["orders"] == 2 and d["net_spend"] == 700.0  # the later return is netted out
    assert d["days_quiet"] == (pd.Timestamp(AS_OF) - pd.Timestamp("2024-01-10")).days
    assert d["active_years"] == pytest.approx(730 / 365, abs=1e-3)
    assert d["annual_spend"] == pytest.approx(700 / (730 / 365), abs=0.01)
    e = dormant.iloc[1]
    assert e["active_years"] == 1.0 and e["annual_spend"] == 150.0  # a short span counts as one year


def test_reactivation_value():
    dormant = dormant_customers(tiny_orders(), AS_OF)
    expected = (700 / 2 + 150) * 0.2
    assert reactivation_value(dormant, 0.2) == pytest.approx(expected, abs=0.01)
    assert reactivation_value(dormant, 0) == 0
    for bad in (1.5, -0.1, "20%", True):
        with pytest.raises(CourseError):
            reactivation_value(dormant, bad)
    with pytest.raises(CourseError, match="dormant_customers"):
        reactivation_value(tiny_orders(), 0.2)


def test_lifecycle_summary_adds_up_and_names_tasks():
    summary = lifecycle_summary(tiny_orders(), AS_OF)
    assert summary["status"].tolist() == STATUSES
    assert summary["customers"].tolist() == [1, 2, 2, 1]
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["task"].str.contains(HAN).all() and summary["task"].is_unique


def test_course_data_rule_matches_a_direct_pandas_computation():
    from course import load

    orders = load("orders")
    buys = orders[(orders["amount"] > 0) & (orders["order_date"] < AS_OF)]
    per = buys.groupby("customer_id").agg(n=("amount", "size"), last=("order_date", "max"))
    cut = pd.Timestamp(AS_OF) - pd.Timedelta(days=180)
    expected = sorted(per[(per["n"] >= 2) & (per["last"] < cut)].index)
    dormant = dormant_customers(orders, AS_OF)
    assert expected and sorted(dormant["customer_id"]) == expected
    assert (dormant["days_quiet"] > 180).all()
    assert dormant["annual_spend"].is_monotonic_decreasing


@pytest.mark.parametrize("kwargs", [{"quiet_days": 0}, {"quiet_days": 1.5}, {"min_orders": 1}])
def test_bad_parameters(kwargs):
    with pytest.raises(CourseError) as err:
        lifecycle_status(tiny_orders(), AS_OF, **kwargs)
    assert HAN.search(str(err.value))


# ---------------------------------------------------------------------------- PIP
def test_pip_value_by_hand():
    pip = pip_value(extra_revenue=200_000, margin=0.3, cost_saving=36_000, investment=80_000, years=3)
    assert pip["annual_gain"] == 96_000  # 200000 × 30% + 36000
    assert pip["total_gain"] == 288_000
    assert pip["net_gain"] == 208_000
    assert pip["roi"] == pytest.approx(2.6)
    assert pip["payback_months"] == pytest.approx(10.0)


def test_pip_without_gain_or_investment():
    no_gain = pip_value(investment=5000)
    assert no_gain["net_gain"] == -5000 and np.isnan(no_gain["payback_months"])
    free = pip_value(cost_saving=1200)
    assert free["net_gain"] == 1200 and np.isnan(free["roi"]) and free["payback_months"] == 0


@pytest.mark.parametrize("kwargs", [{"margin": 30}, {"extra_revenue": -1}, {"investment": "8万"},
                                    {"years": 0}, {"cost_saving": float("inf")}])
def test_pip_rejects_bad_inputs(kwargs):
    with pytest.raises(CourseError) as err:
        pip_value(**kwargs)
    assert HAN.search(str(err.value))
