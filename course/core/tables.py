"""The one input check shared by the analytics modules: is it a table, and has it these columns?

Each module keeps its own wording: errors use ``<namespace>.not_a_table`` and
``<namespace>.missing_columns`` from that module's message catalog.
"""
from __future__ import annotations

import pandas as pd

from course.core.i18n import CourseError, choices


def require_columns(table, columns, namespace: str, what: str = "") -> None:
    if not isinstance(table, pd.DataFrame):
        raise CourseError(f"{namespace}.not_a_table", what=what, kind=type(table).__name__)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise CourseError(f"{namespace}.missing_columns", what=what, missing=choices(missing),
                          found=choices(table.columns) or "—")
