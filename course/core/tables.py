"""The one input check shared by the analytics modules: is it a table, and has it these columns?

Each module keeps its own wording: errors use ``<namespace>.not_a_table`` and
``<namespace>.missing_columns`` from that module's message catalog.
"""
from __future__ import annotations

import math

import pandas as pd

from course.core.i18n import CourseError, choices


def require_columns(table, columns, namespace: str, what: str = "") -> None:
    if not isinstance(table, pd.DataFrame):
        raise CourseError(f"{namespace}.not_a_table", what=what, kind=type(table).__name__)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CourseError(f"{namespace}.missing_columns", what=what, missing=choices(missing),
                          found=choices(table.columns) or "—")


def non_negative(value, name: str, namespace: str) -> float:
    """``value`` as a finite float ≥ 0; otherwise ``<namespace>.bad_number`` (a bool is no number)."""
    if isinstance(value, bool):
        raise CourseError(f"{namespace}.bad_number", name=name, value=value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise CourseError(f"{namespace}.bad_number", name=name, value=value) from None
    if not math.isfinite(number) or number < 0:
        raise CourseError(f"{namespace}.bad_number", name=name, value=value)
    return number
