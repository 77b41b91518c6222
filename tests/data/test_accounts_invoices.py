"""The M13/M14 tables agree with customers and orders: one owner per customer, a churn reason
exactly for the churned, invoices only for business customers and consistent in their dates."""
from __future__ import annotations

import pandas as pd
import pytest

from course import load


@pytest.fixture(scope="module")
def tables():
    return {name: load(name) for name in ("customers", "orders", "accounts", "salespeople", "invoices")}


def test_one_owner_per_customer_from_the_right_team(tables):
    acc, cust, people = tables["accounts"], tables["customers"], tables["salespeople"]
    assert acc["customer_id"].is_unique and set(acc["customer_id"]) == set(cust["customer_id"])
    merged = acc.merge(cust[["customer_id", "customer_type", "join_date"]], on="customer_id").merge(
        people[["salesperson_id", "team", "hired_at"]], on="salesperson_id")
    assert len(merged) == len(acc)  # every owner is on the list
    business = merged["customer_type"] == "企业"
    assert (merged.loc[business, "team"] == "企业客户组").all()
    assert (merged.loc[~business, "team"] == "个人客户组").all()
    assert (merged["assigned_at"] >= merged["join_date"]).all()
    assert (merged["assigned_at"] >= merged["hired_at"]).all()


def test_churn_reason_exactly_for_churned_customers(tables):
    merged = tables["accounts"].merge(tables["customers"][["customer_id", "churned"]], on="customer_id")
    has_reason = merged["churn_reason"].notna() & (merged["churn_reason"].astype(str) != "")
    assert (has_reason == merged["churned"]).all()


def test_taken_along_only_by_people_who_left(tables):
    acc, people = tables["accounts"], tables["salespeople"]
    taken = acc[acc["churn_reason"] == "员工离职带走"]
    left = set(people.loc[people["left_at"].notna(), "salesperson_id"])
    assert len(taken) > 0 and set(taken["salesperson_id"]) <= left
    # nobody still on the books of someone who left, unless they churned
    still = acc[acc["salesperson_id"].isin(left) & (acc["churn_reason"].isna() | (acc["churn_reason"].astype(str) == ""))]
    assert still.empty


def test_invoices_are_consistent(tables):
    inv, cust = tables["invoices"], tables["customers"]
    business = set(cust.loc[cust["customer_type"] == "企业", "customer_id"])
    assert set(inv["customer_id"]) <= business
    assert inv["invoice_id"].is_unique and (inv["amount"] > 0).all()
    assert (inv["due_at"] == inv["issued_at"] + pd.to_timedelta(inv["terms_days"], unit="D")).all()
    assert set(inv["terms_days"]) <= {30, 60}
    paid = inv[inv["paid_at"].notna()]
    assert (paid["paid_at"] > paid["issued_at"]).all() and (paid["paid_at"] < pd.Timestamp("2025-01-01")).all()
    # an invoice is the month's purchases net of the month's returns, issued on the last day of the month
    assert (inv["issued_at"] == inv["issued_at"] + pd.offsets.MonthEnd(0)).all()
    orders = tables["orders"]
    one = inv.iloc[0]
    month = orders[(orders["customer_id"] == one["customer_id"])
                   & (orders["order_date"].dt.to_period("M") == one["issued_at"].to_period("M"))]
    assert one["amount"] == pytest.approx(month["amount"].sum(), abs=0.01)
