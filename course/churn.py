"""Why customers left, and how much rides on one salesperson (module M14).

* ``churn_reasons(accounts)`` — churned customers by the reason recorded in the exit call.
* ``owner_book(accounts, orders, salespeople)`` — one row per salesperson: customers held,
  revenue, share of the team's revenue, churned customers and how many of them left with a
  departing salesperson.
* ``concentration(book)`` — the largest share of a team's revenue that one person holds: the risk
  that a single resignation takes a big piece of the business along.
* ``departure_losses(accounts, orders, salespeople)`` — for each salesperson who left: customers
  lost 员工离职带走 and the revenue those customers had brought.

Revenue is the net amount of the orders (returns subtracted) over the whole order history.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError
from course.core.tables import require_columns

TAKEN_ALONG = "员工离职带走"


def churn_reasons(accounts: pd.DataFrame) -> pd.DataFrame:
    """One row per churn reason, most frequent first: customers and share of all churned."""
    require_columns(accounts, ["customer_id", "churn_reason"], "churn", "accounts")
    reason = accounts["churn_reason"].astype("string").fillna("").str.strip()
    left = reason[reason != ""]
    if left.empty:
        raise CourseError("churn.no_churn")
    counts = left.value_counts()
    out = pd.DataFrame({"reason": counts.index.astype(str), "customers": counts.to_numpy(dtype=np.int64)})
    out["share"] = out["customers"] / out["customers"].sum()
    return out.sort_values(["customers", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _revenue(orders: pd.DataFrame) -> pd.Series:
    require_columns(orders, ["customer_id", "amount"], "churn", "orders")
    return orders.groupby("customer_id")["amount"].sum()


def owner_book(accounts: pd.DataFrame, orders: pd.DataFrame, salespeople: pd.DataFrame) -> pd.DataFrame:
    """One row per salesperson with the book of customers they hold (see the module docstring)."""
    require_columns(accounts, ["customer_id", "salesperson_id", "churn_reason"], "churn", "accounts")
    require_columns(salespeople, ["salesperson_id", "name", "team", "left_at"], "churn", "salespeople")
    acc = accounts.copy()
    acc["revenue"] = acc["customer_id"].map(_revenue(orders)).fillna(0.0)
    reason = acc["churn_reason"].astype("string").fillna("").str.strip()
    acc["churned"] = reason != ""
    acc["taken"] = reason == TAKEN_ALONG
    book = (acc.groupby("salesperson_id")
            .agg(customers=("customer_id", "size"), revenue=("revenue", "sum"),
                 churned_customers=("churned", "sum"), taken_along=("taken", "sum"))
            .reset_index())
    people = salespeople[["salesperson_id", "name", "team", "left_at"]]
    out = people.merge(book, on="salesperson_id", how="left")
    counts = ["customers", "churned_customers", "taken_along"]
    out[counts] = out[counts].fillna(0).astype(np.int64)
    out["revenue"] = out["revenue"].fillna(0.0).round(2)
    team_total = out.groupby("team", observed=True)["revenue"].transform("sum")
    out["team_share"] = np.where(team_total > 0, out["revenue"] / team_total, np.nan)
    out["active"] = out["left_at"].isna()
    return out.drop(columns="left_at")


def concentration(book: pd.DataFrame, team: str | None = None) -> pd.DataFrame:
    """Per team (or one ``team``): the salesperson with the largest revenue share, and that share."""
    require_columns(book, ["salesperson_id", "name", "team", "team_share"], "churn", "book")
    rows = book if team is None else book[book["team"] == team]
    if rows.empty:
        raise CourseError("churn.unknown_team", team=team, valid="、".join(map(str, book["team"].unique())))
    top = rows.sort_values("team_share", ascending=False, kind="stable").groupby("team", observed=True).head(1)
    return top[["team", "salesperson_id", "name", "team_share"]].reset_index(drop=True)


def departure_losses(accounts: pd.DataFrame, orders: pd.DataFrame, salespeople: pd.DataFrame) -> pd.DataFrame:
    """For each salesperson who left: customers taken along and the revenue they had brought."""
    book = owner_book(accounts, orders, salespeople)
    acc = accounts.copy()
    acc["revenue"] = acc["customer_id"].map(_revenue(orders)).fillna(0.0)
    taken = acc[acc["churn_reason"].astype("string").fillna("") == TAKEN_ALONG]
    lost = taken.groupby("salesperson_id")["revenue"].sum()
    gone = salespeople[salespeople["left_at"].notna()][["salesperson_id", "name", "team", "left_at"]].copy()
    gone["customers_lost"] = gone["salesperson_id"].map(book.set_index("salesperson_id")["taken_along"]).fillna(0).astype(np.int64)
    gone["revenue_lost"] = gone["salesperson_id"].map(lost).fillna(0.0).round(2)
    return gone.reset_index(drop=True)


__all__ = ["TAKEN_ALONG", "churn_reasons", "concentration", "departure_losses", "owner_book"]
