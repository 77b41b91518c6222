"""Tests for course.profiles: messy copy and cleaning, profiles, completeness, propensity, touch points."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.profiles import (
    DIMENSIONS,
    build_profiles,
    clean_customers,
    completeness,
    data_issues,
    duplicate_count,
    field_completeness,
    fit_propensity,
    lift_table,
    messy_customers,
    propensity_data,
    propensity_scores,
    rule_score,
    segment_profile,
    touch_points,
)


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def data():
    from course import load

    return {name: load(name) for name in ("customers", "orders", "surveys", "complaints", "feedback")}


def test_messy_copy_is_reproducible_and_messy(data):
    cu = data["customers"]
    a, b = messy_customers(cu, seed=1), messy_customers(cu, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(messy_customers(cu, seed=2))
    assert duplicate_count(a) > 0 and duplicate_count(cu) == 0
    issues = data_issues(a).set_index("column")
    assert issues.loc["city", "blanks"] > cu["city"].isna().sum()
    assert issues.loc["city", "nonstandard"] > 0 and issues.loc["join_date", "nonstandard"] > 0
    assert issues.attrs["duplicate_rows"] == duplicate_count(a)
    assert data_issues(cu).set_index("column").loc["city", "nonstandard"] == 0


def test_cleaning_restores_every_value_it_can_and_invents_none(data):
    cu = data["customers"]
    clean = clean_customers(messy_customers(cu, seed=3))
    assert clean["customer_id"].tolist() == sorted(cu["customer_id"])
    orig = cu.set_index("customer_id")
    got = clean.set_index("customer_id").reindex(orig.index)
    for col in ("name", "gender", "city", "customer_type", "channel"):
        known = got[col].notna()
        assert (got.loc[known, col].astype(str) == orig.loc[known, col].astype(str)).all(), col
        assert not (got[col].notna() & orig[col].isna()).any(), col  # nothing invented
    assert (got["join_date"] == orig["join_date"]).all()
    assert got["city"].notna().mean() > 0.9  # the duplicate with a blank city did not win
    assert duplicate_count(clean) == 0


def test_clean_keeps_most_complete_duplicate():
    df = pd.DataFrame({"customer_id": ["C2", "C1", "C1"], "name": ["乙", "甲 ", "甲"],
                       "city": ["上海市", None, " 杭州 "], "channel": ["天猫", "", "小程序"],
                       "gender": ["M", "女性", "女"], "customer_type": ["个人客户", "个人", "个人"],
                       "join_date": ["2024/01/02", "2024年03月04日", "2024-03-04"]})
    out = clean_customers(df)
    assert out.to_dict("list") == {
        "customer_id": ["C1", "C2"], "name": ["甲", "乙"], "city": ["杭州", "上海"],
        "channel": ["微信小程序", "天猫旗舰店"], "gender": ["女", "男"],
        "customer_type": ["个人", "个人"],
        "join_date": [pd.Timestamp("2024-03-04"), pd.Timestamp("2024-01-02")]}


@pytest.fixture(scope="module")
def profiles(data):
    return build_profiles(data["customers"], data["orders"], data["surveys"], data["complaints"],
                          data["feedback"])


def test_profiles_have_every_dimension(profiles, data):
    assert len(profiles) == len(data["customers"])
    for fields in DIMENSIONS.values():
        assert set(fields) <= set(profiles.columns)
    one = profiles.set_index("customer_id").loc["C00001"]
    orders = data["orders"][data["orders"]["customer_id"] == "C00001"]
    assert one["purchases"] == (orders["amount"] > 0).sum()
    assert one["net_spend"] == pytest.approx(orders["amount"].sum(), abs=0.01)
    assert one["last_purchase"] == orders.loc[orders["amount"] > 0, "order_date"].max()
    surveyed = data["surveys"]["customer_id"].nunique()
    assert profiles["nps"].notna().sum() == surveyed


def test_completeness_counts_only_applicable_fields():
    row = {f: "x" for fields in DIMENSIONS.values() for f in fields}
    row.update(purchases=2, net_spend=10.0, nps=None)
    person = {**row, "customer_id": "P", "customer_type": "个人", "industry": None}
    company = {**row, "customer_id": "Q", "customer_type": "企业", "gender": None, "age_band": None}
    prof = pd.DataFrame([person, company])
    applicable = len([f for fs in DIMENSIONS.values() for f in fs]) - 1  # person: no industry
    assert completeness(prof).tolist()[0] == pytest.approx(100 * (applicable - 1) / applicable)
    applicable_q = len([f for fs in DIMENSIONS.values() for f in fs]) - 2  # company: no gender/age
    assert completeness(prof).tolist()[1] == pytest.approx(100 * (applicable_q - 1) / applicable_q)
    fields = field_completeness(prof).set_index("field")
    assert fields.loc["nps", "filled_pct"] == 0 and fields.loc["industry", "applies_to"] == 1


def test_completeness_on_real_profiles(profiles):
    c = completeness(profiles)
    assert c.between(0, 100).all() and c.mean() < 100  # survey gaps are visible
    summary = segment_profile(profiles, "tier")
    assert summary["customers"].sum() == len(profiles)
    assert summary["avg_spend"].is_monotonic_increasing  # tiers are set by spend


def test_logistic_regression_recovers_known_weights():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4000, 2))
    p = 1 / (1 + np.exp(-(0.5 + 1.5 * x[:, 0] - 1.0 * x[:, 1])))
    data = pd.DataFrame({"a": x[:, 0], "b": x[:, 1], "bought": rng.random(4000) < p})
    model = fit_propensity(data, ["a", "b"])
    # standardised weights divided by the std give back the raw weights
    raw = model["weight"].to_numpy()[1:] / model["std"].to_numpy()[1:]
    np.testing.assert_allclose(raw, [1.5, -1.0], atol=0.15)
    scores = propensity_scores(model, data)
    assert scores.between(0, 1).all()
    assert np.corrcoef(scores, p)[0, 1] > 0.95
    with pytest.raises(CourseError):
        fit_propensity(data.assign(bought=True), ["a", "b"])


def test_propensity_out_of_time_beats_random(data):
    train = propensity_data(data["customers"], data["orders"], "2024-07-01")
    test = propensity_data(data["customers"], data["orders"], "2024-10-01")
    assert train["bought"].between(0, 1).all() and 0.2 < test["bought"].mean() < 0.95
    model = fit_propensity(train)
    recency = model.set_index("term").loc["recency_days", "weight"]
    assert recency < 0  # the longer ago, the less likely to buy
    lift = lift_table(propensity_scores(model, test), test["bought"], groups=5)
    assert lift["customers"].sum() == len(test)
    assert lift["buy_rate"].iloc[0] > lift["buy_rate"].iloc[-1]
    assert lift["lift"].iloc[0] > 1.1
    rule_lift = lift_table(rule_score(test), test["bought"], groups=5)
    assert rule_lift["buy_rate"].iloc[0] > rule_lift["buy_rate"].iloc[-1]


def test_rule_score_points():
    data = pd.DataFrame({"recency_days": [10, 100, 400], "purchases": [5, 1, 3],
                         "satisfaction_score": [5, 4, 1]})
    assert rule_score(data).tolist() == [4, 2, 1]


def test_lift_table_arithmetic():
    lift = lift_table([0.9, 0.8, 0.2, 0.1], [True, True, False, True], groups=2)
    assert lift["buy_rate"].tolist() == [1.0, 0.5]
    assert lift["lift"].tolist() == pytest.approx([1 / 0.75, 0.5 / 0.75])
    with pytest.raises(CourseError):
        lift_table([0.1], [True, False])


def test_touch_points(data):
    tp = touch_points(data["orders"], data["feedback"], data["complaints"])
    assert {"下单", "反馈", "投诉", "customers"} <= set(tp.columns)
    assert tp["下单"].sum() == len(data["orders"]) and tp["投诉"].sum() == len(data["complaints"])
    assert tp["customers"].is_monotonic_decreasing


def test_errors_name_the_missing_columns():
    with pytest.raises(CourseError, match="customer_id"):
        clean_customers(pd.DataFrame({"x": [1]}))
    with pytest.raises(CourseError):
        data_issues([1, 2])


# ----------------------------------------------------------------------------------------------
# Needs forecasting: seasonal demand by segment
# ----------------------------------------------------------------------------------------------
def _season_orders():
    """Segment 甲 buys only in July; 乙 every quarter alike; 甲 doubles, 乙 grows by half."""
    rows = []
    for year, a_amount, b_amount in ((2023, 100.0, 40.0), (2024, 200.0, 60.0)):
        rows.append(("A", f"{year}-07-15", a_amount, "甲"))
        rows += [("B", f"{year}-{m:02d}-10", b_amount / 4, "乙") for m in (2, 5, 8, 12)]
    rows.append(("B", "2025-01-05", 999.0, "乙"))  # an incomplete year is never used
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "amount", "segment_name"])


def test_seasonal_demand_shares_follow_the_calendar():
    from course.profiles import seasonal_demand

    orders = _season_orders().drop(columns="segment_name")
    customers = pd.DataFrame({"customer_id": ["A", "B"], "customer_type": ["甲", "乙"]})
    table = seasonal_demand(orders, customers, by="customer_type").set_index(["customer_type", "quarter"])
    assert table.loc[("甲", 3), "share"] == pytest.approx(1.0)
    assert table.loc[("甲", 1), "share"] == 0
    assert table.loc[("乙", 2), "seasonal_index"] == pytest.approx(1.0)
    assert table.groupby(level=0)["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert set(table["years"]) == {"2023–2024"}


def test_demand_forecast_grows_last_year_by_segment():
    from course.profiles import demand_forecast

    orders = _season_orders().rename(columns={"segment_name": "segment_col"})
    orders = orders[orders["order_date"] < "2025-01-01"]
    own = demand_forecast(orders, by="segment_col").set_index(["segment_col", "quarter"])
    assert own.loc[("甲", 3), "growth"] == pytest.approx(1.0)
    assert own.loc[("甲", 3), "forecast"] == pytest.approx(400.0)
    assert own.loc[("乙", 1), "forecast"] == pytest.approx(60 * 1.5 / 4)
    flat = demand_forecast(orders, by="segment_col", growth=0.1).set_index(["segment_col", "quarter"])
    assert flat.loc[("甲", 3), "forecast"] == pytest.approx(220.0)


def test_demand_forecast_on_the_company_data(data):
    from course.profiles import demand_forecast, seasonal_demand

    season = seasonal_demand(data["orders"], data["customers"], by="customer_type")
    assert season.groupby("customer_type")["seasonal_index"].mean().tolist() == pytest.approx([1.0, 1.0])
    forecast = demand_forecast(data["orders"], data["customers"], by="category", growth=0)
    last = data["orders"][pd.to_datetime(data["orders"]["order_date"]).dt.year == 2024]
    assert forecast["forecast"].sum() == pytest.approx(last["amount"].sum())


def test_unknown_segment_column_names_the_choices(data):
    from course.profiles import seasonal_demand

    with pytest.raises(CourseError, match="tier"):
        seasonal_demand(data["orders"], data["customers"], by="no_such_column")
