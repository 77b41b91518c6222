"""Support, confidence and lift on a basket small enough to check by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.cross_sell import association_rules, baskets, cross_sell_targets


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def orders():
    # four customers: 1 {空调, 安装}, 2 {空调, 安装}, 3 {空调}, 4 {小家电}; 4 returned 安装 (ignored)
    rows = [("1", "空调", 3000), ("1", "安装", 200), ("2", "空调", 2800), ("2", "安装", 150),
            ("3", "空调", 3100), ("4", "小家电", 300), ("4", "安装", -100)]
    return pd.DataFrame(rows, columns=["customer_id", "category", "amount"])


def test_baskets_ignore_returns(orders):
    table = baskets(orders)
    assert table.shape == (4, 3) and not table.loc["4", "安装"]


def test_support_confidence_lift(orders):
    rules = association_rules(orders, min_support=0).set_index(["antecedent", "consequent"])
    r = rules.loc[("空调", "安装")]
    # both: 2 of 4; 空调: 3 of 4; 安装: 2 of 4
    assert r["support"] == pytest.approx(0.5)
    assert r["confidence"] == pytest.approx(2 / 3)
    assert r["lift"] == pytest.approx((2 / 3) / 0.5)
    back = rules.loc[("安装", "空调")]
    assert back["confidence"] == pytest.approx(1) and back["lift"] == pytest.approx(4 / 3)
    assert ("小家电", "空调") not in rules.index  # never bought together: no rule


def test_min_support_filters(orders):
    assert association_rules(orders, min_support=0.6).empty
    with pytest.raises(CourseError, match="min_support"):
        association_rules(orders, min_support=2)


def test_targets_bought_a_but_never_b(orders):
    out = cross_sell_targets(orders, "空调", "安装")
    assert out["customer_id"].tolist() == ["3"] and out["spend_on_bought"].item() == 3100
    with pytest.raises(CourseError, match="可选"):
        cross_sell_targets(orders, "空调", "冰箱")


def test_company_rules_rank_service_with_big_appliances():
    from course import load

    rules = association_rules(load("orders"), min_support=0.1)
    assert len(rules) > 10 and (rules["lift"] > 0).all()
    assert rules["lift"].is_monotonic_decreasing
