"""Invoices of the business customers who buy on credit (赊销), and when they were paid (M13).

Each business customer's purchases of one month make one invoice, issued on the last day of that
month, from 2023-07 to 2024-12. Payment terms are 30 days (60 for the larger accounts). How a
customer pays is a habit drawn once per customer — on time, a little late, slow, or (a few) not at
all after some point, the 老赖 the lesson warns about; churned customers are more often slow or
non-paying. A payment after the analysis date 2025-01-01 is not known yet: ``paid_at`` is empty,
so the open invoices give a realistic ageing of receivables and a days-sales-outstanding figure.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

FIRST_MONTH = pd.Timestamp("2023-07-01")
AS_OF = np.datetime64("2025-01-01")
HABITS = ("准时", "略迟", "拖延", "拒付")
HABIT_P = {False: (0.62, 0.26, 0.10, 0.02), True: (0.30, 0.30, 0.25, 0.15)}  # by churned
BIG_ACCOUNT = 60_000  # yearly spend above which the terms are 60 days

DAY = np.timedelta64(1, "D")


def _delays(rng, habit: np.ndarray) -> np.ndarray:
    """Days between the due date and the payment (negative = early), one per invoice."""
    n = len(habit)
    early = -np.floor(rng.random(n) * 8)
    late = np.floor(rng.random(n) * 26)
    slow = np.floor(rng.lognormal(3.9, 0.45, n))  # typically 40–80 days late
    return np.select([habit == 0, habit == 1, habit == 2], [early, late, slow], slow).astype(int)


def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    business = customers.loc[customers["customer_type"] == "企业", ["customer_id", "churned"]]
    sales = orders[orders["customer_id"].isin(business["customer_id"])
                   & (orders["order_date"] >= FIRST_MONTH)].copy()
    sales["month"] = sales["order_date"].dt.to_period("M")
    monthly = sales.groupby(["customer_id", "month"], sort=True)["amount"].sum().reset_index()
    monthly = monthly[monthly["amount"] > 0].reset_index(drop=True)

    yearly = sales.groupby("customer_id")["amount"].sum() * 12 / 18
    ids = business["customer_id"].to_numpy()
    churned = business["churned"].to_numpy()
    habit = np.array([rng.choice(4, p=HABIT_P[bool(c)]) for c in churned])
    # a non-payer stops paying from a month drawn within their invoices (the last few go unpaid)
    habit_of = dict(zip(ids, habit))
    terms_of = {c: (60 if yearly.get(c, 0) >= BIG_ACCOUNT else 30) for c in ids}

    issued = monthly["month"].dt.to_timestamp(how="end").dt.normalize().to_numpy().astype("datetime64[D]")
    terms = monthly["customer_id"].map(terms_of).to_numpy()
    due = issued + terms * DAY
    h = monthly["customer_id"].map(habit_of).to_numpy()
    paid = due + _delays(rng, h) * DAY
    paid = np.maximum(paid, issued + DAY)
    # non-payers: unpaid from their 2nd–5th last invoice on (every invoice if they have few)
    unpaid = np.zeros(len(monthly), dtype=bool)
    for customer, rows in monthly.groupby("customer_id").groups.items():
        if habit_of[customer] == 3:
            rows = np.asarray(rows)
            k = min(len(rows), int(rng.integers(2, 6)))
            unpaid[rows[-k:]] = True
    paid_at = pd.to_datetime(paid)
    paid_at = paid_at.where(~unpaid & (paid < AS_OF))

    out = pd.DataFrame({
        "customer_id": monthly["customer_id"].to_numpy(),
        "issued_at": pd.to_datetime(issued),
        "terms_days": terms.astype(int),
        "due_at": pd.to_datetime(due),
        "amount": monthly["amount"].round(2).to_numpy(),
        "paid_at": paid_at,
    }).sort_values(["issued_at", "customer_id"], kind="stable").reset_index(drop=True)
    out.insert(0, "invoice_id", [f"INV{i:05d}" for i in range(1, len(out) + 1)])
    return {"invoices": out}
