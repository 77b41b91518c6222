"""Tests for course.satisfaction: NPS and its interval, CSAT, CES, key drivers, IPA quadrants."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.core.plotting import glyph_warnings
from course.satisfaction import (
    ATTRIBUTES,
    ces_low_effort,
    csat_chart,
    csat_distribution,
    csat_score,
    ipa_chart,
    ipa_quadrants,
    key_drivers,
    nps,
    nps_bootstrap,
    nps_counts,
    nps_from_counts,
    nps_group,
    nps_interval,
    nps_table,
    rate_by,
    survey_indicators,
    with_segments,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def surveys() -> pd.DataFrame:
    """Synthetic answers where csat is driven by speed and after_sales, not by price."""
    rng = np.random.default_rng(7)
    n = 600
    data = {a: rng.integers(1, 6, n) for a in ATTRIBUTES}
    drive = 0.5 * data["speed"] + 0.5 * data["after_sales"] + rng.normal(0, 0.4, n)
    data["csat"] = np.clip(np.round(drive), 1, 5).astype(int)
    data["nps"] = np.clip(np.round(2 * drive + rng.normal(0, 1, n)), 0, 10).astype(int)
    data["ces"] = rng.integers(1, 8, n)
    data["customer_id"] = [f"C{i:05d}" for i in range(n)]
    return pd.DataFrame(data)


# ------------------------------------------------------------------------------------------ NPS
def test_nps_by_hand():
    # 3 promoters (9, 10, 10), 2 passives (7, 8), 5 detractors: (3 - 5) / 10 = -20
    scores = [9, 10, 10, 7, 8, 0, 3, 6, 6, 5]
    assert nps(scores) == pytest.approx(-20.0)
    assert nps_counts(scores) == {"promoters": 3, "passives": 2, "detractors": 5, "respondents": 10}


def test_nps_boundaries_six_and_nine():
    assert nps([6]) == -100 and nps([7]) == 0 and nps([8]) == 0 and nps([9]) == 100


def test_nps_group_labels_and_blanks():
    groups = nps_group(pd.Series([10, 8, 2, None]))
    assert list(groups[:3]) == ["推荐者", "中立者", "贬损者"]
    assert pd.isna(groups.iloc[3])


def test_nps_ignores_blanks():
    assert nps(pd.Series([10, None, 0, 10])) == pytest.approx(100 * (2 - 1) / 3)


@pytest.mark.parametrize("bad", [[11], [-1], ["abc"], [5.0, 10.5]])
def test_nps_rejects_bad_answers(bad):
    with pytest.raises(CourseError) as err:
        nps(bad)
    assert HAN.search(str(err.value))


def test_nps_of_nothing_is_an_error():
    with pytest.raises(CourseError):
        nps([])


def test_interval_matches_variance_formula():
    p, n_, d = 50, 30, 20
    res = nps_from_counts(p, n_, d)
    n = p + n_ + d
    score = 100 * (p - d) / n
    se = 100 * np.sqrt((p / n + d / n - (p / n - d / n) ** 2) / n)
    assert res["nps"] == pytest.approx(score)
    assert res["se"] == pytest.approx(se)
    assert res["ci_low"] == pytest.approx(score - 1.959964 * se, abs=1e-4)
    assert res["ci_high"] == pytest.approx(score + 1.959964 * se, abs=1e-4)


def test_interval_narrows_with_more_answers_and_widens_with_level():
    small, large = nps_from_counts(5, 3, 2), nps_from_counts(500, 300, 200)
    assert small["nps"] == pytest.approx(large["nps"])
    assert (large["ci_high"] - large["ci_low"]) < (small["ci_high"] - small["ci_low"])
    wide = nps_from_counts(500, 300, 200, level=0.99)
    assert (wide["ci_high"] - wide["ci_low"]) > (large["ci_high"] - large["ci_low"])


def test_interval_stays_within_bounds():
    res = nps_from_counts(3, 0, 0)
    assert res["nps"] == 100 and res["ci_high"] == 100 and res["ci_low"] == 100  # no spread at all
    res = nps_from_counts(9, 0, 1)
    assert -100 <= res["ci_low"] <= res["nps"] <= res["ci_high"] <= 100


@pytest.mark.parametrize("counts", [(-1, 2, 3), (1.5, 2, 3), (True, 1, 1), (0, 0, 0)])
def test_bad_counts(counts):
    with pytest.raises(CourseError):
        nps_from_counts(*counts)


def test_bootstrap_agrees_with_formula_and_is_reproducible(surveys):
    formula = nps_interval(surveys["nps"])
    boot = nps_bootstrap(surveys["nps"], n_boot=3000, seed=1)
    assert boot["nps"] == pytest.approx(formula["nps"])
    assert boot["ci_low"] == pytest.approx(formula["ci_low"], abs=1.5)
    assert boot["ci_high"] == pytest.approx(formula["ci_high"], abs=1.5)
    assert nps_bootstrap(surveys["nps"], n_boot=500, seed=3) == nps_bootstrap(
        surveys["nps"], n_boot=500, seed=3)
    assert nps_bootstrap(surveys["nps"], n_boot=500, seed=3) != nps_bootstrap(
        surveys["nps"], n_boot=500, seed=4)


def test_nps_table_by_segment(surveys):
    answers = surveys.assign(group=np.where(np.arange(len(surveys)) % 3 == 0, "甲", "乙"))
    table = nps_table(answers, by="group")
    assert list(table["group"]) == ["乙", "甲"]
    for rec in table.itertuples():
        part = answers.loc[answers["group"] == rec.group, "nps"]
        assert rec.nps == pytest.approx(nps(part))
        assert rec.respondents == len(part)
        assert rec.promoter_share + rec.passive_share + rec.detractor_share == pytest.approx(1)
        assert rec.ci_low < rec.nps < rec.ci_high
    overall = nps_table(answers)
    assert overall["nps"].item() == pytest.approx(nps(answers["nps"]))


def test_nps_table_flags_small_segments(surveys):
    answers = surveys.assign(group=["小"] * 10 + ["大"] * (len(surveys) - 10))
    flags = nps_table(answers, by="group").set_index("group")["small_sample"]
    assert flags["小"] and not flags["大"]


def test_nps_table_missing_column(surveys):
    with pytest.raises(CourseError) as err:
        nps_table(surveys, by="tier")
    assert "tier" in str(err.value)


def test_with_segments_adds_customer_columns(surveys):
    customers = pd.DataFrame({"customer_id": surveys["customer_id"], "tier": "银卡",
                              "customer_type": "个人", "phone": "13800000000"})
    out = with_segments(surveys, customers, ["tier", "customer_type"])
    assert len(out) == len(surveys)
    assert {"tier", "customer_type"} <= set(out.columns) and "phone" not in out.columns


# -------------------------------------------------------------------------------- CSAT and CES
def test_csat_distribution_lists_every_score():
    dist = csat_distribution([5, 5, 4, 1])
    assert list(dist["score"]) == [1, 2, 3, 4, 5]
    assert list(dist["answers"]) == [1, 0, 0, 1, 2]
    assert dist["share"].sum() == pytest.approx(1)
    assert dist["label"].iloc[4] == "非常满意"


def test_csat_score_is_top_two_box():
    assert csat_score([5, 4, 3, 2]) == pytest.approx(50)
    with pytest.raises(CourseError):
        csat_score([0, 5])


def test_ces_low_effort():
    assert ces_low_effort([1, 3, 4, 7]) == pytest.approx(50)
    with pytest.raises(CourseError):
        ces_low_effort([8])


def test_survey_indicators(surveys):
    table = survey_indicators(surveys)
    values = dict(zip(table["indicator"], table["value"]))
    assert values["NPS"] == pytest.approx(round(nps(surveys["nps"]), 1))
    assert values["CSAT（%）"] == pytest.approx(round(csat_score(surveys["csat"]), 1))
    assert table["reading"].map(lambda s: bool(HAN.search(s))).all()


def test_rate_by():
    answers = pd.DataFrame({"ces": [1, 1, 7, 7, 7], "churned": [False, False, True, True, False]})
    out = rate_by(answers, "ces", "churned")
    assert list(out["answers"]) == [2, 3]
    assert list(out["churned_rate"]) == pytest.approx([0.0, 2 / 3])


# -------------------------------------------------------------------------------- key drivers
def test_key_drivers_find_the_real_drivers(surveys):
    drivers = key_drivers(surveys)
    assert set(drivers["attribute"].head(2)) == {"speed", "after_sales"}
    assert drivers["importance"].is_monotonic_decreasing
    price = drivers.set_index("attribute").loc["price"]
    assert abs(price["importance"]) < 0.15 and abs(price["beta"]) < 0.15
    row = drivers.set_index("attribute").loc["speed"]
    assert row["performance"] == pytest.approx(surveys["speed"].mean())
    assert row["importance"] == pytest.approx(surveys["speed"].corr(surveys["csat"]))
    assert row["label"] == "响应与送装速度"


def test_key_drivers_constant_attribute_gets_zero(surveys):
    flat = surveys.assign(price=3)
    row = key_drivers(flat).set_index("attribute").loc["price"]
    assert row["importance"] == 0 and row["beta"] == 0


def test_key_drivers_subset_and_errors(surveys):
    assert list(key_drivers(surveys, ["price", "speed"])["attribute"]) == ["speed", "price"]
    with pytest.raises(CourseError):
        key_drivers(surveys, [])
    with pytest.raises(CourseError):
        key_drivers(surveys, ["smell"])


def test_ipa_quadrants():
    drivers = pd.DataFrame({"label": list("abcd"), "importance": [0.9, 0.8, 0.1, 0.2],
                            "performance": [4.5, 2.0, 2.1, 4.4]})
    out = ipa_quadrants(drivers)
    assert list(out["quadrant"]) == ["keep", "fix", "later", "overkill"]
    assert list(out["quadrant_label"]) == ["继续保持", "优先改进", "暂缓改进", "避免过度投入"]
    assert out.attrs["importance_cut"] == pytest.approx(0.5)
    # explicit cuts move points between quadrants; a point on the line counts as low
    moved = ipa_quadrants(drivers, importance_cut=0.85, performance_cut=4.5)
    assert list(moved["quadrant"]) == ["fix", "later", "later", "later"]


def test_charts_draw_chinese_without_missing_glyphs(surveys):
    import io

    figures = [ipa_chart(ipa_quadrants(key_drivers(surveys))),
               csat_chart(csat_distribution(surveys["csat"]))]
    for fig in figures:
        with glyph_warnings() as found:
            fig.savefig(io.BytesIO(), format="png")
        assert found == []
    texts = [t.get_text() for t in figures[0].axes[0].texts]
    assert "优先改进" in texts and "继续保持" in texts


def test_on_the_course_data():
    from course import load

    surveys = load("surveys")
    table = nps_table(surveys)
    counts = nps_counts(surveys["nps"])
    assert table["respondents"].item() == len(surveys) == counts["respondents"]
    drivers = key_drivers(surveys)
    assert len(drivers) == len(ATTRIBUTES)
