"""Asking for payment, in numbers (module M13): the ageing of receivables and days sales outstanding.

* ``ageing_table(invoices, as_of)`` — the invoices still open on ``as_of``, each with its days past
  due and an ageing bucket (未到期, 逾期 1–30 天, 31–60, 61–90, 90 天以上).
* ``ageing_summary`` — one row per bucket: invoices, amount, share of the open amount.
* ``dso(invoices, as_of, days=90)`` — days sales outstanding: the open amount divided by the
  credit sales of the last ``days`` days, times ``days``. It reads "on average, a sale waits this
  many days for its money"; compare it with the payment terms.
* ``overdue_customers`` — customers with money overdue at least ``min_days``: the watch list for
  a firmer collection step (and, in the end, for the legal route).

An invoice counts as open on ``as_of`` when it was issued on or before that day and not paid by
then (``paid_at`` empty or later). Days past due are counted from the due date; zero or less is
未到期.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.core.tables import require_columns

BUCKET_EDGES = (0, 30, 60, 90)  # days past due: ≤0 | 1–30 | 31–60 | 61–90 | >90
BUCKET_KEYS = ("not_due", "d1_30", "d31_60", "d61_90", "d90_plus")
_COLUMNS = ["invoice_id", "customer_id", "issued_at", "due_at", "amount", "paid_at"]


def buckets() -> list[str]:
    """The ageing buckets in order, as the Chinese labels the tables use."""
    return [t(f"receivables.bucket_{k}") for k in BUCKET_KEYS]


def _day(value) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise CourseError("receivables.bad_date", value=value) from None
    if pd.isna(day):
        raise CourseError("receivables.bad_date", value=value)
    return day.normalize()


def _typed(invoices: pd.DataFrame) -> pd.DataFrame:
    require_columns(invoices, _COLUMNS, "receivables", "invoices")
    out = invoices.copy()
    for col in ("issued_at", "due_at", "paid_at"):
        out[col] = pd.to_datetime(out[col])
    out["amount"] = pd.to_numeric(out["amount"])
    return out


def open_invoices(invoices: pd.DataFrame, as_of="2025-01-01") -> pd.DataFrame:
    """The invoices issued by ``as_of`` and not paid by then."""
    day = _day(as_of)
    inv = _typed(invoices)
    is_open = (inv["issued_at"] <= day) & ~(inv["paid_at"] <= day)
    return inv[is_open].reset_index(drop=True)


def ageing_table(invoices: pd.DataFrame, as_of="2025-01-01") -> pd.DataFrame:
    """Open invoices with ``days_overdue`` (negative: not yet due) and the ageing ``bucket``."""
    day = _day(as_of)
    out = open_invoices(invoices, day)
    out["days_overdue"] = (day - out["due_at"]).dt.days.astype(int)
    code = np.searchsorted(np.asarray(BUCKET_EDGES), out["days_overdue"].to_numpy(), side="left")
    out["bucket"] = pd.Categorical.from_codes(code, categories=buckets(), ordered=True)
    return out


def ageing_summary(invoices: pd.DataFrame, as_of="2025-01-01") -> pd.DataFrame:
    """One row per ageing bucket (all five, empty ones included): invoices, amount, share."""
    table = ageing_table(invoices, as_of)
    groups = table.groupby("bucket", observed=False)
    amount = groups["amount"].sum()
    total = amount.sum()
    return pd.DataFrame({
        "bucket": amount.index,
        "invoices": groups.size().to_numpy(dtype=np.int64),
        "amount": amount.to_numpy(dtype=float).round(2),
        "share": (amount / total).to_numpy(dtype=float) if total else np.nan,
    })


def dso(invoices: pd.DataFrame, as_of="2025-01-01", days: int = 90) -> float:
    """Days sales outstanding: open amount on ``as_of`` ÷ credit sales of the last ``days`` days × days."""
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise CourseError("receivables.bad_days", days=days)
    day = _day(as_of)
    inv = _typed(invoices)
    window = inv[(inv["issued_at"] > day - pd.Timedelta(days=days)) & (inv["issued_at"] <= day)]
    sales = window["amount"].sum()
    if sales <= 0:
        raise CourseError("receivables.no_sales", days=days, as_of=day.date().isoformat())
    return float(open_invoices(inv, day)["amount"].sum() / sales * days)


def overdue_customers(invoices: pd.DataFrame, as_of="2025-01-01", min_days: int = 90) -> pd.DataFrame:
    """Customers with an invoice at least ``min_days`` past due: open and overdue amounts, the
    oldest overdue days, sorted by the overdue amount (largest first)."""
    table = ageing_table(invoices, as_of)
    late = table[table["days_overdue"] >= min_days]
    open_amount = table.groupby("customer_id")["amount"].sum()
    out = (late.groupby("customer_id")
           .agg(overdue_invoices=("invoice_id", "size"), overdue_amount=("amount", "sum"),
                oldest_days=("days_overdue", "max"))
           .reset_index())
    out["open_amount"] = out["customer_id"].map(open_amount).round(2)
    out["overdue_amount"] = out["overdue_amount"].round(2)
    return out.sort_values(["overdue_amount", "customer_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


__all__ = ["BUCKET_EDGES", "ageing_summary", "ageing_table", "buckets", "dso", "open_invoices",
           "overdue_customers"]
