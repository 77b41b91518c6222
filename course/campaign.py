"""Putting customer value to work (module M09): service tiers, retention, precision marketing.

Everything starts from ``value_table(orders, customers)``, one row per current customer with a
deliberately simple value estimate (M08 teaches proper CLV models)::

    annual_profit = net revenue per year as a customer × margin
    clv           = annual_profit × horizon_years          (a rough "value of the next years")
    churn_risk    = the 2024 churn rate of customers with the same satisfaction level
    propensity    = share of the last 8 quarters in which the customer bought

Then three applications, one function each:

* ``clv_tiers`` — differentiated service: rank by clv, give the top few the richest service;
* ``retention_priority`` — whom to save first: expected loss = clv × churn_risk;
* ``plan_campaign`` — precision marketing under a budget: contact only the customers whose
  expected profit is positive, best first, until the budget is used; compare with contacting all.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.core.tables import require_columns

AS_OF = "2025-01-01"
MARGIN = 0.2           # gross margin on revenue (an assumption the trainer can change)
HORIZON_YEARS = 3      # how many future years the rough CLV counts
QUARTERS = 8           # look-back for the purchase propensity

# Service tiers: (catalog key, share of customers) from the most to the least valuable.
TIERS = [("tier_vip", 0.05), ("tier_gold", 0.15), ("tier_standard", 0.30), ("tier_basic", 0.50)]

# Campaign response model (assumptions, stated in the lesson): without an offer a customer answers
# with BASE_RESPONSE × propensity; every 100 元 of offer adds LIFT_PER_100 × propensity.
BASE_RESPONSE = 0.3
LIFT_PER_100 = 0.3
MAX_RESPONSE = 0.9
CONTACT_COST = 5.0     # 元 per customer contacted (call or message)


# ----------------------------------------------------------------------------------------------
# The value table
# ----------------------------------------------------------------------------------------------
def _require(table, name: str, columns) -> None:
    require_columns(table, columns, "campaign", name)


def churn_risk_table(customers: pd.DataFrame, by: str = "satisfaction") -> pd.DataFrame:
    """The share of customers who churned, per value of ``by`` (the simplest risk model)."""
    _require(customers, "customers", [by, "churned"])
    groups = customers.groupby(by, observed=True)["churned"]
    return pd.DataFrame({"customers": groups.size(), "churn_risk": groups.mean()}).reset_index()


def value_table(orders: pd.DataFrame, customers: pd.DataFrame, as_of=AS_OF,
                margin: float = MARGIN, horizon_years: float = HORIZON_YEARS) -> pd.DataFrame:
    """One row per current customer (not churned, at least one purchase before ``as_of``)."""
    _require(orders, "orders", ["customer_id", "order_date", "amount"])
    _require(customers, "customers", ["customer_id", "churned", "satisfaction"])
    if not 0 < margin <= 1:
        raise CourseError("campaign.bad_margin", margin=margin)
    day = pd.Timestamp(as_of).normalize()
    past = orders[orders["order_date"] < day]
    buys = past[past["amount"] > 0]
    per = past.groupby("customer_id")["amount"].sum().rename("net_revenue").to_frame()
    per["orders"] = buys.groupby("customer_id").size()
    per["avg_order"] = buys.groupby("customer_id")["amount"].mean()
    first = buys.groupby("customer_id")["order_date"].min()
    # a customer of a few months counts as one year: no wild annualised values for newcomers
    years = ((day - first).dt.days / 365.25).clip(lower=1.0)
    per["annual_profit"] = per["net_revenue"] / years * margin
    per["clv"] = per["annual_profit"].clip(lower=0) * horizon_years
    quarter = buys["order_date"].dt.to_period("Q")
    last_q = (day - pd.Timedelta(days=1)).to_period("Q")
    recent = buys[quarter > last_q - QUARTERS]
    per["propensity"] = (recent["order_date"].dt.to_period("Q").groupby(recent["customer_id"])
                         .nunique() / QUARTERS)
    per = per.dropna(subset=["orders"]).fillna({"propensity": 0.0})

    risk = churn_risk_table(customers).set_index("satisfaction")["churn_risk"]
    info = customers.set_index("customer_id")
    per = per.join(info[["satisfaction", "churned"]], how="inner")
    per = per[~per["churned"].astype(bool)].drop(columns="churned")
    per["churn_risk"] = per["satisfaction"].map(risk).astype(float)
    per.index.name = "customer_id"
    out = per.reset_index()[["customer_id", "net_revenue", "orders", "avg_order",
                             "annual_profit", "clv", "propensity", "satisfaction", "churn_risk"]]
    out["orders"] = out["orders"].astype(int)
    return out.sort_values(["clv", "customer_id"], ascending=[False, True], ignore_index=True)


# ----------------------------------------------------------------------------------------------
# Application 1: differentiated service tiers
# ----------------------------------------------------------------------------------------------
def tier_names() -> list[str]:
    return [t(f"campaign.{key}") for key, _ in TIERS]


def clv_tiers(values: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``values`` with ``service_tier``: top 5% / next 15% / next 30% / rest by clv."""
    _require(values, "values", ["customer_id", "clv"])
    ordered = values.sort_values(["clv", "customer_id"], ascending=[False, True],
                                 ignore_index=True)
    position = np.arange(len(ordered)) / max(len(ordered), 1)  # 0 = most valuable
    bounds = np.cumsum([share for _, share in TIERS])
    codes = np.searchsorted(bounds, position, side="right")
    codes = np.minimum(codes, len(TIERS) - 1)
    ordered["service_tier"] = pd.Categorical.from_codes(codes, categories=tier_names(),
                                                        ordered=True)
    return ordered


def tier_summary(tiered: pd.DataFrame) -> pd.DataFrame:
    """One row per tier: customers, share of total clv, average clv and the service it gets."""
    groups = tiered.groupby("service_tier", observed=False)
    total = tiered["clv"].sum()
    out = pd.DataFrame({"customers": groups.size(), "clv_share": groups["clv"].sum() / total,
                        "avg_clv": groups["clv"].mean().round(0)})
    out["service"] = [t(f"campaign.{key}_service") for key, _ in TIERS]
    out.index.name = "service_tier"
    return out.reset_index()


# ----------------------------------------------------------------------------------------------
# Application 2: retention — whom to save first
# ----------------------------------------------------------------------------------------------
def retention_priority(values: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """``values`` with ``expected_loss = clv × churn_risk``, largest first (``top`` rows)."""
    _require(values, "values", ["customer_id", "clv", "churn_risk"])
    out = values.assign(expected_loss=(values["clv"] * values["churn_risk"]).round(2))
    out = out.sort_values(["expected_loss", "customer_id"], ascending=[False, True],
                          ignore_index=True)
    return out if top is None else out.head(int(top))


# ----------------------------------------------------------------------------------------------
# Application 3: precision marketing under a budget
# ----------------------------------------------------------------------------------------------
def response_rate(propensity, offer: float) -> np.ndarray:
    """Chance of buying in the campaign: propensity × (BASE + LIFT × offer/100), at most MAX."""
    if offer < 0:
        raise CourseError("campaign.bad_offer", offer=offer)
    rate = np.asarray(propensity, dtype=float) * (BASE_RESPONSE + LIFT_PER_100 * offer / 100)
    return np.minimum(rate, MAX_RESPONSE)


def campaign_economics(values: pd.DataFrame, offer: float, margin: float = MARGIN,
                       contact_cost: float = CONTACT_COST) -> pd.DataFrame:
    """Per customer: response, expected_cost, expected_profit of contacting them with ``offer``.

    expected_profit = response × (avg_order × margin − offer) − contact_cost
    expected_cost   = contact_cost + response × offer   (the offer is paid only when used)
    """
    _require(values, "values", ["customer_id", "avg_order", "propensity"])
    response = response_rate(values["propensity"], offer)
    gain = values["avg_order"].to_numpy(dtype=float) * margin - offer
    return values.assign(
        response=response,
        expected_cost=contact_cost + response * offer,
        expected_profit=response * gain - contact_cost,
    )


@dataclass
class CampaignPlan:
    targets: pd.DataFrame   # the chosen customers, best first
    summary: pd.DataFrame   # two rows: precision plan vs contact everyone


def _totals(rows: pd.DataFrame, label: str) -> dict:
    cost = float(rows["expected_cost"].sum())
    profit = float(rows["expected_profit"].sum())
    return {"plan": label, "contacted": len(rows), "responders": float(rows["response"].sum()),
            "cost": cost, "profit": profit, "roi": profit / cost if cost > 0 else np.nan}


def select_targets(profit: np.ndarray, cost: np.ndarray, budget: float) -> np.ndarray:
    """Positions of the customers to contact: best expected profit first, only profitable ones,
    while the running cost stays within ``budget``. ``profit`` must already be sorted, best first.
    """
    if budget < 0:
        raise CourseError("campaign.bad_budget", budget=budget)
    keep = profit > 0
    running = np.cumsum(np.where(keep, cost, 0.0))
    return np.flatnonzero(keep & (running <= budget))


def plan_campaign(values: pd.DataFrame, budget: float, offer: float, margin: float = MARGIN,
                  contact_cost: float = CONTACT_COST) -> CampaignPlan:
    """Whom to contact for the best expected return within ``budget`` 元, and the comparison."""
    econ = campaign_economics(values, offer, margin, contact_cost)
    econ = econ.sort_values(["expected_profit", "customer_id"], ascending=[False, True],
                            ignore_index=True)
    chosen = select_targets(econ["expected_profit"].to_numpy(), econ["expected_cost"].to_numpy(),
                            budget)
    targets = econ.iloc[chosen].reset_index(drop=True)
    summary = pd.DataFrame([_totals(targets, t("campaign.plan_precise")),
                            _totals(econ, t("campaign.plan_everyone"))])
    return CampaignPlan(targets=targets, summary=summary)


__all__ = [
    "MARGIN", "HORIZON_YEARS", "TIERS", "BASE_RESPONSE", "LIFT_PER_100", "CONTACT_COST",
    "churn_risk_table", "value_table", "tier_names", "clv_tiers", "tier_summary",
    "retention_priority", "response_rate", "campaign_economics", "select_targets",
    "plan_campaign", "CampaignPlan",
]
