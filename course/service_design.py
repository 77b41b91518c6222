"""One-stop service and the excellent-service system (module M02).

Three small tools, each a plain function that returns a table:

    journey_table(ratings)                 # a customer journey's touch points, rated 1-5, weakest marked
    service_tiers(customers, orders)       # segment-based service strategy: value tier -> service level
    complaints_by_touchpoint(complaints)   # where on the journey the complaints land

Definitions a trainer may be asked about:

* The journey of 悦家优选 has seven touch points, in order: ``JOURNEY``. A rating is a whole or
  decimal number from 1 (very poor) to 5 (excellent). A touch point "breaks" when its rating is
  strictly below ``threshold`` (default 3). The weakest link is the touch point(s) with the lowest
  rating; ties are all marked, because each of them is a place where the experience is worst.
* A tier's revenue is the net spend (purchases minus returns) of its customers over all orders.
* Each complaint category is placed on the touch point where that problem shows up
  (``COMPLAINT_TOUCHPOINT``); 服务态度 can happen anywhere and is reported as ``ACROSS_JOURNEY``.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns

# The customer journey of 悦家优选, in the order a customer lives it.
JOURNEY = ["咨询", "下单", "配送", "安装", "使用", "报修", "回访"]
RATING_MIN, RATING_MAX = 1, 5
DEFAULT_THRESHOLD = 3

# Catalog key per touch point: what the customer sees (front stage) and what makes it work (back stage).
_STAGE_KEYS = dict(zip(JOURNEY, ["consult", "order", "delivery", "install", "use", "repair", "follow_up"]))

# Membership tiers from low to high value, as in the customers table.
TIERS = ["普通", "银卡", "金卡", "钻石"]
_TIER_KEYS = dict(zip(TIERS, ["basic", "silver", "gold", "diamond"]))

ACROSS_JOURNEY = "全程"
COMPLAINT_TOUCHPOINT = {
    "价格争议": "下单",
    "配送问题": "配送",
    "安装延误": "安装",
    "产品质量": "使用",
    "维修服务": "报修",
    "退换货": "报修",
    "服务态度": ACROSS_JOURNEY,
}


def stage_description(stage: str) -> dict:
    """The front-stage moment and back-stage support of one touch point (texts from the catalog)."""
    _check_stage(stage)
    key = _STAGE_KEYS[stage]
    return {
        "touchpoint": stage,
        "front": t(f"service_design.front_{key}"),
        "back": t(f"service_design.back_{key}"),
    }


def blueprint() -> pd.DataFrame:
    """The service blueprint of the journey: one row per touch point, front and back stage."""
    return pd.DataFrame([{"step": i + 1, **stage_description(s)} for i, s in enumerate(JOURNEY)])


# ----------------------------------------------------------------------------------------------
# Rating the journey
# ----------------------------------------------------------------------------------------------
def _check_stage(stage) -> None:
    if stage not in _STAGE_KEYS:
        raise CourseError("service_design.unknown_touchpoint", name=stage, valid=choices(JOURNEY))


def _check_ratings(ratings) -> dict:
    if not isinstance(ratings, Mapping):
        raise CourseError("service_design.ratings_not_mapping", kind=type(ratings).__name__)
    for stage in ratings:
        _check_stage(stage)
    missing = [s for s in JOURNEY if s not in ratings]
    if missing:
        raise CourseError("service_design.missing_ratings", missing=choices(missing))
    clean = {}
    for stage in JOURNEY:
        value = ratings[stage]
        ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
        if not ok or not (RATING_MIN <= float(value) <= RATING_MAX):
            raise CourseError("service_design.bad_rating", name=stage, value=value,
                              low=RATING_MIN, high=RATING_MAX)
        clean[stage] = float(value)
    return clean


def journey_table(ratings: Mapping, threshold: float = DEFAULT_THRESHOLD) -> pd.DataFrame:
    """One row per touch point in journey order: step, touchpoint, rating, broken, weakest.

    ``ratings`` maps every touch point of ``JOURNEY`` to a rating from 1 to 5, e.g.
    ``{"咨询": 4, "下单": 5, "配送": 3, ...}``. ``broken`` is True when the rating is below
    ``threshold``; ``weakest`` marks the lowest-rated touch point(s).
    """
    clean = _check_ratings(ratings)
    values = np.array([clean[s] for s in JOURNEY])
    return pd.DataFrame(
        {
            "step": np.arange(1, len(JOURNEY) + 1),
            "touchpoint": JOURNEY,
            "rating": values,
            "broken": values < threshold,
            "weakest": values == values.min(),
        }
    )


def weakest_links(ratings: Mapping) -> list[str]:
    """The touch point(s) with the lowest rating, in journey order."""
    table = journey_table(ratings)
    return table.loc[table["weakest"], "touchpoint"].tolist()


def broken_touchpoints(ratings: Mapping, threshold: float = DEFAULT_THRESHOLD) -> list[str]:
    """The touch points rated below ``threshold``, in journey order."""
    table = journey_table(ratings, threshold)
    return table.loc[table["broken"], "touchpoint"].tolist()


# ----------------------------------------------------------------------------------------------
# Segment-based service strategy
# ----------------------------------------------------------------------------------------------
def _require(table, columns, what: str) -> None:
    require_columns(table, columns, "service_design", what)


def service_tiers(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """One row per value tier (low to high): customers, shares, revenue and the service level.

    Columns: tier, customers, customer_share, revenue (net, yuan), revenue_share,
    revenue_per_customer, service_level (the suggested service package, from the catalog).
    """
    _require(customers, ["customer_id", "tier"], "customers")
    _require(orders, ["customer_id", "amount"], "orders")
    spend = orders.groupby("customer_id", observed=True)["amount"].sum()
    frame = customers[["customer_id", "tier"]].assign(
        revenue=customers["customer_id"].map(spend).fillna(0.0).to_numpy()
    )
    tier = frame["tier"].astype(str)
    unknown = sorted(set(tier) - set(TIERS))
    if unknown:
        raise CourseError("service_design.unknown_tier", name=choices(unknown), valid=choices(TIERS))
    grouped = frame.groupby(tier)
    out = pd.DataFrame({"tier": TIERS})
    out["customers"] = out["tier"].map(grouped.size()).fillna(0).astype(int)
    out["revenue"] = out["tier"].map(grouped["revenue"].sum()).fillna(0.0).round(2)
    out["customer_share"] = out["customers"] / max(out["customers"].sum(), 1)
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["revenue_per_customer"] = (out["revenue"] / out["customers"].where(out["customers"] > 0)).round(2)
    out["service_level"] = [t(f"service_design.level_{_TIER_KEYS[x]}") for x in TIERS]
    return out[["tier", "customers", "customer_share", "revenue", "revenue_share",
                "revenue_per_customer", "service_level"]]


# ----------------------------------------------------------------------------------------------
# Moments of truth in the complaint log
# ----------------------------------------------------------------------------------------------
def complaints_by_touchpoint(complaints: pd.DataFrame) -> pd.DataFrame:
    """Complaints per touch point in journey order (+ 全程 for attitude): touchpoint, complaints, share.

    Touch points without complaints are listed with 0, so the table always shows the whole journey.
    """
    _require(complaints, ["category"], "complaints")
    category = complaints["category"].astype(str)
    unknown = sorted(set(category) - set(COMPLAINT_TOUCHPOINT))
    if unknown:
        raise CourseError("service_design.unknown_category", name=choices(unknown),
                          valid=choices(COMPLAINT_TOUCHPOINT))
    counts = category.map(COMPLAINT_TOUCHPOINT).value_counts()
    order = JOURNEY + [ACROSS_JOURNEY]
    out = pd.DataFrame({"touchpoint": order})
    out["complaints"] = out["touchpoint"].map(counts).fillna(0).astype(int)
    total = out["complaints"].sum()
    out["share"] = out["complaints"] / total if total else np.nan
    return out


__all__ = [
    "JOURNEY", "TIERS", "ACROSS_JOURNEY", "COMPLAINT_TOUCHPOINT", "DEFAULT_THRESHOLD",
    "stage_description", "blueprint", "journey_table", "weakest_links", "broken_touchpoints",
    "service_tiers", "complaints_by_touchpoint",
]
