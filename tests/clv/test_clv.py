"""Tests for course.clv and course.clv.models: the simple CLV, retention tables, the CLV matrix,
and BG/NBD + Gamma-Gamma validated against the published CDNOW results."""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from course import load
from course.clv import (
    clv_matrix,
    clv_table,
    cohort_retention,
    customer_values,
    fit_bgnbd,
    fit_gamma_gamma,
    matrix_cells,
    predicted_clv,
    purchase_summary,
    simple_clv,
    tracking_table,
    yearly_retention,
)
from course.clv.charts import cohort_chart, tracking_chart
from course.core.i18n import CourseError
from course.core.paths import REPO_ROOT
from course.core.plotting import glyph_warnings

HAN = re.compile(r"[\u4e00-\u9fff]")
CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


# ------------------------------------------------------------------------------ CDNOW regression
@pytest.fixture(scope="module")
def cdnow():
    return load("cdnow")


@pytest.fixture(scope="module")
def cdnow_summary(cdnow):
    return purchase_summary(cdnow, CALIBRATION_END, HOLDOUT_END, date_col="date")


@pytest.fixture(scope="module")
def cdnow_bgnbd(cdnow_summary):
    s = cdnow_summary
    return fit_bgnbd(s["frequency"], s["recency"], s["T"])


def test_cdnow_summary_matches_the_papers(cdnow_summary):
    s = cdnow_summary
    assert len(s) == 2357  # every customer of the sample bought in the first 12 weeks
    assert (s["frequency"] > 0).sum() == 946  # the Gamma-Gamma note's repeat buyers
    assert s["frequency"].sum() == 2457  # repeat purchase days in weeks 1–39 (FHL 2005)
    # the first cohort customer (1997-01-01) is 272 days = 38.86 weeks old at the end
    assert s["T"].max() == pytest.approx(272 / 7)
    assert (s["recency"] <= s["T"]).all()


def test_cdnow_bgnbd_parameters(cdnow_bgnbd):
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert cdnow_bgnbd.params[name] == pytest.approx(value, rel=1e-2), name
    assert cdnow_bgnbd.loglik == pytest.approx(-9582.4, abs=0.1)
    assert cdnow_bgnbd.n_customers == 2357


def test_cdnow_conditional_expectation(cdnow_bgnbd):
    # FHL 2005: a customer with x = 2, t_x = 30.43, T = 38.86 is expected to make 1.226 purchases
    got = cdnow_bgnbd.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert float(got) == pytest.approx(1.226, rel=1e-2)


def test_cdnow_gamma_gamma_parameters(cdnow_summary):
    gg = fit_gamma_gamma(cdnow_summary["frequency"], cdnow_summary["monetary"])
    assert gg.n_customers == 946
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert gg.params[name] == pytest.approx(value, rel=1e-2), name


def test_cdnow_holdout_is_predicted_reasonably(cdnow_bgnbd, cdnow_summary):
    s = cdnow_summary
    expected = cdnow_bgnbd.conditional_expected_purchases(39, s["frequency"], s["recency"], s["T"])
    actual = s["frequency_holdout"].to_numpy()
    assert abs(expected.sum() / actual.sum() - 1) < 0.2  # 1,653 predicted vs 1,882 actual
    assert np.corrcoef(expected, actual)[0, 1] > 0.5


def test_cdnow_tracking_table(cdnow, cdnow_bgnbd, cdnow_summary):
    track = tracking_table(cdnow_bgnbd, cdnow, CALIBRATION_END, 78, date_col="date")
    assert list(track["week"]) == list(range(1, 79))
    assert np.all(np.diff(track["actual"]) >= 0) and np.all(np.diff(track["predicted"]) >= 0)
    # after 39 weeks + 1 day (day 273 counted in week 39 ends before it) the actual count is
    # the calibration total; by week 78 it adds the holdout purchases up to 1998-06-30
    assert track.loc[track["week"] == 39, "actual"].item() == cdnow_summary["frequency"].sum()
    assert track["actual"].iloc[-1] == (cdnow_summary["frequency"].sum()
                                        + cdnow_summary["frequency_holdout"].sum())
    # the model was fitted on weeks 1–39, so it tracks them closely
    assert track["predicted"].iloc[38] == pytest.approx(track["actual"].iloc[38], rel=0.05)


# ---------------------------------------------------------------------------- purchase_summary
def tiny_orders() -> pd.DataFrame:
    rows = [
        ("A", "2024-01-01", 100.0),
        ("A", "2024-01-01", 20.0),  # same day: one purchase worth 120 (first purchase)
        ("A", "2024-01-15", 50.0),
        ("A", "2024-01-29", 70.0),
        ("A", "2024-01-30", -70.0),  # a return: not a purchase
        ("B", "2024-01-08", 80.0),
        ("B", "2024-02-05", 30.0),  # after the end: holdout
        ("C", "2024-02-01", 10.0),  # first purchase after the end: not in the table
    ]
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"]).assign(
        order_date=lambda f: pd.to_datetime(f["order_date"]))


def test_purchase_summary_by_hand():
    s = purchase_summary(tiny_orders(), "2024-01-29", "2024-02-29").set_index("customer_id")
    assert list(s.index) == ["A", "B"]
    # A: purchase days 01-01, 01-15, 01-29 -> 2 repeats; last - first = 28 days; age 28 days
    assert s.loc["A", "frequency"] == 2
    assert s.loc["A", "recency"] == pytest.approx(4.0)
    assert s.loc["A", "T"] == pytest.approx(4.0)
    assert s.loc["A", "monetary"] == pytest.approx(60.0)  # mean of the repeats 50 and 70
    assert s.loc["A", "frequency_holdout"] == 0
    # B: one purchase on 01-08, 21 days before the end, one more in the holdout
    assert (s.loc["B", "frequency"], s.loc["B", "recency"], s.loc["B", "monetary"]) == (0, 0, 0)
    assert s.loc["B", "T"] == pytest.approx(3.0)
    assert s.loc["B", "frequency_holdout"] == 1


def test_purchase_summary_errors_are_chinese():
    with pytest.raises(CourseError) as err:
        purchase_summary(tiny_orders().rename(columns={"amount": "paid"}))
    assert "amount" in str(err.value) and HAN.search(str(err.value))
    with pytest.raises(CourseError):
        purchase_summary(tiny_orders(), "2023-01-01")


# ------------------------------------------------------------------------------ BG/NBD behaviour
def simulate_bgnbd(n, r, alpha, a, b, seed=3):
    """Purchase histories drawn from the BG/NBD story itself."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(20, 40, n)
    x, tx = np.zeros(n), np.zeros(n)
    for i in range(n):
        now = 0.0  # the first purchase; the customer cannot leave at that point
        while True:
            now += rng.exponential(1 / lam[i])
            if now > T[i]:
                break
            x[i], tx[i] = x[i] + 1, now
            if rng.random() < p[i]:  # drops out after this repeat purchase
                break
    return x, tx, T


def test_bgnbd_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 3.0}
    x, tx, T = simulate_bgnbd(6000, **truth)
    fit = fit_bgnbd(x, tx, T)
    for name, value in truth.items():
        assert fit.params[name] == pytest.approx(value, rel=0.35), name
    # the fitted model explains the data better than the truth can on this sample, never worse
    assert fit.loglik >= fit_loglik_at(truth, x, tx, T) - 1e-6


def fit_loglik_at(params, x, tx, T):
    from scipy.special import gammaln

    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    common = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + gammaln(a + b)
              + gammaln(b + x) - gammaln(b) - gammaln(a + b + x))
    stays = -(r + x) * np.log(alpha + T)
    left = np.log(a) - np.log(np.maximum(b + x - 1, 1e-12)) - (r + x) * np.log(alpha + tx)
    return float(np.sum(common + np.where(x > 0, np.logaddexp(stays, left), stays)))


def test_bgnbd_predictions_behave(cdnow_bgnbd):
    bg = cdnow_bgnbd
    assert float(bg.expected_purchases(0)) == 0
    grid = bg.expected_purchases(np.array([1.0, 10.0, 52.0]))
    assert np.all(np.diff(grid) > 0)
    # no repeat purchase: nothing suggests the customer left
    assert bg.p_alive(0, 0, 30) == pytest.approx(1.0)
    # same history, a longer silence since the last purchase: less likely alive, buys less
    assert bg.p_alive(5, 30, 32) > bg.p_alive(5, 10, 32)
    assert bg.conditional_expected_purchases(10, 5, 30, 32) > \
        bg.conditional_expected_purchases(10, 5, 10, 32)


def test_bgnbd_input_errors():
    with pytest.raises(CourseError):
        fit_bgnbd([1, 2], [3.0], [5.0, 6.0])
    with pytest.raises(CourseError):
        fit_bgnbd([1, 2], [10.0, 1.0], [5.0, 6.0])  # recency after T
    with pytest.raises(CourseError):
        fit_bgnbd([1, -2], [1.0, 1.0], [5.0, 6.0])


# ------------------------------------------------------------------------- Gamma-Gamma and CLV
def test_gamma_gamma_conditional_spend_between_own_and_population(cdnow_summary):
    s = cdnow_summary
    gg = fit_gamma_gamma(s["frequency"], s["monetary"])
    assert float(gg.conditional_expected_spend(0, 0)) == pytest.approx(gg.mean_spend)
    own = 80.0
    for x in (1, 5, 50):
        spend = float(gg.conditional_expected_spend(x, own))
        assert min(own, gg.mean_spend) < spend < max(own, gg.mean_spend)
    # more purchases: the estimate leans more on the customer's own mean
    assert abs(gg.conditional_expected_spend(50, own) - own) < \
        abs(gg.conditional_expected_spend(1, own) - own)
    with pytest.raises(CourseError):
        fit_gamma_gamma([0, 0], [0, 0])


def test_predicted_clv(cdnow_bgnbd, cdnow_summary):
    s = cdnow_summary.head(200)
    gg = fit_gamma_gamma(cdnow_summary["frequency"], cdnow_summary["monetary"])
    args = (s["frequency"], s["recency"], s["T"], s["monetary"])
    year = predicted_clv(cdnow_bgnbd, gg, *args, weeks=52, annual_discount=0.0)
    # with no discount, CLV = expected purchases × expected spend
    direct = (cdnow_bgnbd.conditional_expected_purchases(52, *args[:3])
              * gg.conditional_expected_spend(args[0], args[3]))
    np.testing.assert_allclose(year, direct, rtol=1e-9)
    discounted = predicted_clv(cdnow_bgnbd, gg, *args, weeks=52, annual_discount=0.2)
    assert np.all(discounted < year) and np.all(discounted > 0.8 * year)
    half = predicted_clv(cdnow_bgnbd, gg, *args, weeks=52, margin=0.5, annual_discount=0.0)
    np.testing.assert_allclose(half, 0.5 * year)


# ------------------------------------------------------------------------------- the simple CLV
def test_simple_clv_formula():
    # year 1: 1000/1.1; year 2: 1000*0.8/1.1^2; year 3: 1000*0.64/1.1^3
    by_hand = 1000 / 1.1 + 800 / 1.1 ** 2 + 640 / 1.1 ** 3
    assert simple_clv(1000, 0.8, 0.1, years=3) == pytest.approx(by_hand)
    assert simple_clv(1000, 0.8, 0.1) == pytest.approx(1000 / 0.3)
    assert simple_clv(1000, 0.8, 0.1, years=100) == pytest.approx(simple_clv(1000, 0.8, 0.1))
    # keeping customers longer is worth more; a higher discount rate is worth less
    assert simple_clv(1000, 0.9, 0.1) > simple_clv(1000, 0.8, 0.1) > simple_clv(1000, 0.8, 0.2)
    assert simple_clv(1000, 1.0, 0.0, years=4) == pytest.approx(4000)


def test_clv_table_columns():
    table = clv_table(500, 0.5, 0.0, years=4)
    assert list(table["year"]) == [1, 2, 3, 4]
    np.testing.assert_allclose(table["survival"], [1, 0.5, 0.25, 0.125])
    np.testing.assert_allclose(table["present_value"], [500, 250, 125, 62.5])
    np.testing.assert_allclose(table["cumulative_clv"], [500, 750, 875, 937.5])


@pytest.mark.parametrize("kwargs", [
    {"retention": 1.5}, {"retention": -0.1}, {"discount_rate": 2}, {"margin": "1000"},
    {"margin": float("nan")}, {"years": 0}, {"years": 2.5}, {"years": True},
])
def test_simple_clv_errors_are_chinese(kwargs):
    args = {"margin": 1000, "retention": 0.8, "discount_rate": 0.1, "years": 5, **kwargs}
    with pytest.raises(CourseError) as err:
        simple_clv(**args)
    assert HAN.search(str(err.value))


def test_simple_clv_unlimited_without_discount_or_churn_is_refused():
    with pytest.raises(CourseError):
        simple_clv(1000, 1.0, 0.0)


# ----------------------------------------------------------------------------- retention tables
def cohort_orders() -> pd.DataFrame:
    rows = [
        ("A", "2023-01-05", 10), ("A", "2023-04-02", 10), ("A", "2023-10-01", 10),
        ("B", "2023-02-01", 10), ("B", "2023-02-20", 10), ("B", "2023-05-01", -10),
        ("C", "2023-04-10", 10), ("C", "2023-07-10", 10),
        ("D", "2023-10-31", 10),
    ]
    return pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])


def test_cohort_retention_by_hand():
    table = cohort_retention(cohort_orders(), "Q")
    assert list(table.index) == ["2023Q1", "2023Q2", "2023Q4"]
    assert list(table["customers"]) == [2, 1, 1]
    # 2023Q1 (A, B): Q2 only A bought (B's row there is a return), Q3 nobody, Q4 A again
    np.testing.assert_allclose(table.loc["2023Q1", [0, 1, 2, 3]], [1, 0.5, 0, 0.5])
    # 2023Q2 (C): C bought in Q3; Q4 is known and empty; nothing is known beyond Q4
    np.testing.assert_allclose(table.loc["2023Q2", [0, 1, 2]], [1, 1, 0])
    assert np.isnan(table.loc["2023Q2", 3]) and np.isnan(table.loc["2023Q4", 1])
    yearly = cohort_retention(cohort_orders(), "Y")
    assert list(yearly.index) == ["2023"] and yearly.loc["2023", "customers"] == 4
    with pytest.raises(CourseError):
        cohort_retention(cohort_orders(), "month")


def test_yearly_retention_by_hand():
    orders = pd.DataFrame({"customer_id": list("ABCABD"),
                           "order_date": ["2023-01-01"] * 3 + ["2024-05-01"] * 3,
                           "amount": [1, 1, 1, 1, -1, 1]})
    table = yearly_retention(orders)
    assert table.to_dict("records") == [
        {"year": 2024, "previous_buyers": 3, "retained": 1, "retention": pytest.approx(1 / 3)}]


def test_cohort_retention_on_course_orders():
    table = cohort_retention(load("orders"))
    assert table["customers"].sum() == load("orders").query("amount > 0")["customer_id"].nunique()
    assert (table[0] == 1).all()
    shares = table.drop(columns="customers").to_numpy()
    assert np.nanmax(shares) <= 1 and np.nanmin(shares) >= 0


# ---------------------------------------------------------------------------------- CLV matrix
def test_clv_matrix_has_eight_distinct_cells():
    matrix = clv_matrix()
    assert len(matrix) == 8
    combos = set(zip(matrix["acquisition_cost"], matrix["current_profit"], matrix["future_profit"]))
    assert len(combos) == 8 and matrix["cell"].nunique() == 8
    assert all(HAN.search(a) for a in matrix["action"])


def test_matrix_cells_uses_the_matrix_order():
    matrix = clv_matrix()
    high, low = 10.0, 0.0
    rows = []
    for rec in matrix.itertuples():
        level = {"高": high, "低": low}
        rows.append((level[rec.acquisition_cost], level[rec.current_profit],
                     level[rec.future_profit]))
    values = pd.DataFrame(rows, columns=["acquisition_cost", "current_profit", "future_profit"])
    cells = matrix_cells(values)  # median 5: 10 is high, 0 low
    assert list(cells["cell"].astype(str)) == list(matrix["cell"])
    with pytest.raises(CourseError):
        matrix_cells(values, split="max")
    with pytest.raises(CourseError):
        matrix_cells(values.drop(columns="future_profit"))


def test_customer_values_by_hand():
    orders = pd.DataFrame({
        "customer_id": ["A", "A", "B", "C"],
        "order_date": pd.to_datetime(["2023-06-01", "2024-03-01", "2024-06-01", "2024-07-01"]),
        "amount": [999.0, 400.0, 200.0, 100.0],
    })
    customers = pd.DataFrame({"customer_id": ["A", "B", "C"], "channel": ["门店", "门店", "网店"],
                              "satisfaction": ["满意", "满意", "满意"],
                              "churned": [False, True, False]})
    values = customer_values(orders, customers, {"门店": 300, "网店": 50}, margin_rate=0.5,
                             years=2, discount_rate=0.0).set_index("customer_id")
    assert values.loc["A", "current_profit"] == 200  # only the last 12 months count
    assert values.loc["A", "retention"] == pytest.approx(2 / 3)  # one of the three churned
    assert values.loc["A", "future_profit"] == pytest.approx(200 * (1 + 2 / 3))
    assert values.loc["B", "future_profit"] == 0  # already gone
    assert values.loc["C", "acquisition_cost"] == 50
    with pytest.raises(CourseError):
        customer_values(orders, customers, {"门店": 300})


# ------------------------------------------------------------------------- charts and catalog
def test_charts_have_no_missing_glyphs(cdnow, cdnow_bgnbd):
    track = tracking_table(cdnow_bgnbd, cdnow, CALIBRATION_END, 78, date_col="date")
    with glyph_warnings() as found:
        for fig in (cohort_chart(cohort_retention(load("orders"))), tracking_chart(track, 39)):
            fig.savefig(io.BytesIO(), format="png")
    assert found == []


def test_catalog_languages_have_the_same_keys():
    folder = REPO_ROOT / "course" / "core" / "locale"
    zh = yaml.safe_load((folder / "zh_CN" / "clv.yaml").read_text(encoding="utf-8"))
    en = yaml.safe_load((folder / "en" / "clv.yaml").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys() and len(zh) > 20
