"""Opportunity mining in the existing customer base (module M03): acquire, retain, re-activate, PIP.

    lifecycle_status(orders)               # one row per customer: 新客户 / 活跃老客户 / 休眠客户 / 一次未回头
    lifecycle_summary(orders)              # one row per status, with the task it calls for
    dormant_customers(orders)              # the dormant customers and their past annual spend
    reactivation_value(dormant, 0.2)       # the yearly revenue a win-back campaign could bring
    pip_value(...)                         # a customer profit-improvement proposal, in numbers

Definitions a trainer may be asked about (all counted up to the analysis date ``as_of``):

* A purchase is an order row with ``amount > 0``; returns lower the net spend only.
* *Quiet* means no purchase in the ``quiet_days`` days before ``as_of`` (default 180): the last
  purchase is more than 180 days back, i.e. recency > 180.
* 新客户: first purchase within the quiet window (acquired recently). 活跃老客户: bought within the
  window and earlier too (retained). 休眠客户: quiet, with at least ``min_orders`` purchases (a habit
  that stopped: re-activate). 一次未回头: quiet after a single purchase.
* Past annual spend = net spend / active years, where active years = days from first to last
  purchase / 365, but at least one year, so two orders in one month are not multiplied by twelve.
* Re-activation value = sum of the dormant customers' past annual spend × the assumed win-back rate.
* PIP (after Mack Hanan's consultative selling): the customer's yearly profit gain = extra revenue
  × the customer's margin + cost savings; net gain = gain × years − the customer's investment.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.rfm import rfm_table

DEFAULT_AS_OF = "2025-01-01"
QUIET_DAYS, MIN_ORDERS = 180, 2
STATUSES = ["新客户", "活跃老客户", "休眠客户", "一次未回头"]
_STATUS_KEYS = dict(zip(STATUSES, ["new", "active", "dormant", "one_off"]))


def _check_positive_int(value, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise CourseError("opportunity.bad_int", name=name, value=value, low=low)
    return int(value)


def lifecycle_status(orders: pd.DataFrame, as_of=DEFAULT_AS_OF, *, quiet_days: int = QUIET_DAYS,
                     min_orders: int = MIN_ORDERS) -> pd.DataFrame:
    """One row per customer with purchases: customer_id, orders, first_purchase, last_purchase,
    days_quiet, net_spend, status."""
    quiet_days = _check_positive_int(quiet_days, "quiet_days", 1)
    min_orders = _check_positive_int(min_orders, "min_orders", 2)
    table = rfm_table(orders, as_of=as_of)  # checks the orders and the date for us
    recent = table["recency"] <= quiet_days
    # days since the first purchase = days since the last one + the days between them
    span = (table["last_purchase"].dt.normalize() - table["first_purchase"].dt.normalize()).dt.days
    first_recent = table["recency"] + span <= quiet_days
    status = np.select(
        [recent & first_recent, recent, table["frequency"] >= min_orders],
        [STATUSES[0], STATUSES[1], STATUSES[2]],
        default=STATUSES[3],
    )
    return pd.DataFrame(
        {
            "customer_id": table["customer_id"],
            "orders": table["frequency"],
            "first_purchase": table["first_purchase"],
            "last_purchase": table["last_purchase"],
            "days_quiet": table["recency"],
            "net_spend": table["monetary"].round(2),
            "status": status,
        }
    )


def lifecycle_summary(orders: pd.DataFrame, as_of=DEFAULT_AS_OF, *, quiet_days: int = QUIET_DAYS,
                      min_orders: int = MIN_ORDERS) -> pd.DataFrame:
    """One row per status: status, customers, customer_share, net_spend, task (获得/留住/激活)."""
    status = lifecycle_status(orders, as_of, quiet_days=quiet_days, min_orders=min_orders)
    grouped = status.groupby("status")
    out = pd.DataFrame({"status": STATUSES})
    out["customers"] = out["status"].map(grouped.size()).fillna(0).astype(int)
    out["customer_share"] = out["customers"] / max(out["customers"].sum(), 1)
    out["net_spend"] = out["status"].map(grouped["net_spend"].sum()).fillna(0.0).round(2)
    out["task"] = [t(f"opportunity.task_{_STATUS_KEYS[s]}") for s in STATUSES]
    return out


def dormant_customers(orders: pd.DataFrame, as_of=DEFAULT_AS_OF, *, quiet_days: int = QUIET_DAYS,
                      min_orders: int = MIN_ORDERS) -> pd.DataFrame:
    """The dormant customers, most valuable first: customer_id, orders, first_purchase,
    last_purchase, days_quiet, net_spend, active_years, annual_spend."""
    status = lifecycle_status(orders, as_of, quiet_days=quiet_days, min_orders=min_orders)
    dormant = status[status["status"] == STATUSES[2]].drop(columns="status")
    span_days = (dormant["last_purchase"] - dormant["first_purchase"]).dt.days
    years = np.maximum(span_days / 365.0, 1.0)
    dormant = dormant.assign(active_years=years.round(3), annual_spend=(dormant["net_spend"] / years).round(2))
    return dormant.sort_values(["annual_spend", "customer_id"], ascending=[False, True]).reset_index(drop=True)


def _check_rate(value, name: str) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not 0 <= float(value) <= 1:
        raise CourseError("opportunity.bad_rate", name=name, value=value)
    return float(value)


def reactivation_value(dormant: pd.DataFrame, win_back_rate: float = 0.2) -> float:
    """Expected yearly revenue (yuan) if ``win_back_rate`` of the dormant customers return and spend
    as they used to: sum of ``annual_spend`` × rate, rounded to the yuan-fen."""
    rate = _check_rate(win_back_rate, "win_back_rate")
    if not isinstance(dormant, pd.DataFrame) or "annual_spend" not in dormant.columns:
        raise CourseError("opportunity.need_dormant_table")
    return round(float(dormant["annual_spend"].sum()) * rate, 2)


def _check_amount(value, name: str) -> float:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(float(value)) or float(value) < 0:
        raise CourseError("opportunity.bad_amount", name=name, value=value)
    return float(value)


def pip_value(extra_revenue: float = 0.0, margin: float = 0.0, cost_saving: float = 0.0,
              investment: float = 0.0, years: int = 1) -> pd.Series:
    """A customer profit-improvement proposal (PIP) in numbers, from the customer's point of view.

    ``extra_revenue``: the customer's added revenue per year (yuan); ``margin``: the customer's
    profit margin on it (0.25 = 25%); ``cost_saving``: the customer's cost saved per year (yuan);
    ``investment``: what the customer pays for the solution (yuan, once); ``years``: the period.

    Returns a Series: annual_gain, total_gain, investment, net_gain, roi (net gain / investment),
    payback_months (investment / monthly gain; NaN when there is no gain).
    """
    extra = _check_amount(extra_revenue, "extra_revenue")
    rate = _check_rate(margin, "margin")
    saving = _check_amount(cost_saving, "cost_saving")
    cost = _check_amount(investment, "investment")
    years = _check_positive_int(years, "years", 1)
    annual = extra * rate + saving
    total = annual * years
    net = total - cost
    return pd.Series(
        {
            "annual_gain": round(annual, 2),
            "total_gain": round(total, 2),
            "investment": round(cost, 2),
            "net_gain": round(net, 2),
            "roi": net / cost if cost > 0 else np.nan,
            "payback_months": cost / (annual / 12) if annual > 0 else np.nan,
        },
        name=t("opportunity.pip_name"),
    )


__all__ = [
    "STATUSES", "QUIET_DAYS", "MIN_ORDERS", "lifecycle_status", "lifecycle_summary",
    "dormant_customers", "reactivation_value", "pip_value",
]
