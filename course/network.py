"""Social value of customers (module M09): who matters in the referral network, and why.

The referrals table has one row per relation ``referrer_id → referred_id`` (推荐: the referred
person became a customer; 影响: an existing customer bought after the other's sharing).

We turn it into a *dependency* graph whose arrows point the other way, from the person who came
(or bought) to the person they came through: "I am here because of you". Then the seed's three
principles of importance are three plain network measures::

    graph = dependency_graph(referrals)
    importance_table(graph)   # degree (many know you), in_degree (many depend on you),
                              # pagerank (your neighbours are important)

``influence_table`` and ``activity_table`` give the two social-value models of the seed (influence:
how many people and how much revenue a customer brings; activity: how often they shared lately),
``social_segments`` combines them into four groups, and ``network_chart`` draws the influencers.

matplotlib's Figure is imported with the module (in a lesson, the import cell pays for it, not the
chart cell); networkx is imported inside the functions that need it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from course.core.i18n import CourseError, choices, t

REFERRAL_COLUMNS = ["referrer_id", "referred_id", "relation", "created_at"]
RELATIONS = ["推荐", "影响"]
DAMPING = 0.85  # PageRank's usual "keep following links" probability

# Four social groups: influence high/low × activity high/low (names from the catalog).
SOCIAL_SEGMENTS = ["social_leader", "social_sleeping", "social_sharer", "social_quiet"]


def _require_referrals(referrals) -> None:
    if not isinstance(referrals, pd.DataFrame):
        raise CourseError("network.not_a_table", kind=type(referrals).__name__)
    missing = [c for c in REFERRAL_COLUMNS[:2] if c not in referrals.columns]
    if missing:
        raise CourseError("network.missing_columns", missing=choices(missing),
                          found=choices(referrals.columns) or "—")


def _relations(referrals: pd.DataFrame, relation) -> pd.DataFrame:
    if relation is None:
        return referrals
    if relation not in RELATIONS:
        raise CourseError("network.bad_relation", relation=relation, valid=choices(RELATIONS))
    return referrals[referrals["relation"] == relation]


# ----------------------------------------------------------------------------------------------
# The graph and the three principles
# ----------------------------------------------------------------------------------------------
def dependency_graph(referrals: pd.DataFrame, relation: str | None = None):
    """A networkx DiGraph with an arrow referred → referrer for every relation (or one kind)."""
    import networkx as nx

    _require_referrals(referrals)
    rows = _relations(referrals, relation)
    graph = nx.DiGraph()
    graph.add_edges_from(zip(rows["referred_id"], rows["referrer_id"]))
    graph.remove_edges_from(nx.selfloop_edges(graph))  # recommending yourself says nothing
    return graph


def importance_table(graph) -> pd.DataFrame:
    """One row per customer: degree, in_degree, out_degree, pagerank and the rank of each.

    * ``degree``: how many different people are linked to you, whatever the direction;
    * ``in_degree``: how many people came or bought because of you (depend on you);
    * ``pagerank``: a share of 1 that flows along the arrows, so being depended on by people who
      are themselves depended on counts for more.

    Sorted by pagerank, largest first (ties by customer id).
    """
    import networkx as nx

    if not isinstance(graph, nx.DiGraph):
        raise CourseError("network.not_a_graph", kind=type(graph).__name__)
    if graph.number_of_nodes() == 0:
        raise CourseError("network.empty")
    nodes = sorted(graph.nodes)
    undirected = graph.to_undirected(as_view=True)
    rank = dict(zip(nodes, pagerank(graph, nodes)))
    out = pd.DataFrame(
        {
            "customer_id": nodes,
            "degree": [undirected.degree(n) for n in nodes],
            "in_degree": [graph.in_degree(n) for n in nodes],
            "out_degree": [graph.out_degree(n) for n in nodes],
            "pagerank": [rank[n] for n in nodes],
        }
    )
    for col in ("degree", "in_degree", "pagerank"):
        # rank 1 = most important; equal values share the best rank ("min")
        out[f"{col}_rank"] = out[col].rank(ascending=False, method="min").astype(int)
    return out.sort_values(["pagerank", "customer_id"], ascending=[False, True],
                           ignore_index=True)


def pagerank(graph, nodes: list, damping: float = DAMPING, tol: float = 1e-10) -> np.ndarray:
    """PageRank by plain power iteration (the same numbers as ``networkx.pagerank``).

    Every round each customer keeps ``1 - damping`` spread evenly over everybody and passes
    ``damping`` of its score in equal parts along its arrows; customers without arrows spread
    theirs over everybody. Written out here because networkx's version needs scipy, whose import
    alone takes longer than a lesson cell may.
    """
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    src = np.array([index[a] for a, _ in graph.edges], dtype=np.int64)
    dst = np.array([index[b] for _, b in graph.edges], dtype=np.int64)
    out_deg = np.bincount(src, minlength=n).astype(float)
    dangling = out_deg == 0
    score = np.full(n, 1.0 / n)
    for _ in range(200):
        share = np.where(dangling, 0.0, score / np.maximum(out_deg, 1.0))
        new = np.bincount(dst, weights=share[src], minlength=n) * damping
        new += (damping * score[dangling].sum() + 1.0 - damping) / n
        done = np.abs(new - score).sum() < tol * n
        score = new
        if done:
            break
    return score / score.sum()


def top_by(table: pd.DataFrame, measure: str, n: int = 10) -> list[str]:
    """The ``n`` customer ids ranked highest by ``measure`` (ties broken by customer id)."""
    valid = ["degree", "in_degree", "out_degree", "pagerank"]
    if measure not in valid:
        raise CourseError("network.bad_measure", measure=measure, valid=choices(valid))
    ordered = table.sort_values([measure, "customer_id"], ascending=[False, True])
    return ordered["customer_id"].head(n).tolist()


# ----------------------------------------------------------------------------------------------
# Social value models: influence and activity
# ----------------------------------------------------------------------------------------------
def influence_table(referrals: pd.DataFrame, orders: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per customer who referred or influenced anybody.

    ``referred`` and ``influenced`` count the two kinds of relation; ``reach_2`` counts the
    different people reached in one or two steps (the people you brought, and the people *they*
    brought). With ``orders``, ``referred_revenue`` is the net revenue of the people you referred
    (推荐 only: influenced people were customers already).
    """
    _require_referrals(referrals)
    pairs = referrals[["referrer_id", "referred_id"]]
    kind = referrals["relation"].astype(str) if "relation" in referrals else "推荐"
    counts = (pd.DataFrame({"customer_id": pairs["referrer_id"], "kind": kind})
              .value_counts().unstack(fill_value=0))
    out = pd.DataFrame({
        "referred": counts.get("推荐", 0),
        "influenced": counts.get("影响", 0),
    }, index=counts.index).astype(int)

    # two steps: my contacts, plus the contacts of my contacts (self excluded)
    step1 = pairs.drop_duplicates()
    step2 = step1.merge(step1, left_on="referred_id", right_on="referrer_id",
                        suffixes=("", "_2"))[["referrer_id", "referred_id_2"]]
    step2.columns = ["referrer_id", "referred_id"]
    reach = pd.concat([step1, step2]).drop_duplicates()
    reach = reach[reach["referrer_id"] != reach["referred_id"]]
    out["reach_2"] = reach.groupby("referrer_id").size().reindex(out.index, fill_value=0)

    if orders is not None:
        revenue = orders.groupby("customer_id")["amount"].sum()
        brought = referrals[kind == "推荐"]
        per = brought["referred_id"].map(revenue).fillna(0.0).groupby(brought["referrer_id"]).sum()
        out["referred_revenue"] = per.reindex(out.index, fill_value=0.0).round(2)
    out.index.name = "customer_id"
    out = out.reset_index()
    return out.sort_values(["reach_2", "customer_id"], ascending=[False, True],
                           ignore_index=True)


def activity_table(referrals: pd.DataFrame, as_of="2025-01-01", days: int = 365) -> pd.DataFrame:
    """One row per sharer: how often they shared in the last ``days`` days up to ``as_of``.

    ``recent_shares`` (relations they started in the window), ``active_months`` (different
    calendar months with a share in the window), ``days_since_last`` (since their last share).
    """
    _require_referrals(referrals)
    if "created_at" not in referrals.columns:
        raise CourseError("network.missing_columns", missing="created_at",
                          found=choices(referrals.columns))
    day = pd.Timestamp(as_of).normalize()
    when = pd.to_datetime(referrals["created_at"])
    upto = referrals[when <= day]
    when = when[when <= day]
    recent = when > day - pd.Timedelta(days=days)
    who = upto["referrer_id"]
    out = pd.DataFrame({
        "recent_shares": recent.groupby(who).sum().astype(int),
        "active_months": when[recent].dt.to_period("M").groupby(who[recent]).nunique(),
        "days_since_last": (day - when.groupby(who).max()).dt.days,
    })
    out["active_months"] = out["active_months"].fillna(0).astype(int)
    out.index.name = "customer_id"
    return out.reset_index().sort_values(["recent_shares", "customer_id"],
                                         ascending=[False, True], ignore_index=True)


def social_segments(influence: pd.DataFrame, activity: pd.DataFrame,
                    min_reach: int = 10, min_recent: int = 3) -> pd.DataFrame:
    """Influence × activity in four groups (意见领袖 / 沉睡的影响者 / 活跃分享者 / 普通分享者).

    High influence: ``reach_2 >= min_reach``; active: ``recent_shares >= min_recent``.
    """
    table = influence.merge(activity, on="customer_id", how="left")
    table[["recent_shares", "active_months"]] = (
        table[["recent_shares", "active_months"]].fillna(0).astype(int))
    strong = table["reach_2"] >= min_reach
    active = table["recent_shares"] >= min_recent
    code = np.where(strong, np.where(active, 0, 1), np.where(active, 2, 3))
    names = [t(f"network.{key}") for key in SOCIAL_SEGMENTS]
    table["social_segment"] = pd.Categorical.from_codes(code, categories=names, ordered=True)
    return table


def social_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """One row per social group: customers, people reached, suggested action."""
    groups = segmented.groupby("social_segment", observed=False)
    out = pd.DataFrame({
        "customers": groups.size(),
        "avg_reach_2": groups["reach_2"].mean().round(1),
        "avg_recent_shares": groups["recent_shares"].mean().round(1),
    })
    out["action"] = [t(f"network.{key}_action") for key in SOCIAL_SEGMENTS]
    out.index.name = "social_segment"
    return out.reset_index()


# ----------------------------------------------------------------------------------------------
# The network chart
# ----------------------------------------------------------------------------------------------
def _layout(graph, hubs: list[str], seed: int) -> dict:
    """Hubs on a circle, each hub's own contacts fanned around it, shared contacts in between.

    A force-directed layout of the whole network takes ~20 s; this one is instant, and it shows
    exactly what the lesson needs: who gathers whom.
    """
    rng = np.random.default_rng(seed)
    k = len(hubs)
    angles = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
    pos = {h: np.array([np.cos(a), np.sin(a)]) for h, a in zip(hubs, angles)}
    hub_set = set(hubs)
    undirected = graph.to_undirected(as_view=True)
    others: dict[str, list[str]] = {}
    for hub in hubs:
        for nb in sorted(undirected.neighbors(hub)):
            if nb not in hub_set:
                others.setdefault(nb, []).append(hub)
    for node in sorted(others):
        owners = others[node]
        centre = np.mean([pos[h] for h in owners], axis=0)
        if len(owners) == 1:  # a ring around its one hub, away from the middle of the picture
            angle = rng.uniform(0, 2 * np.pi)
            radius = rng.uniform(0.18, 0.34)
            pos[node] = centre + radius * np.array([np.cos(angle), np.sin(angle)])
        else:  # a bridge between hubs
            pos[node] = centre + rng.normal(0, 0.04, 2)
    return pos


def network_figure(graph, importance: pd.DataFrame | None = None, top: int = 8,
                   measure: str = "pagerank", seed: int = 7):
    """A matplotlib Figure of the ``top`` customers by ``measure`` and everybody directly linked
    to them.

    Influencers are the large orange dots, labelled with their rank and id; grey lines are the
    relations (no arrow heads: hundreds of them only add clutter). A relation between two
    influencers is an orange arrow pointing at the one depended on. Built without pyplot (see
    ``network_chart``).
    """
    from course.core.plotting import ACCENT_COLOR, BASE_COLOR, MUTED_COLOR, use_chinese_font

    if importance is None:
        importance = importance_table(graph)
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or not 1 <= top <= 20:
        raise CourseError("network.bad_top", top=top)
    hubs = top_by(importance, measure, int(top))
    pos = _layout(graph, hubs, seed)
    hub_set = set(hubs)
    edges = [(a, b) for a, b in graph.edges if a in pos and b in pos]

    use_chinese_font()
    fig = Figure(figsize=(7.5, 6.2))
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.9))  # fixed box: a layout engine only costs time here
    ax.set_title(t("network.chart_title", top=len(hubs), measure=t(f"network.measure_{measure}")),
                 loc="left", fontsize=13, pad=10)
    plain = [(a, b) for a, b in edges if not (a in hub_set and b in hub_set)]
    ax.add_collection(LineCollection([(pos[a], pos[b]) for a, b in plain],
                                     colors=MUTED_COLOR, linewidths=0.5, alpha=0.6))
    # Links between two influencers carry the "important neighbours" story: draw them as arrows
    for a, b in edges:
        if a in hub_set and b in hub_set:
            ax.annotate("", xy=pos[b], xytext=pos[a], zorder=2,
                        arrowprops={"arrowstyle": "-|>", "color": ACCENT_COLOR, "lw": 1.6,
                                    "shrinkA": 9, "shrinkB": 11})
    small = [n for n in pos if n not in hub_set]
    xy = np.array([pos[n] for n in small]) if small else np.empty((0, 2))
    ax.scatter(xy[:, 0], xy[:, 1], s=9, color=BASE_COLOR, alpha=0.7, linewidths=0,
               label=t("network.chart_contacts"))
    sizes = importance.set_index("customer_id")[measure].reindex(hubs).to_numpy(dtype=float)
    sizes = 120 + 600 * sizes / sizes.max() if sizes.max() > 0 else np.full(len(hubs), 200.0)
    hxy = np.array([pos[h] for h in hubs])
    ax.scatter(hxy[:, 0], hxy[:, 1], s=sizes, color=ACCENT_COLOR, edgecolors="white",
               linewidths=1.2, zorder=3, label=t("network.chart_hubs"))
    for i, hub in enumerate(hubs, start=1):
        ax.annotate(t("network.chart_label", rank=i, customer=hub), pos[hub], xytext=(0, 12),
                    textcoords="offset points", ha="center", fontsize=9, zorder=4)
    ax.set_aspect("equal")
    ax.autoscale()
    ax.margins(0.08)
    ax.axis("off")
    ax.legend(loc="lower left", fontsize=9, frameon=False, markerscale=0.6)
    return fig


def network_chart(graph, importance: pd.DataFrame | None = None, top: int = 8,
                  measure: str = "pagerank", seed: int = 7, dpi: int = 90):
    """The network picture as a PNG image that a notebook shows when it ends a cell.

    Why an image and not a pyplot figure: importing pyplot costs about a second, more than a
    lesson cell may take; a bare matplotlib Figure rendered to PNG needs no pyplot at all.
    """
    import io

    from IPython.display import Image

    buffer = io.BytesIO()
    network_figure(graph, importance, top, measure, seed).savefig(buffer, format="png", dpi=dpi)
    return Image(data=buffer.getvalue(), format="png")


__all__ = [
    "RELATIONS", "dependency_graph", "importance_table", "pagerank", "top_by", "influence_table",
    "activity_table", "social_segments", "social_summary", "network_figure", "network_chart",
]
