"""Joining the earlier modules' tables: RFM segments × CLV values, and the save list (the retention
priority with each customer's segment)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.campaign import retention_priority
from course.core.i18n import CourseError
from course.core.tables import require_columns
from course.rfm import SEGMENTS


def require(table, what: str, columns) -> None:
    """A capstone input must hold ``columns`` (a Chinese error names what is missing)."""
    require_columns(table, columns, "capstone", what)


def segment_values(segmented: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """One row per RFM segment (all eight): customers, current_profit, future_profit (sums, 元)
    and future_share, the segment's share of all future profit.

    ``segmented`` comes from ``rfm_segments``, ``values`` from ``course.clv.customer_values``;
    customers present in only one of the two are left out.
    """
    require(segmented, "segmented", ["customer_id", "segment"])
    require(values, "values", ["customer_id", "current_profit", "future_profit"])
    joined = segmented[["customer_id", "segment"]].merge(
        values[["customer_id", "current_profit", "future_profit"]], on="customer_id", how="inner")
    segment = pd.Categorical(joined["segment"], categories=SEGMENTS, ordered=True)
    groups = joined.groupby(segment, observed=False)
    future = groups["future_profit"].sum().to_numpy(dtype=float)
    total = future.sum()
    return pd.DataFrame({
        "segment": pd.Categorical(SEGMENTS, categories=SEGMENTS, ordered=True),
        "customers": groups.size().to_numpy(dtype=np.int64),
        "current_profit": groups["current_profit"].sum().to_numpy(dtype=float),
        "future_profit": future,
        "future_share": future / total if total else np.full(len(future), np.nan),
    })


def save_list(values: pd.DataFrame, segmented: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """``retention_priority(values, top)`` (largest expected loss first) with each customer's RFM
    ``segment`` added next to the id."""
    require(segmented, "segmented", ["customer_id", "segment"])
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise CourseError("capstone.bad_top", top=top)
    ranked = retention_priority(values, top=int(top))
    segment = ranked["customer_id"].map(segmented.set_index("customer_id")["segment"])
    out = ranked.copy()
    out.insert(1, "segment", segment.astype(object).to_numpy())
    return out
