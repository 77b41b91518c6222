"""Receivables ageing and DSO on a hand-made invoice table whose answers are worked out below,
then the shape of the fictional company's invoices."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.receivables import ageing_summary, ageing_table, buckets, dso, open_invoices, overdue_customers

AS_OF = "2025-01-01"


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def invoices():
    rows = [  # id, customer, issued, due, amount, paid
        ("I1", "A", "2024-12-31", "2025-01-30", 1000.0, None),          # not due
        ("I2", "A", "2024-11-30", "2024-12-30", 2000.0, None),          # 2 days late
        ("I3", "B", "2024-10-31", "2024-11-30", 3000.0, "2024-12-05"),  # paid: not open
        ("I4", "B", "2024-08-31", "2024-09-30", 4000.0, None),          # 93 days late
        ("I5", "C", "2024-09-30", "2024-10-30", 500.0, "2025-01-10"),   # paid after as_of: open, 63 days
        ("I6", "C", "2025-01-31", "2025-03-02", 9000.0, None),          # issued later: ignored
        ("I7", "C", "2024-12-31", "2025-01-01", 700.0, None),           # due on as_of: not overdue
    ]
    return pd.DataFrame(rows, columns=["invoice_id", "customer_id", "issued_at", "due_at", "amount", "paid_at"])


def test_open_invoices(invoices):
    assert sorted(open_invoices(invoices, AS_OF)["invoice_id"]) == ["I1", "I2", "I4", "I5", "I7"]


def test_ageing_days_and_buckets(invoices):
    table = ageing_table(invoices, AS_OF).set_index("invoice_id")
    assert table.loc["I2", "days_overdue"] == 2 and table.loc["I4", "days_overdue"] == 93
    assert table.loc["I7", "days_overdue"] == 0 and table.loc["I1", "days_overdue"] == -29
    b = buckets()
    assert [table.loc[i, "bucket"] for i in ("I1", "I7", "I2", "I5", "I4")] == [b[0], b[0], b[1], b[3], b[4]]


def test_summary_has_every_bucket(invoices):
    summary = ageing_summary(invoices, AS_OF)
    assert list(summary["bucket"]) == buckets()
    assert list(summary["invoices"]) == [2, 1, 0, 1, 1]
    assert list(summary["amount"]) == [1700, 2000, 0, 500, 4000]
    assert summary["share"].sum() == pytest.approx(1)


def test_dso(invoices):
    # open 8200; issued in the 90 days up to 2025-01-01: I1, I2, I3, I7 = 6700
    assert dso(invoices, AS_OF, days=90) == pytest.approx(8200 / 6700 * 90)
    with pytest.raises(CourseError, match="没有开出任何发票"):
        dso(invoices, "2020-01-01")
    with pytest.raises(CourseError, match="正整数"):
        dso(invoices, AS_OF, days=0)


def test_overdue_customers(invoices):
    late = overdue_customers(invoices, AS_OF, min_days=60)
    assert list(late["customer_id"]) == ["B", "C"]
    assert list(late["overdue_amount"]) == [4000, 500]
    assert list(late["oldest_days"]) == [93, 63]


def test_missing_column_is_named(invoices):
    with pytest.raises(CourseError, match="paid_at"):
        ageing_table(invoices.drop(columns="paid_at"))


def test_company_invoices_have_a_realistic_shape():
    from course import load

    inv = load("invoices")
    summary = ageing_summary(inv, AS_OF)
    assert summary["invoices"].sum() > 100
    assert summary["share"].iloc[0] > 0.4  # most open money is not yet due …
    assert summary["invoices"].iloc[-1] > 0  # … but some has been overdue for months
    assert 30 < dso(inv, AS_OF) < 120
