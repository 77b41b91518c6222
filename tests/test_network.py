"""Tests for course.network: the three importance measures, influence, activity, the chart."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.core.plotting import glyph_warnings
from course.network import (
    activity_table,
    dependency_graph,
    importance_table,
    influence_table,
    network_chart,
    network_figure,
    social_segments,
    social_summary,
    top_by,
)


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def referrals() -> pd.DataFrame:
    # H referred five people; S referred only one person — but that person is H.
    rows = [("H", f"F{i}", "推荐", f"2024-0{i + 1}-01") for i in range(5)]
    rows += [("S", "H", "影响", "2023-05-01"), ("F0", "F1", "影响", "2024-11-20"),
             ("X", "S", "推荐", "2022-01-01"), ("X", "Y", "推荐", "2022-02-01")]
    return pd.DataFrame(rows, columns=["referrer_id", "referred_id", "relation", "created_at"]
                        ).assign(created_at=lambda d: pd.to_datetime(d["created_at"]))


def test_graph_points_from_referred_to_referrer(referrals):
    g = dependency_graph(referrals)
    assert g.has_edge("F0", "H") and not g.has_edge("H", "F0")
    assert dependency_graph(referrals, relation="推荐").number_of_edges() == 7
    with pytest.raises(CourseError, match="推荐"):
        dependency_graph(referrals, relation="朋友")


def test_three_principles(referrals):
    table = importance_table(dependency_graph(referrals)).set_index("customer_id")
    assert table.loc["H", "in_degree"] == 5          # five people depend on H
    assert table.loc["H", "degree"] == 6             # ... and H knows S too
    assert table.loc["F0", "degree"] == 2 and table.loc["F0", "in_degree"] == 1
    assert table["pagerank"].sum() == pytest.approx(1.0)
    # S has one dependant, like F0, but that dependant is the hub: the neighbour makes S important
    assert table.loc["S", "in_degree"] == table.loc["F0", "in_degree"]
    assert table.loc["S", "pagerank"] > 3 * table.loc["F0", "pagerank"]
    assert top_by(table.reset_index(), "in_degree", 1) == ["H"]
    with pytest.raises(CourseError):
        top_by(table.reset_index(), "fame")


def test_pagerank_matches_networkx(referrals):
    import networkx as nx

    from course import load

    for g in (dependency_graph(referrals), dependency_graph(load("referrals"))):
        ours = importance_table(g).set_index("customer_id")["pagerank"]
        theirs = pd.Series(nx.pagerank(g, alpha=0.85, tol=1e-12))
        pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), check_names=False,
                                       atol=1e-6, rtol=0)


def test_influence_counts_kinds_reach_and_revenue(referrals):
    orders = pd.DataFrame({"customer_id": ["F0", "F0", "F1", "H"], "amount": [100.0, -20.0, 50.0, 999.0]})
    inf = influence_table(referrals, orders).set_index("customer_id")
    assert (inf.loc["H", "referred"], inf.loc["H", "influenced"]) == (5, 0)
    assert inf.loc["S", "reach_2"] == 6            # H plus H's five
    assert inf.loc["X", "reach_2"] == 3            # S, Y and (through S) H
    assert inf.loc["H", "referred_revenue"] == pytest.approx(130.0)
    assert inf.loc["S", "referred_revenue"] == 0   # 影响 brings no new revenue by definition


def test_activity_window(referrals):
    # the window is (as_of - days, as_of]: 2024-01-01 lies exactly 365 days back and drops out
    act = activity_table(referrals, as_of="2024-12-31", days=365).set_index("customer_id")
    assert act.loc["H", "recent_shares"] == 4 and act.loc["H", "active_months"] == 4
    assert act.loc["X", "recent_shares"] == 0
    assert act.loc["F0", "days_since_last"] == 41
    earlier = activity_table(referrals, as_of="2024-03-15").set_index("customer_id")
    assert earlier.loc["H", "recent_shares"] == 3   # later shares are not counted yet


def test_social_segments(referrals):
    seg = social_segments(influence_table(referrals), activity_table(referrals, "2025-01-01"),
                          min_reach=3, min_recent=2).set_index("customer_id")
    assert seg.loc["H", "social_segment"] == "意见领袖"
    assert seg.loc["X", "social_segment"] == "沉睡的影响者"
    summary = social_summary(seg.reset_index())
    assert summary["customers"].sum() == len(seg) and summary["action"].str.len().min() > 5


def test_bad_input():
    with pytest.raises(CourseError, match="referred_id"):
        dependency_graph(pd.DataFrame({"referrer_id": ["a"]}))
    with pytest.raises(CourseError):
        importance_table("not a graph")


def test_chart_has_no_missing_glyphs(referrals):
    import io

    g = dependency_graph(referrals)
    fig = network_figure(g, top=2)
    with glyph_warnings() as found:
        fig.savefig(io.BytesIO(), format="png")
    assert found == []
    labels = " ".join(text.get_text() for text in fig.axes[0].texts)
    for customer in top_by(importance_table(g), "pagerank", 2):
        assert customer in labels
    assert "matplotlib.pyplot" not in str(type(fig.canvas))
    image = network_chart(g, top=2)
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(CourseError):
        network_chart(g, top=0)
