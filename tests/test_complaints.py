"""Tests for course.complaints: hours and SLA flags by hand, indicators, Pareto, re-purchase."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.complaints import (
    category_pareto,
    complaint_iceberg,
    complaint_times,
    recovery_group,
    recovery_labels,
    repurchase_by_hours,
    repurchase_by_recovery,
    repurchase_chart,
    sla_by,
    sla_summary,
)
from course.core.i18n import CourseError
from course.core.plotting import pareto_chart

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def tiny_log() -> pd.DataFrame:
    """Five complaints whose hours and flags can be worked out by hand."""
    rows = [
        # created, first response, resolved, category, escalated, fcr, outcome, repurchased
        ("2024-01-01 09:00", "2024-01-01 09:30", "2024-01-01 12:00", "配送", False, True, "已解决", True),
        ("2024-01-02 10:00", "2024-01-02 11:00", "2024-01-03 10:00", "配送", False, False, "已解决", True),
        ("2024-01-03 08:00", "2024-01-03 09:01", "2024-01-03 10:00", "质量", True, False, "已解决", False),
        ("2024-01-04 08:00", "2024-01-04 08:10", None, "质量", True, False, "部分解决", False),
        ("2024-01-05 08:00", "2024-01-05 15:00", None, "态度", False, False, "未解决", True),
    ]
    frame = pd.DataFrame(rows, columns=["created_at", "first_response_at", "resolved_at", "category",
                                        "escalated", "first_contact_resolved", "outcome", "repurchased"])
    for col in ("created_at", "first_response_at", "resolved_at"):
        frame[col] = pd.to_datetime(frame[col])
    frame.insert(0, "complaint_id", [f"T{i}" for i in range(1, 6)])
    frame["channel"] = ["热线", "热线", "微信", "微信", "门店"]
    return frame


def test_complaint_times_by_hand():
    timed = complaint_times(tiny_log())
    np.testing.assert_allclose(timed["response_hours"], [0.5, 1.0, 61 / 60, 10 / 60, 7.0])
    np.testing.assert_allclose(timed["resolution_hours"], [3.0, 24.0, 2.0, np.nan, np.nan])
    # the limits are inclusive: exactly 1 h / 24 h meets them, one minute more does not
    assert timed["response_ok"].tolist() == [True, True, False, True, False]
    assert timed["resolution_ok"].tolist() == [True, True, True, False, False]
    assert timed["within_sla"].tolist() == [True, True, False, False, False]


def test_complaint_times_does_not_change_input():
    log = tiny_log()
    before = log.copy()
    complaint_times(log)
    pd.testing.assert_frame_equal(log, before)


def test_other_limits_change_the_flags():
    timed = complaint_times(tiny_log(), response_limit=0.25, resolution_limit=2)
    assert timed["response_ok"].tolist() == [False, False, False, True, False]
    assert timed["resolution_ok"].tolist() == [False, False, True, False, False]


def test_text_times_and_yes_no_flags_are_accepted():
    log = tiny_log()
    for col in ("created_at", "first_response_at", "resolved_at"):
        log[col] = log[col].dt.strftime("%Y-%m-%d %H:%M").where(log[col].notna(), None)
    log["escalated"] = log["escalated"].map({True: "是", False: "否"})
    pd.testing.assert_frame_equal(sla_summary(log), sla_summary(tiny_log()))


def test_sla_summary_by_hand():
    summary = sla_summary(tiny_log()).set_index("metric")
    assert summary.loc["response_ok", "count"] == 3
    assert summary.loc["resolution_ok", "count"] == 3
    assert summary.loc["within_sla", "count"] == 2
    assert summary.loc["first_contact_resolved", "count"] == 1
    assert summary.loc["escalated", "count"] == 2
    assert summary.loc["resolved", "count"] == 3
    assert (summary["total"] == 5).all()
    np.testing.assert_allclose(summary["rate"], summary["count"] / 5)
    assert all(HAN.search(label) for label in summary["label"])


def test_sla_by_channel_by_hand():
    table = sla_by(tiny_log(), "channel").set_index("channel")
    assert table.loc["热线", "complaints"] == 2
    assert table.loc["热线", "response_ok"] == 1.0
    assert table.loc["微信", "response_ok"] == 0.5
    assert table.loc["门店", "resolved"] == 0.0
    assert table["complaints"].sum() == 5


def test_category_pareto_by_hand():
    pareto = category_pareto(tiny_log())
    assert pareto["category"].tolist() == ["质量", "配送", "态度"]  # tie 2:2 broken by name
    assert pareto["complaints"].tolist() == [2, 2, 1]
    np.testing.assert_allclose(pareto["cum_share"], [0.4, 0.8, 1.0])
    # the group that takes the total to 80% still belongs to the vital few, the next does not
    assert pareto["vital_few"].tolist() == [True, True, False]
    assert pareto_chart(pareto) is not None


def test_recovery_groups_by_hand():
    groups = recovery_group(tiny_log())
    labels = recovery_labels()
    assert groups.tolist() == [labels[0], labels[0], labels[1], labels[2], labels[3]]


def test_repurchase_by_recovery_by_hand():
    table = repurchase_by_recovery(tiny_log())
    assert table["complaints"].tolist() == [2, 1, 1, 1, 3]
    assert table["repurchased"].tolist() == [2, 0, 0, 1, 2]
    np.testing.assert_allclose(table["repurchase_rate"], [1.0, 0.0, 0.0, 1.0, 2 / 3])


def test_repurchase_by_hours_by_hand():
    table = repurchase_by_hours(tiny_log(), edges=(0, 4, 24, np.inf))
    assert table["complaints"].tolist() == [2, 1, 0]
    np.testing.assert_allclose(table["repurchase_rate"][:2], [0.5, 1.0])
    assert np.isnan(table["repurchase_rate"][2])
    assert all(HAN.search(b) for b in table["band"])


@pytest.mark.parametrize(
    "call, key",
    [
        (lambda: sla_summary("not a table"), "complaints.not_a_table"),
        (lambda: sla_summary(tiny_log().drop(columns=["created_at"])), "complaints.missing_columns"),
        (lambda: complaint_times(tiny_log(), response_limit=0), "complaints.bad_limit"),
        (lambda: complaint_times(tiny_log(), resolution_limit="24"), "complaints.bad_limit"),
        (lambda: category_pareto(tiny_log(), cutoff=1.5), "complaints.bad_cutoff"),
        (lambda: sla_by(tiny_log(), "region"), "complaints.missing_columns"),
        (lambda: repurchase_by_hours(tiny_log(), edges=(0, 24, 4)), "complaints.bad_edges"),
        (lambda: sla_summary(tiny_log().assign(escalated=["x", "是", "否", "是", "否"])), "complaints.bad_flags"),
        (lambda: complaint_times(tiny_log().assign(created_at="昨天")), "complaints.bad_dates"),
    ],
)
def test_errors_are_chinese(call, key):
    with pytest.raises(CourseError) as info:
        call()
    assert info.value.key == key
    assert HAN.search(str(info.value))


# ------------------------------------------------------------------ the course's complaint log
@pytest.fixture(scope="module")
def log():
    from course.data import load

    return load("complaints")


def test_real_log_reproduces_the_rule_of_thumb(log):
    # computed, not typed: ~70% of resolved complainers buy again, ~95% when fixed fast
    table = repurchase_by_recovery(log).set_index("recovery")
    labels = recovery_labels()
    fast = table.loc[labels[0], "repurchase_rate"]
    every_resolved = table.loc[table.index[-1], "repurchase_rate"]
    assert abs(every_resolved - 0.70) < 0.03
    assert abs(fast - 0.95) < 0.03
    # and the order the lesson teaches: fast > slow > partial > none
    rates = table["repurchase_rate"].tolist()[:4]
    assert rates == sorted(rates, reverse=True)


def test_real_log_consistent_views(log):
    summary = sla_summary(log).set_index("metric")
    assert summary.loc["resolved", "count"] == (log["outcome"] == "已解决").sum()
    timed = complaint_times(log)
    assert summary.loc["within_sla", "count"] == timed["within_sla"].sum()
    pareto = category_pareto(log)
    assert pareto["complaints"].sum() == len(log)
    assert pareto["complaints"].is_monotonic_decreasing
    by_hours = repurchase_by_hours(log)
    assert by_hours["complaints"].sum() == (log["outcome"] == "已解决").sum()
    assert repurchase_chart(repurchase_by_recovery(log)) is not None


def test_charts_have_no_missing_glyphs(log):
    import io

    from course.core.plotting import glyph_warnings

    with glyph_warnings() as found:
        for fig in (pareto_chart(category_pareto(log)), repurchase_chart(repurchase_by_hours(log))):
            fig.savefig(io.BytesIO(), format="png")
    assert found == []


def test_iceberg_by_hand():
    customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"],
                              "satisfaction": ["不满意", "非常不满意", "满意", "不满意", "一般"]})
    log = pd.DataFrame({"customer_id": ["A", "C", "A"]})
    table = complaint_iceberg(customers, log)
    assert table["customers"].tolist() == [3, 1, 2]
    np.testing.assert_allclose(table["share"], [1.0, 1 / 3, 2 / 3])


def test_real_iceberg_most_unhappy_customers_stay_silent(log):
    from course.data import load

    table = complaint_iceberg(load("customers"), log)
    assert table["customers"][1] + table["customers"][2] == table["customers"][0]
    assert table["share"][2] > 0.9
