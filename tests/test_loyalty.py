"""Tests for course.loyalty: ABC / Pareto classes and the five-behaviour loyalty index."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.core.plotting import glyph_warnings
from course.loyalty import (
    BEHAVIOURS,
    abc_classes,
    abc_summary,
    customer_revenue,
    loyalty_index,
    loyalty_rules,
    loyalty_summary,
    pareto_curve,
)
from course.service_numbers import top_share


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def orders_from(revenue: dict) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(revenue), "amount": list(revenue.values())})


# ------------------------------------------------------------------------------------------ ABC
def test_abc_by_hand():
    # total 100: A until 80% is reached (the one crossing 80% is still A), B until 95%
    orders = orders_from({"a": 50, "b": 25, "c": 10, "d": 8, "e": 5, "f": 2})
    abc = abc_classes(orders).set_index("customer_id")
    assert abc["abc_class"].astype(str).to_dict() == {
        "a": "A", "b": "A", "c": "A", "d": "B", "e": "B", "f": "C"}
    assert abc.loc["c", "cum_share"] == pytest.approx(0.85)
    assert list(abc["rank"]) == [1, 2, 3, 4, 5, 6]


def test_abc_nets_returns_and_puts_non_buyers_in_c():
    orders = pd.DataFrame({"customer_id": ["a", "a", "b", "c", "d"],
                           "amount": [100.0, -40.0, 50.0, 30.0, -5.0]})
    abc = abc_classes(orders).set_index("customer_id")
    assert abc.loc["a", "revenue"] == 60
    assert abc.loc["d", "abc_class"] == "C"
    assert customer_revenue(orders)["a"] == 60


def test_abc_ties_are_ranked_by_id():
    abc = abc_classes(orders_from({"z": 10, "y": 10, "x": 10}))
    assert list(abc["customer_id"]) == ["x", "y", "z"]


def test_abc_thresholds_change_classes():
    orders = orders_from({c: v for c, v in zip("abcdefghij", range(10, 0, -1))})
    strict = abc_summary(abc_classes(orders, a_share=0.5, b_share=0.9))
    loose = abc_summary(abc_classes(orders, a_share=0.8, b_share=0.95))
    assert strict.loc[0, "customers"] < loose.loc[0, "customers"]


@pytest.mark.parametrize("shares", [(0.9, 0.8), (0, 0.5), (0.8, 1.2)])
def test_abc_bad_shares(shares):
    with pytest.raises(CourseError):
        abc_classes(orders_from({"a": 1}), *shares)


def test_abc_errors():
    with pytest.raises(CourseError):
        abc_classes(orders_from({"a": -1.0}))
    with pytest.raises(CourseError) as err:
        abc_classes(pd.DataFrame({"customer_id": ["a"], "amount": ["十元"]}))
    assert "十元" in str(err.value)
    with pytest.raises(CourseError):
        abc_classes(pd.DataFrame({"id": ["a"], "amount": [1]}))


def test_abc_summary_and_top_share():
    orders = orders_from({"a": 60, "b": 20, "c": 10, "d": 5, "e": 5})
    abc = abc_classes(orders)
    summary = abc_summary(abc)
    assert list(summary["abc_class"]) == ["A", "B", "C"]
    assert summary["customers"].sum() == 5
    assert summary["revenue_share"].sum() == pytest.approx(1)
    assert summary["care"].str.len().gt(0).all()
    assert top_share(abc, 0.2, amount_col="revenue") == pytest.approx(0.6)
    assert top_share(abc, 0.4, amount_col="revenue") == pytest.approx(0.8)
    with pytest.raises(CourseError):
        top_share(abc, 0, amount_col="revenue")


def test_pareto_curve_without_missing_glyphs():
    abc = abc_classes(orders_from({c: v for c, v in zip("abcdefghij", [50, 20, 9, 6, 5, 4, 3, 1, 1, 1])}))
    fig = pareto_curve(abc)
    with glyph_warnings() as found:
        fig.savefig(io.BytesIO(), format="png")
    assert found == []


# ------------------------------------------------------------------------------ loyalty index
@pytest.fixture
def small_world():
    orders = pd.DataFrame({
        "customer_id": ["a"] * 10 + ["b", "b", "c", "d", "e", "f"],
        "amount": [100.0] * 10 + [100.0, -100.0, 5.0, 1000.0, 40.0, 200.0],
    })
    referrals = pd.DataFrame({
        "referrer_id": ["a", "a", "a", "b", "b"],
        "referred_id": ["d", "c", "e", "c", "d"],
        "relation": ["推荐", "推荐", "推荐", "影响", "影响"],
    })
    feedback = pd.DataFrame({
        "customer_id": ["c", "c", "d", "e"],
        "sentiment": ["负面", "中性", "正面", "负面"],
        "text": ["送货太慢", "还行", "很好", "此用户未填写评价内容，系统默认好评。"],
    })
    surveys = pd.DataFrame({"customer_id": ["a", "b", "c"], "nps": [10, 8, 3]})
    return orders, referrals, feedback, surveys


def test_loyalty_index_by_hand(small_world):
    index = loyalty_index(*small_world).set_index("customer_id")
    # median net revenue of a..f = 120 (0, 5, 40, 200, 1000, 1000): d is valuable, c and e are not
    assert index.loc["a", "purchases"] == 10 and index.loc["a", "repeat_points"] == 20
    assert index.loc["a", "valuable_referrals"] == 1 and index.loc["a", "referral_points"] == 10
    assert index.loc["a", "advocacy_points"] == 20
    assert index.loc["a", "loyalty_index"] == pytest.approx(50)
    assert index.loc["b", "repeat_points"] == 0  # one purchase and one return: no repeat
    assert index.loc["b", "shares"] == 2 and index.loc["b", "sharing_points"] == 20
    assert index.loc["b", "advocacy_points"] == 10  # passive: half points
    assert index.loc["c", "suggestions"] == 2 and index.loc["c", "suggestion_points"] == 20
    assert index.loc["e", "suggestions"] == 0  # the automatic default review is no suggestion
    assert not index.loc["d", "surveyed"] and index.loc["d", "advocacy_points"] == 0
    assert index["loyalty_index"].between(0, 100).all()


def test_loyalty_weights_and_customers(small_world):
    only_repeat = {b: 0 for b in BEHAVIOURS} | {"repeat": 1}
    index = loyalty_index(*small_world, weights=only_repeat).set_index("customer_id")
    assert index.loc["a", "loyalty_index"] == pytest.approx(100)
    assert index.loc["c", "loyalty_index"] == 0
    listed = loyalty_index(*small_world, customers=["zz", "a"])
    assert list(listed["customer_id"]) == ["zz", "a"]
    assert listed.loc[0, "loyalty_index"] == 0
    with pytest.raises(CourseError):
        loyalty_index(*small_world, weights={"smile": 5})
    with pytest.raises(CourseError):
        loyalty_index(*small_world, weights={"repeat": -1})


def test_loyalty_rules_and_summary(small_world):
    rules = loyalty_rules()
    assert list(rules["behaviour"]) == BEHAVIOURS
    assert rules["points"].sum() == 100
    index = loyalty_index(*small_world)
    overall = loyalty_summary(index)
    assert overall["平均忠诚指数"].item() == pytest.approx(index["loyalty_index"].mean())
    by = pd.Series(pd.Categorical(["高", "低", "低", "高", "低", "低"], categories=["低", "高"]))
    grouped = loyalty_summary(index, by)
    assert list(grouped.index) == ["低", "高"]
    with pytest.raises(CourseError):
        loyalty_summary(index, by[:2])


def test_loyalty_on_course_data():
    from course import load

    customers = load("customers")
    index = loyalty_index(load("orders"), load("referrals"), load("feedback"), load("surveys"),
                          customers=customers)
    assert len(index) == len(customers)
    assert index["surveyed"].sum() == len(load("surveys"))
    assert index["loyalty_index"].between(0, 100).all()
