"""Tests for the scorecard explorer widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.credit import assign_grades, auc, fit_scorecard, grade_report
from course.widgets.scorecard_explorer import prepare_scorecard, scorecard_explorer, scorecard_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def apps() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 1500
    overdue = rng.poisson(1.2, n)
    debt = rng.uniform(0.1, 0.95, n)
    years = rng.integers(0, 20, n)
    logit = -2.4 + 0.8 * overdue + 2.5 * (debt - 0.5) - 0.05 * years
    return pd.DataFrame({
        "customer_id": None,
        "applied_at": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 730, n), "D"),
        "industry": rng.choice(["零售", "餐饮"], n),
        "years_in_business": years,
        "annual_revenue_wan": rng.lognormal(5.5, 1, n).round(1),
        "past_overdue_count": overdue,
        "avg_order_amount": rng.lognormal(7.5, 0.8, n).round(1),
        "debt_ratio": debt.round(2),
        "defaulted": rng.random(n) < 1 / (1 + np.exp(-logit)),
    })


def test_view_agrees_with_credit_functions(apps):
    base = prepare_scorecard(apps)
    view = scorecard_view(base, "default", [620, 580, 540, 480], rules=False, sample="holdout")
    card = fit_scorecard(base.train)
    scores = card.score(base.holdout)
    expected = grade_report(assign_grades(scores, [620, 580, 540, 480]), base.holdout["defaulted"])
    pd.testing.assert_frame_equal(view.report, expected)
    assert view.auc == pytest.approx(auc(scores, base.holdout["defaulted"]))
    assert f"{view.auc:.3f}" in view.caption
    assert view.table_html.count("<tr>") == 6


def test_cutoffs_move_applications_between_grades(apps):
    base = prepare_scorecard(apps)
    strict = scorecard_view(base, cutoffs=[700, 650, 600, 550]).report.set_index("grade")
    loose = scorecard_view(base, cutoffs=[560, 520, 480, 440]).report.set_index("grade")
    assert loose.loc["A", "applications"] > strict.loc["A", "applications"]
    assert loose.loc["E", "applications"] < strict.loc["E", "applications"]


def test_binning_and_sample_change_the_view_and_repeat_exactly(apps):
    base = prepare_scorecard(apps)
    a = scorecard_view(base, 3, sample="train")
    b = scorecard_view(base, "default", sample="train")
    assert a.card.cuts != b.card.cuts
    again = scorecard_view(base, 3, sample="train")
    assert (a.caption, a.table_html, a.chart_html) == (again.caption, again.table_html,
                                                        again.chart_html)
    with pytest.raises(CourseError):
        scorecard_view(base, 7)
    with pytest.raises(CourseError):
        scorecard_view(base, sample="everything")


def test_widget_reports_bad_cutoffs_instead_of_crashing(apps):
    box = scorecard_explorer(apps)
    assert box.view is not None
    box.controls["cut_A"].value = 400          # now below the B line
    assert box.view is None and "从高到低" in box.caption.value
    box.controls["cut_A"].value = 700
    assert box.view is not None and box.view.cutoffs[0] == 700
