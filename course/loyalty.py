"""Which customers matter most and how loyal they behave (module M04): ABC classes, loyalty index.

ABC (Pareto) classification by net revenue::

    abc = abc_classes(orders)      # one row per customer, biggest first: revenue, cum_share, abc_class
    abc_summary(abc)               # one row per class: customers and revenue, counts and shares
    pareto_curve(abc)              # cumulative revenue share against cumulative customer share

A customer belongs to A while the customers ranked above them hold less than ``a_share`` (80%)
of the revenue — so the customer who crosses 80% is still A — then B up to ``b_share`` (95%), the
rest C. Customers whose net revenue is zero or negative are always C. Ties are ranked by id.

Loyalty index: seed 000 names five behaviours of a loyal customer. The data show none of them
directly, so each gets an honest, visible proxy (``LOYALTY_RULES``) and 0–20 points::

    loyalty_index(orders, referrals, feedback, surveys)   # one row per customer, index 0–100

* 持续购买 (repeat): purchases (order rows with amount > 0). The first one is not a repeat: 1 → 0
  points, 10 or more → full points, linear between.
* 转介绍有价值客户 (referral): customers this person brought in (referrals, relation 推荐) whose
  own net revenue reached the median customer's. 2 or more → full points.
* 开放资源共享 (sharing): referral-network links of type 影响 — this customer's sharing led an
  existing customer to buy. Real resource sharing (site access, purchasing plans, contacts of an
  enterprise) is not recorded; an account manager has to rate it by hand. 2 or more → full.
* 提出有价值建议 (suggestion): written feedback that points at something to improve (sentiment 负面 or
  中性, the system's automatic default review excluded). 2 or more → full points.
* 维护公司形象 (advocacy): the survey's recommend question — promoter (9–10) full points, passive
  (7–8) half; a stated intention, not observed defence. Not surveyed → 0.

"No evidence" counts as 0: a customer never surveyed cannot earn the advocacy points, so compare
customers with the same data coverage (``surveyed`` column).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.display import hide_columns, name_values
from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns

ABC_CLASSES = ["A", "B", "C"]
BEHAVIOURS = ["repeat", "referral", "sharing", "suggestion", "advocacy"]
DEFAULT_WEIGHTS = {b: 20.0 for b in BEHAVIOURS}  # equal weights, 100 points in all

# how many of each observed action earn full points (see the module text)
LOYALTY_RULES = {"repeat": 10, "referral": 2, "sharing": 2, "suggestion": 2, "advocacy": 9}
_DEFAULT_REVIEW = "默认好评"  # the marketplace's automatic review: the customer wrote nothing


def behaviour_label(behaviour: str) -> str:
    return t(f"loyalty.behaviour_{behaviour}")


# ----------------------------------------------------------------------------------------------
# ABC / Pareto
# ----------------------------------------------------------------------------------------------
def customer_revenue(orders: pd.DataFrame, *, customer_col: str = "customer_id",
                     amount_col: str = "amount") -> pd.Series:
    """Net revenue per customer (purchases plus returns), indexed by customer id."""
    _require_columns(orders, [customer_col, amount_col], "orders")
    amounts = pd.to_numeric(orders[amount_col], errors="coerce")
    bad = amounts.isna() & orders[amount_col].notna()
    if bad.any():
        raise CourseError("loyalty.bad_amounts", column=amount_col,
                          example=orders.loc[bad, amount_col].iloc[0])
    return amounts.fillna(0).groupby(orders[customer_col]).sum().rename("revenue")


def abc_classes(orders: pd.DataFrame, a_share: float = 0.8, b_share: float = 0.95, *,
                customer_col: str = "customer_id", amount_col: str = "amount") -> pd.DataFrame:
    """One row per customer, highest revenue first: rank, revenue, share, cum_share, abc_class."""
    if not (0 < a_share < b_share <= 1):
        raise CourseError("loyalty.bad_shares", a=a_share, b=b_share)
    revenue = customer_revenue(orders, customer_col=customer_col, amount_col=amount_col)
    table = pd.DataFrame({"customer_id": revenue.index.to_numpy(),
                          "revenue": revenue.to_numpy(dtype=float)})
    table = table.sort_values(["revenue", "customer_id"], ascending=[False, True],
                              kind="stable").reset_index(drop=True)
    positive = table["revenue"].clip(lower=0)
    total = positive.sum()
    if total <= 0:
        raise CourseError("loyalty.no_revenue")
    table["share"] = positive / total
    table["cum_share"] = table["share"].cumsum()
    before = table["cum_share"] - table["share"]  # what the customers ranked above hold
    cls = np.where(before < a_share - 1e-12, "A", np.where(before < b_share - 1e-12, "B", "C"))
    cls[table["revenue"].to_numpy() <= 0] = "C"
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table["abc_class"] = pd.Categorical(cls, categories=ABC_CLASSES, ordered=True)
    return table


def abc_summary(abc: pd.DataFrame) -> pd.DataFrame:
    """One row per class A/B/C: customers, customer_share, revenue, revenue_share, avg_revenue."""
    _require_columns(abc, ["abc_class", "revenue"], "abc")
    groups = abc.groupby(pd.Categorical(abc["abc_class"], categories=ABC_CLASSES), observed=False)
    customers = groups.size().to_numpy(dtype=np.int64)
    revenue = groups["revenue"].sum().to_numpy(dtype=float)
    return pd.DataFrame({
        "abc_class": ABC_CLASSES,
        "customers": customers,
        "customer_share": customers / max(customers.sum(), 1),
        "revenue": revenue,
        "revenue_share": revenue / revenue.sum() if revenue.sum() else np.nan,
        "avg_revenue": np.divide(revenue, customers, out=np.full(3, np.nan), where=customers > 0),
        "care": [t(f"loyalty.care_{c}") for c in ABC_CLASSES],
    })


def pareto_curve(abc: pd.DataFrame, title: str | None = None):
    """The Pareto curve: x = share of customers (biggest first), y = their share of revenue."""
    from course.core.plotting import ACCENT_COLOR, BASE_COLOR, MUTED_COLOR, new_figure

    _require_columns(abc, ["cum_share", "abc_class"], "abc")
    n = len(abc)
    x = np.arange(1, n + 1) / n * 100
    y = abc["cum_share"].to_numpy() * 100
    fig, ax = new_figure(title or t("loyalty.pareto_title"), figsize=(7, 4))
    ax.plot(x, y, color=BASE_COLOR, linewidth=2)
    ax.plot([0, 100], [0, 100], color=MUTED_COLOR, linestyle=":", linewidth=1)
    for cls, color in (("A", ACCENT_COLOR), ("B", BASE_COLOR)):
        last = np.flatnonzero(abc["abc_class"].astype(str).to_numpy() == cls)
        if len(last):
            i = last[-1]
            ax.scatter([x[i]], [y[i]], color=color, zorder=3)
            ax.annotate(t("loyalty.pareto_mark", cls=cls, customers=x[i], revenue=y[i]),
                        (x[i], y[i]), xytext=(10, -16), textcoords="offset points", fontsize=10)
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 102)
    ax.set_xlabel(t("loyalty.pareto_x"))
    ax.set_ylabel(t("loyalty.pareto_y"))
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


# ----------------------------------------------------------------------------------------------
# Loyalty index
# ----------------------------------------------------------------------------------------------
def loyalty_rules() -> pd.DataFrame:
    """The five behaviours, the proxy used for each and when it earns full points (for display)."""
    rules = pd.DataFrame({
        "behaviour": BEHAVIOURS,
        "label": [behaviour_label(b) for b in BEHAVIOURS],
        "proxy": [t(f"loyalty.proxy_{b}") for b in BEHAVIOURS],
        "full_points_at": [t(f"loyalty.full_{b}", n=LOYALTY_RULES[b]) for b in BEHAVIOURS],
        "points": [DEFAULT_WEIGHTS[b] for b in BEHAVIOURS],
    })
    # shown: each behaviour by its Chinese name once (code keeps the ids in ``behaviour``)
    name_values(rules, "behaviour", dict(zip(rules["behaviour"], rules["label"])))
    return hide_columns(rules, {"label": "behaviour"})


def loyalty_index(orders: pd.DataFrame, referrals: pd.DataFrame, feedback: pd.DataFrame,
                  surveys: pd.DataFrame, customers=None, weights: dict | None = None
                  ) -> pd.DataFrame:
    """One row per customer: the five observed counts, the points per behaviour, loyalty_index.

    ``customers`` (a table with customer_id, or a list of ids) fixes which customers appear;
    by default everyone with an order. ``weights`` maps behaviours to points (default 20 each);
    the index is rescaled to 0–100 whatever the weights add up to.
    """
    weights = _weights(weights)
    _require_columns(orders, ["customer_id", "amount"], "orders")
    _require_columns(referrals, ["referrer_id", "referred_id", "relation"], "referrals")
    _require_columns(feedback, ["customer_id", "sentiment", "text"], "feedback")
    _require_columns(surveys, ["customer_id", "nps"], "surveys")
    ids = _customer_ids(orders, customers)

    amounts = pd.to_numeric(orders["amount"], errors="coerce").fillna(0)
    purchases = orders.loc[amounts > 0].groupby("customer_id").size()
    revenue = amounts.groupby(orders["customer_id"]).sum()
    median_revenue = float(revenue.median()) if len(revenue) else 0.0

    brought = referrals[referrals["relation"].astype(str) == "推荐"]
    valuable = brought[brought["referred_id"].map(revenue).fillna(0) >= median_revenue]
    valuable_refs = valuable.groupby("referrer_id").size()
    shares = referrals[referrals["relation"].astype(str) == "影响"].groupby("referrer_id").size()

    text = feedback["text"].astype(str)
    improving = feedback["sentiment"].astype(str).isin(["负面", "中性"]) & ~text.str.contains(
        _DEFAULT_REVIEW, regex=False)
    suggestions = feedback[improving].groupby("customer_id").size()
    last_nps = (surveys.dropna(subset=["nps"]).drop_duplicates("customer_id", keep="last")
                .set_index("customer_id")["nps"])

    out = pd.DataFrame({"customer_id": ids})
    key = out["customer_id"]
    for column, counts in (("purchases", purchases), ("valuable_referrals", valuable_refs),
                           ("shares", shares), ("suggestions", suggestions)):
        out[column] = key.map(counts).fillna(0).astype(np.int64).to_numpy()
    out["nps"] = key.map(last_nps).astype(float).to_numpy()
    out["surveyed"] = out["nps"].notna()

    fractions = {
        "repeat": np.clip(out["purchases"] - 1, 0, LOYALTY_RULES["repeat"] - 1)
        / (LOYALTY_RULES["repeat"] - 1),
        "referral": np.minimum(out["valuable_referrals"], LOYALTY_RULES["referral"])
        / LOYALTY_RULES["referral"],
        "sharing": np.minimum(out["shares"], LOYALTY_RULES["sharing"]) / LOYALTY_RULES["sharing"],
        "suggestion": np.minimum(out["suggestions"], LOYALTY_RULES["suggestion"])
        / LOYALTY_RULES["suggestion"],
        "advocacy": np.select([out["nps"] >= 9, out["nps"] >= 7], [1.0, 0.5], default=0.0),
    }
    total_weight = sum(weights.values())
    index = np.zeros(len(out))
    for behaviour in BEHAVIOURS:
        points = np.asarray(fractions[behaviour], dtype=float) * weights[behaviour]
        out[f"{behaviour}_points"] = points
        index += points
    out["loyalty_index"] = index * 100 / total_weight if total_weight else 0.0
    return out


def loyalty_summary(index: pd.DataFrame, by: pd.Series | None = None) -> pd.DataFrame:
    """Share of customers showing each behaviour at all and the mean index (per group of ``by``)."""
    _require_columns(index, ["loyalty_index", *[f"{b}_points" for b in BEHAVIOURS]], "index")
    shown = pd.DataFrame({behaviour_label(b): index[f"{b}_points"] > 0 for b in BEHAVIOURS})
    shown[t("loyalty.mean_index")] = index["loyalty_index"]
    if by is None:
        return shown.mean().to_frame(t("loyalty.all_customers")).T
    keys = pd.Series(by).reset_index(drop=True)  # aligned by position, categories keep their order
    if len(keys) != len(shown):
        raise CourseError("loyalty.by_length", n=len(keys), rows=len(shown))
    return shown.groupby(keys, observed=True).mean()


def _weights(weights: dict | None) -> dict:
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    unknown = [k for k in weights if k not in BEHAVIOURS]
    if unknown:
        raise CourseError("loyalty.unknown_behaviour", name=unknown[0], valid=choices(BEHAVIOURS))
    merged = {**DEFAULT_WEIGHTS, **weights}
    for name, value in merged.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise CourseError("loyalty.bad_weight", name=name, value=value)
    return {k: float(v) for k, v in merged.items()}


def _customer_ids(orders: pd.DataFrame, customers) -> np.ndarray:
    if customers is None:
        return np.sort(orders["customer_id"].dropna().unique().astype(str))
    if isinstance(customers, pd.DataFrame):
        _require_columns(customers, ["customer_id"], "customers")
        return customers["customer_id"].astype(str).to_numpy()
    return np.asarray([str(c) for c in customers])


def _require_columns(table, needed, what: str) -> None:
    require_columns(table, needed, "loyalty", what)


__all__ = ["ABC_CLASSES", "BEHAVIOURS", "LOYALTY_RULES", "DEFAULT_WEIGHTS", "customer_revenue",
           "abc_classes", "abc_summary", "pareto_curve", "loyalty_rules",
           "loyalty_index", "loyalty_summary"]
