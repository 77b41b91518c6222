"""Planning a customer event (客户联谊会) and its budget (module M14).

``event_budget(guests, items)`` adds up the costs of an event: each item is either per guest
(meals, gifts) or a fixed amount (venue, printing). ``break_even_orders`` answers the question a
manager asks before signing: how many extra orders of a typical size, at our gross margin, would
pay for it?
"""
from __future__ import annotations

import math

import pandas as pd

from course.core.i18n import CourseError, t
from course.core.tables import non_negative

# A modest plan for 「悦家优选」's spring event for business customers (yuan).
SAMPLE_ITEMS = {
    "场地与设备": ("fixed", 6000),
    "餐饮（每位）": ("per_guest", 180),
    "伴手礼（每位）": ("per_guest", 120),
    "新品体验与讲解": ("fixed", 3000),
    "邀请函与物料": ("fixed", 1500),
    "交通与杂费": ("fixed", 2000),
}


def _positive(value, name: str) -> float:
    return non_negative(value, name, "events")


def event_budget(guests: int, items: dict | None = None) -> pd.DataFrame:
    """One row per item: cost type (固定 / 按人), unit cost, cost; a last row (合计) with the total.

    ``items`` maps a name to ``(kind, amount)`` with kind ``"fixed"`` or ``"per_guest"``."""
    guests = _positive(guests, "guests")
    items = SAMPLE_ITEMS if items is None else items
    rows = []
    for name, spec in items.items():
        kind, unit = spec
        if kind not in ("fixed", "per_guest"):
            raise CourseError("events.bad_kind", name=name, kind=kind)
        unit = _positive(unit, name)
        rows.append({"expense": name, "cost_type": t(f"events.{kind}"), "unit_cost": unit,
                     "cost": unit * guests if kind == "per_guest" else unit})
    out = pd.DataFrame(rows, columns=["expense", "cost_type", "unit_cost", "cost"])
    total = pd.DataFrame([{"expense": t("events.total"), "cost_type": "", "unit_cost": float("nan"), "cost": out["cost"].sum()}])
    return pd.concat([out, total], ignore_index=True)


def break_even_orders(total_cost, order_value, margin) -> int:
    """Extra orders of ``order_value`` yuan at gross ``margin`` (a share) that pay for the event."""
    cost, value, m = _positive(total_cost, "total_cost"), _positive(order_value, "order_value"), _positive(margin, "margin")
    if value == 0 or not 0 < m <= 1:
        raise CourseError("events.bad_margin", value=order_value, margin=margin)
    return math.ceil(cost / (value * m) - 1e-9)


__all__ = ["SAMPLE_ITEMS", "break_even_orders", "event_budget"]
