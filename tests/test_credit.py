"""Tests for course.credit: bins, WoE/IV, the points scorecard, grades, rules, AUC and PSI."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.credit import (
    DEFAULT_INDICATORS,
    GRADES,
    adjust_grades,
    assign_grades,
    auc,
    bin_codes,
    bin_labels,
    choose_indicators,
    compare_samples,
    fit_scorecard,
    grade_report,
    information_values,
    psi,
    quantile_cuts,
    split_applications,
    woe_table,
)


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def apps() -> pd.DataFrame:
    """Synthetic applications where overdue count and debt drive default; revenue is noise."""
    rng = np.random.default_rng(5)
    n = 3000
    overdue = rng.poisson(1.2, n)
    debt = rng.uniform(0.1, 0.95, n)
    logit = -2.6 + 0.8 * overdue + 2.5 * (debt - 0.5)
    return pd.DataFrame({
        "customer_id": np.where(rng.random(n) < 0.4, "C1", None),
        "applied_at": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, n), "D"),
        "industry": rng.choice(["零售", "餐饮", "制造"], n),
        "years_in_business": rng.integers(0, 20, n),
        "annual_revenue_wan": rng.lognormal(5.5, 1, n).round(1),
        "past_overdue_count": overdue,
        "avg_order_amount": rng.lognormal(7.5, 0.8, n).round(1),
        "debt_ratio": debt.round(2),
        "defaulted": rng.random(n) < 1 / (1 + np.exp(-logit)),
    })


def test_bins_are_left_closed():
    assert bin_labels([2, 5]) == ["<2", "2–5", "≥5"]
    np.testing.assert_array_equal(bin_codes(pd.Series([0, 1.99, 2, 4.9, 5, 99]), [5, 2]),
                                  [0, 0, 1, 1, 2, 2])


def test_woe_sign_and_iv(apps):
    table = woe_table(apps, "past_overdue_count", [1, 2, 4])
    assert table["applications"].sum() == len(apps)
    assert table["bad"].sum() == apps["defaulted"].sum()
    # more overdue payments = riskier = lower WoE, bin by bin
    assert table["woe"].is_monotonic_decreasing
    assert (table["iv"] >= 0).all()
    ivs = information_values(apps).set_index("indicator")["iv"]
    assert ivs["past_overdue_count"] > 0.3 > ivs["annual_revenue_wan"]
    chosen = choose_indicators(information_values(apps), min_iv=0.1)
    assert "past_overdue_count" in chosen and "annual_revenue_wan" not in chosen


def test_scorecard_points_follow_risk_and_add_up(apps):
    train, _ = split_applications(apps, "2023-07-01")
    card = fit_scorecard(train)
    assert card.indicators == DEFAULT_INDICATORS
    overdue = card.points[card.points["indicator"] == "past_overdue_count"]["points"]
    assert overdue.is_monotonic_decreasing and overdue.iloc[0] > overdue.iloc[-1]
    # a score is base points plus one bin's points per indicator: recompute one by hand
    row = train.iloc[[0]]
    by_hand = card.base_points
    for indicator in card.indicators:
        code = bin_codes(row[indicator], card.cuts[indicator])[0]
        part = card.points[card.points["indicator"] == indicator]
        by_hand += int(part["points"].iloc[code])
    assert card.score(row).iloc[0] == by_hand


def test_split_is_by_date(apps):
    train, hold = split_applications(apps, "2023-07-01")
    assert len(train) + len(hold) == len(apps)
    assert train["applied_at"].max() < pd.Timestamp("2023-07-01") <= hold["applied_at"].min()
    assert "is_customer" in train.columns and set(train["is_customer"]) == {0, 1}


def test_model_beats_chance_on_holdout(apps):
    train, hold = split_applications(apps, "2023-07-01")
    result = compare_samples(fit_scorecard(train), train, hold)
    assert result["auc"].min() > 0.7
    assert result["psi"].iloc[1] < 0.1  # same population in both halves


def test_auc_known_values():
    assert auc([3, 2, 1], [False, False, True]) == 1.0
    assert auc([1, 2, 3], [False, False, True]) == 0.0
    assert auc([1, 1], [False, True]) == 0.5
    with pytest.raises(CourseError):
        auc([1, 2], [False, False])


def test_psi_grows_with_shift():
    rng = np.random.default_rng(1)
    base = rng.normal(560, 60, 2000)
    assert psi(base, base) == pytest.approx(0.0)
    assert psi(base, base + 5) < psi(base, base + 40)


def test_grades_and_rules():
    grades = assign_grades([700, 620, 619, 480, 479], [620, 580, 540, 480])
    assert list(grades) == ["A", "A", "B", "D", "E"]
    with pytest.raises(CourseError):
        assign_grades([600], [500, 580, 540, 480])
    with pytest.raises(CourseError):
        assign_grades([600], [620, 580])
    apps = pd.DataFrame({"past_overdue_count": [6, 0, 0, 0], "industry": ["零售", "餐饮", "零售", "零售"],
                         "years_in_business": [5, 5, 0, 5], "annual_revenue_wan": 1.0,
                         "avg_order_amount": 1.0, "debt_ratio": 0.1, "defaulted": False})
    adj = adjust_grades(apps, pd.Series(["A", "A", "E", "B"]))
    assert list(adj["grade_final"]) == ["E", "B", "E", "B"]
    assert adj["rule"].iloc[0] and adj["rule"].iloc[1] and adj["rule"].iloc[3] == ""


def test_grade_report_counts():
    report = grade_report(["A", "A", "C"], [False, True, True])
    assert list(report["grade"]) == GRADES
    assert report.set_index("grade").loc["A", "bad_rate"] == 0.5
    assert np.isnan(report.set_index("grade").loc["B", "bad_rate"])


def test_quantile_cuts(apps):
    cuts = quantile_cuts(apps, 4)
    codes = bin_codes(apps["debt_ratio"], cuts["debt_ratio"])
    shares = np.bincount(codes) / len(apps)
    assert len(shares) == 4 and shares.min() > 0.15
    with pytest.raises(CourseError):
        quantile_cuts(apps, 1)


def test_missing_columns_are_named():
    with pytest.raises(CourseError, match="debt_ratio"):
        split_applications(pd.DataFrame({"applied_at": [], "defaulted": []}))
