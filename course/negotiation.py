"""Negotiation goals, concessions and price (module M13), from the seller's side.

A seller plans four prices before a negotiation: the opening price (开价), the target (目标价), the
walk-away point (底线, the lowest price still worth a deal) and an estimate of the buyer's limit
(对方上限, the most the buyer would pay). The zone of possible agreement (成交区间) is where both can
say yes: from our walk-away up to their limit — or nothing, when our floor lies above their ceiling.

``concession_plan`` turns a list of planned concessions into the price after each step and
``plan_issues`` names the classic mistakes: going below the floor, a first step that gives away
most of the room, steps that grow (the buyer learns to keep pushing), ending under the target, and
ending above the buyer's limit. ``volume_to_offset`` answers the price question sales staff meet
every day: after a discount, how much more must be sold to keep the same gross profit?
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.core.tables import non_negative

FIRST_STEP_MAX = 0.5  # a first concession above half of the room gives the game away


@dataclass(frozen=True)
class Zone:
    """The zone of possible agreement: prices from ``low`` (our floor) to ``high`` (their limit)."""

    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def _number(value, name: str) -> float:
    return non_negative(value, name, "negotiation")


def bargaining_zone(walk_away, their_limit) -> Zone | None:
    """The prices both sides can accept, or ``None`` when our floor is above their limit."""
    low, high = _number(walk_away, "walk_away"), _number(their_limit, "their_limit")
    return Zone(low, high) if low <= high else None


def _prices(opening, target, walk_away) -> tuple[float, float, float]:
    opening = _number(opening, "opening")
    target = _number(target, "target")
    walk_away = _number(walk_away, "walk_away")
    if not opening >= target >= walk_away:
        raise CourseError("negotiation.bad_order", opening=f"{opening:,.0f}", target=f"{target:,.0f}",
                          walk_away=f"{walk_away:,.0f}")
    return opening, target, walk_away


def parse_concessions(concessions) -> list[float]:
    """``"3000, 2000, 1000"`` or ``[3000, 2000, 1000]`` as a list of amounts (each > 0)."""
    if isinstance(concessions, str):
        parts = [p for p in concessions.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if p]
    else:
        parts = list(concessions)
    steps = [_number(p, "concessions") for p in parts]
    if any(s <= 0 for s in steps):
        raise CourseError("negotiation.bad_number", name="concessions", value=concessions)
    return steps


def concession_plan(opening, target, walk_away, concessions) -> pd.DataFrame:
    """One row per concession: step number, amount, price after it, room left above the floor."""
    opening, target, walk_away = _prices(opening, target, walk_away)
    steps = parse_concessions(concessions)
    prices = opening - np.cumsum(steps) if steps else np.array([])
    return pd.DataFrame({
        "step": np.arange(1, len(steps) + 1),
        "concession": np.asarray(steps, dtype=float),
        "price": prices.astype(float),
        "room_left": (prices - walk_away).astype(float),
        "given_share": (np.cumsum(steps) / (opening - walk_away)) if opening > walk_away
        else np.full(len(steps), np.nan),
    })


def plan_issues(opening, target, walk_away, concessions, their_limit=None) -> list[str]:
    """The mistakes in a concession plan, as Chinese sentences (an empty list: a sound plan)."""
    plan = concession_plan(opening, target, walk_away, concessions)
    opening, target, walk_away = _prices(opening, target, walk_away)
    found = []
    room = opening - walk_away
    if len(plan):
        final = float(plan["price"].iloc[-1])
        below = plan[plan["price"] < walk_away]
        if len(below):
            found.append(t("negotiation.issue_below_floor", step=int(below["step"].iloc[0]),
                           price=f"{below['price'].iloc[0]:,.0f}", floor=f"{walk_away:,.0f}"))
        if room > 0 and plan["concession"].iloc[0] > FIRST_STEP_MAX * room:
            found.append(t("negotiation.issue_first_step", share=f"{plan['concession'].iloc[0] / room:.0%}"))
        growing = np.flatnonzero(np.diff(plan["concession"].to_numpy()) > 0)
        if len(growing):
            found.append(t("negotiation.issue_growing", step=int(growing[0]) + 2))
        if walk_away <= final < target:
            found.append(t("negotiation.issue_under_target", price=f"{final:,.0f}", target=f"{target:,.0f}"))
    else:
        final = opening
    if their_limit is not None:
        zone = bargaining_zone(walk_away, their_limit)
        if zone is None:
            found.append(t("negotiation.issue_no_zone", floor=f"{walk_away:,.0f}",
                           limit=f"{_number(their_limit, 'their_limit'):,.0f}"))
        elif final > zone.high:
            found.append(t("negotiation.issue_above_limit", price=f"{final:,.0f}", limit=f"{zone.high:,.0f}"))
    return found


def volume_to_offset(discount, margin) -> float:
    """Extra sales volume (a share, 0.25 = +25 %) that keeps gross profit after a price cut.

    ``discount`` and ``margin`` are shares of the old price (0.05 = 5 %). The gross profit per unit
    falls from ``margin`` to ``margin - discount``, so volume must rise by d / (m − d).
    """
    d, m = _number(discount, "discount"), _number(margin, "margin")
    if not 0 < m < 1 or not 0 <= d < m:
        raise CourseError("negotiation.bad_margin", discount=discount, margin=margin)
    return d / (m - d)


__all__ = ["Zone", "bargaining_zone", "concession_plan", "parse_concessions", "plan_issues",
           "volume_to_offset"]
