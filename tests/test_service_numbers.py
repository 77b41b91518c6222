"""Tests for course.service_numbers (M00): teaching tables, the data checks and the retention model."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.service_numbers import (
    DEFAULT_CHURN,
    DEFAULT_MIX,
    LEVELS,
    blended_churn,
    churn_by_satisfaction,
    churn_chart,
    churn_reduction_value,
    iceberg_counts,
    misconceptions_table,
    pyramids_html,
    repurchase_after_complaint,
    retention_chart,
    satisfaction_mix,
    service_numbers_table,
    silent_unhappy,
    simulate_retention,
    top_share,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


# ------------------------------------------------------------------------------ teaching tables
def test_seven_numbers_each_with_rule_and_source():
    table = service_numbers_table()
    assert list(table.columns) == ["figure", "rule", "source"]
    assert len(table) == 7
    for col in table.columns:
        assert table[col].map(lambda s: bool(HAN.search(s)) or s.strip() != "").all()
        assert not table[col].str.contains(r"service_numbers\.").any()  # no missing catalog key
    assert table["figure"].tolist()[:2] == ["5 倍", "80/20"]
    # the sources name what they rest on, or say honestly that it was not found
    assert table["source"].str.contains("Reichheld").any()
    assert table["source"].str.contains("TARP").any()
    assert table["source"].str.contains("没有找到").any()


def test_five_misconceptions():
    table = misconceptions_table()
    assert list(table.columns) == ["myth", "truth"] and len(table) == 5
    assert table.map(lambda s: bool(HAN.search(s))).all().all()


def test_pyramids_html_has_both_orders():
    page = pyramids_html()
    assert "传统的正金字塔" in page and "倒金字塔" in page
    right = page[page.index("倒金字塔"):]
    # in the inverted pyramid the customers come first (on top), top management last
    assert right.index("客户") < right.index("一线员工") < right.index("中层管理") < right.index("高层领导")


# ------------------------------------------------------------------------------ data checks
def test_top_share_on_a_small_table():
    orders = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "d", "e", "a"],
        "amount": [500.0, 300.0, 100.0, 50.0, 30.0, 20.0, -100.0],
    })
    # net: a 700, b 100, c 50, d 30, e 20 → total 900; top 20% of 5 = 1 customer (a)
    assert top_share(orders, 0.2) == pytest.approx(700 / 900)
    assert top_share(orders, 0.4) == pytest.approx(800 / 900)
    assert top_share(orders, 1.0) == pytest.approx(1.0)


@pytest.mark.parametrize("share", [0, -0.1, 1.5, "20%", True])
def test_top_share_rejects_bad_share(share):
    with pytest.raises(CourseError, match="share"):
        top_share(pd.DataFrame({"customer_id": ["a"], "amount": [1.0]}), share)


def test_top_share_needs_columns():
    with pytest.raises(CourseError, match="amount"):
        top_share(pd.DataFrame({"customer_id": ["a"]}))


def test_churn_by_satisfaction_counts_every_level():
    customers = pd.DataFrame({
        "satisfaction": ["满意", "满意", "满意", "非常不满意", "非常不满意", "一般"],
        "churned": [True, False, False, True, True, False],
    })
    table = churn_by_satisfaction(customers)
    assert table["satisfaction"].astype(str).tolist() == LEVELS
    by = table.set_index(table["satisfaction"].astype(str))
    assert by.loc["满意", "customers"] == 3 and by.loc["满意", "churned"] == 1
    assert by.loc["满意", "churn_rate"] == pytest.approx(1 / 3)
    assert by.loc["非常不满意", "churn_rate"] == 1.0
    assert by.loc["不满意", "customers"] == 0 and np.isnan(by.loc["不满意", "churn_rate"])
    assert satisfaction_mix(customers) == pytest.approx((2 / 6, 0, 1 / 6, 3 / 6, 0))


def test_churn_by_satisfaction_rejects_unknown_level():
    with pytest.raises(CourseError, match="很满意"):
        churn_by_satisfaction(pd.DataFrame({"satisfaction": ["很满意"], "churned": [False]}))


def test_silent_unhappy():
    customers = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d", "e"],
        "satisfaction": ["非常不满意", "不满意", "不满意", "满意", "不满意"],
    })
    complaints = pd.DataFrame({"customer_id": ["b", "b", "d"]})  # b twice: still one customer
    out = silent_unhappy(customers, complaints)
    assert out == {"unhappy": 4, "complained": 1, "silent": 3, "silent_share": 0.75}
    only_very = silent_unhappy(customers, complaints, levels=["非常不满意"])
    assert only_very["unhappy"] == 1 and only_very["silent"] == 1
    with pytest.raises(CourseError):
        silent_unhappy(customers, complaints, levels=["生气"])


def test_repurchase_after_complaint_groups():
    created = pd.Timestamp("2024-01-01 09:00")
    complaints = pd.DataFrame({
        "created_at": [created] * 6,
        "resolved_at": [created + pd.Timedelta(hours=2), created + pd.Timedelta(hours=24),
                        created + pd.Timedelta(hours=30), pd.NaT, pd.NaT, pd.NaT],
        "outcome": ["已解决", "已解决", "已解决", "已解决", "部分解决", "未解决"],
        "repurchased": [True, True, False, True, False, False],
    })
    table = repurchase_after_complaint(complaints)
    assert table["complaints"].tolist() == [2, 2, 1, 1]  # 24 h exactly is fast; no time = slow
    assert table["repurchased"].tolist() == [2, 1, 0, 0]
    assert table["repurchase_rate"].tolist() == [1.0, 0.5, 0.0, 0.0]
    assert table["complaints"].sum() == len(complaints)


def test_company_data_rediscovers_the_rules_of_thumb():
    from course import load

    customers, orders, complaints = load("customers"), load("orders"), load("complaints")
    assert 0.7 < top_share(orders) < 0.9
    rates = churn_by_satisfaction(customers)["churn_rate"].to_numpy()
    assert np.all(np.diff(rates) < 0)  # the less satisfied, the more churn
    assert silent_unhappy(customers, complaints)["silent_share"] > 0.9
    recovery = repurchase_after_complaint(complaints)["repurchase_rate"].to_numpy()
    assert recovery[0] > recovery[1] > recovery[3]  # fast > slow > unresolved


# ------------------------------------------------------------------------------ retention model
def test_blended_churn_weights_and_normalises():
    assert blended_churn() == pytest.approx(sum(c * m for c, m in zip(DEFAULT_CHURN, DEFAULT_MIX)))
    assert blended_churn(DEFAULT_CHURN, [0, 0, 0, 0, 7]) == pytest.approx(0.02)
    assert blended_churn(DEFAULT_CHURN, [5, 10, 25, 40, 20]) == pytest.approx(blended_churn())


@pytest.mark.parametrize("churn, mix", [
    ((0.8, 0.4, 0.2, 0.1), DEFAULT_MIX),  # four levels
    ((1.2, 0.4, 0.2, 0.1, 0.02), DEFAULT_MIX),  # a rate above 1
    (DEFAULT_CHURN, (0, 0, 0, 0, 0)),  # nobody
    (DEFAULT_CHURN, (-1, 1, 1, 1, 1)),  # negative weight
    ("high", DEFAULT_MIX),
])
def test_blended_churn_rejects_bad_input(churn, mix):
    with pytest.raises(CourseError):
        blended_churn(churn, mix)


def _by_hand(customers, margin, acq, ret, new, rate, years):
    """The model written out plainly, as an independent reference."""
    start, profits, ends = customers, [], []
    for _ in range(years):
        end = start * (1 - rate) + new
        profits.append(end * margin - start * ret - new * acq)
        ends.append(end)
        start = end
    return ends, profits


@pytest.mark.parametrize("kw", [
    {},
    {"customers": 2000, "margin": 120, "acquisition_cost": 900, "retention_cost": 30,
     "new_customers": 0, "years": 3},
    {"customers": 0, "new_customers": 500, "churn": (1, 1, 1, 1, 1), "years": 4},
])
def test_simulate_matches_the_model_by_hand(kw):
    table = simulate_retention(**kw)
    args = {"customers": 10_000, "margin": 300, "acquisition_cost": 500, "retention_cost": 100,
            "new_customers": 1500, "years": 5, **kw}
    rate = blended_churn(kw.get("churn", DEFAULT_CHURN), kw.get("mix", DEFAULT_MIX))
    ends, profits = _by_hand(args["customers"], args["margin"], args["acquisition_cost"],
                             args["retention_cost"], args["new_customers"], rate, args["years"])
    assert table["year"].tolist() == list(range(1, args["years"] + 1))
    np.testing.assert_allclose(table["end"], ends)
    np.testing.assert_allclose(table["profit"], profits)
    np.testing.assert_allclose(table["cumulative_profit"], np.cumsum(profits))
    np.testing.assert_allclose(table["start"].iloc[1:], table["end"].iloc[:-1])
    np.testing.assert_allclose(table["end"], table["start"] - table["lost"] + table["new"])


def test_churn_reduction_lowers_blended_rate_but_not_below_zero():
    low = simulate_retention(churn=(0.02,) * 5, churn_reduction=0.05, customers=100, new_customers=0)
    assert (low["lost"] == 0).all() and (low["end"] == 100).all()


def test_churn_reduction_value_is_the_difference_of_two_runs():
    value = churn_reduction_value(0.05)
    base = simulate_retention()
    better = simulate_retention(churn_reduction=0.05)
    assert value["profit"] == pytest.approx(base["profit"].sum())
    assert value["extra_profit"] == pytest.approx(better["profit"].sum() - base["profit"].sum())
    assert value["profit_change"] == pytest.approx(value["extra_profit"] / value["profit"])
    assert value["churn_after"] == pytest.approx(value["churn"] - 0.05)
    assert value["extra_profit"] > 0 and value["customers_end_after"] > value["customers_end"]
    # a bigger cut is worth more
    assert churn_reduction_value(0.10)["extra_profit"] > value["extra_profit"]


@pytest.mark.parametrize("kw", [
    {"customers": -1}, {"margin": float("nan")}, {"retention_cost": "100"}, {"years": 0},
    {"years": 2.5}, {"churn_reduction": 1.5}, {"new_customers": True},
])
def test_simulate_rejects_bad_assumptions(kw):
    with pytest.raises(CourseError) as err:
        simulate_retention(**kw)
    assert HAN.search(str(err.value))


# ------------------------------------------------------------------------------ iceberg funnel
def test_iceberg_counts_chain():
    c = iceberg_counts(1000, 0.2, 0.5, 0.1, 0.6)
    assert (c["defects"], c["noticed"], c["complained"]) == pytest.approx((200, 100, 10))
    assert c["handled"] == pytest.approx(6)
    assert c["unnoticed"] + c["silent"] + c["unhandled"] + c["handled"] == pytest.approx(c["defects"])
    assert c["silent_per_complaint"] == pytest.approx(90 / 10)
    assert np.isnan(iceberg_counts(1000, 0.2, 0.5, 0.0, 0.6)["silent_per_complaint"])
    with pytest.raises(CourseError):
        iceberg_counts(1000, 1.2)


# ------------------------------------------------------------------------------ charts
def test_charts_draw_chinese_without_missing_glyphs():
    import io

    from course import load
    from course.core.plotting import glyph_warnings

    with glyph_warnings() as found:
        for fig in (retention_chart(), churn_chart(load("customers"))):
            fig.savefig(io.BytesIO(), format="png")
    assert found == []
    fig = retention_chart(customers=500, years=3)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2
    assert list(fig.axes[0].lines[0].get_xdata()) == [1, 2, 3]


def test_chinese_headers():
    assert service_numbers_table(headers="zh").columns.tolist() == ["数字", "含义", "出处与可信度"]
    assert misconceptions_table(headers="zh").columns.tolist() == ["常见误区", "正确认识"]
    with pytest.raises(CourseError, match="headers"):
        misconceptions_table(headers="chinese")
