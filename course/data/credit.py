"""Credit (赊销) applications with their outcome a year later.

Default risk rises with debt, past overdue payments and the applicant's industry, and falls with
years in business and revenue; an unobserved part keeps it honest, so a binned points scorecard
separates good from bad applicants well but not perfectly (AUC about 0.8).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.data.company import INDUSTRIES
from course.data.dictionary import columns

N_BUSINESS = 850  # applications from existing business customers (some apply more than once)
N_PERSONAL = 100  # from individual customers who run a small shop
N_NEW = 550  # from applicants who are not customers yet
FIRST_DAY = np.datetime64("2022-03-01")
LAST_DAY = np.datetime64("2023-12-31")  # a full year of repayments is known for every application

# extra log-odds of default by industry
INDUSTRY_RISK = {"餐饮": 0.6, "酒店": 0.4, "零售": 0.3, "教育": 0.1, "医疗": -0.4, "物业": -0.3,
                 "办公": 0.0, "制造": 0.2}

DAY = np.timedelta64(1, "D")


def _applicants(rng, customers: pd.DataFrame) -> pd.DataFrame:
    join = customers["join_date"].to_numpy().astype("datetime64[D]")
    end = customers["_end"].to_numpy().astype("datetime64[D]")
    lo = np.maximum(join + 30 * DAY, FIRST_DAY)
    hi = np.minimum(end, LAST_DAY)
    ok = hi >= lo
    business = (customers["customer_type"] == "企业").to_numpy() & ok
    personal = (customers["customer_type"] == "个人").to_numpy() & ok
    who = np.r_[rng.choice(np.flatnonzero(business), N_BUSINESS, replace=True),
                rng.choice(np.flatnonzero(personal), N_PERSONAL, replace=False)]
    span = ((hi[who] - lo[who]) / DAY).astype(int)
    day = lo[who] + np.floor(rng.random(len(who)) * (span + 1)).astype(int) * DAY
    known = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy()[who],
        "applied_at": day,
        "industry": np.where(customers["industry"].to_numpy()[who] != "",
                             customers["industry"].to_numpy()[who],
                             rng.choice(["零售", "餐饮"], len(who))),
    })
    known = known.drop_duplicates(["customer_id", "applied_at"])
    span_all = int((LAST_DAY - FIRST_DAY) / DAY)
    new = pd.DataFrame({
        "customer_id": "",
        "applied_at": FIRST_DAY + rng.integers(0, span_all + 1, N_NEW) * DAY,
        "industry": rng.choice(list(INDUSTRIES), N_NEW),
    })
    return pd.concat([known, new], ignore_index=True)


def _avg_order(apps: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    """Mean purchase amount in the year before each application (NaN when there was none)."""
    buys = orders.loc[orders["amount"] > 0, ["customer_id", "order_date", "amount"]]
    pairs = apps.reset_index()[["index", "customer_id", "applied_at"]].merge(buys, on="customer_id")
    before = pairs["applied_at"] - pairs["order_date"]
    window = (before > pd.Timedelta(0)) & (before <= pd.Timedelta(days=365))
    return pairs[window].groupby("index")["amount"].mean().reindex(apps.index)


def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    apps = _applicants(rng, customers)
    apps["applied_at"] = pd.to_datetime(apps["applied_at"].to_numpy().astype("datetime64[D]"))
    n = len(apps)
    quality = rng.normal(0, 1, n)  # the applicant's true soundness, only partly visible
    years = np.clip(np.rint(rng.gamma(2.2, 3.0, n) + 1.2 * quality), 0, 35).astype(int)
    revenue = np.round(np.exp(rng.normal(np.log(300), 0.9, n) + 0.35 * quality), 2)
    overdue = rng.poisson(np.exp(-0.2 - 0.7 * quality))
    debt = np.round(np.clip(rng.beta(3, 4, n) - 0.08 * quality, 0.03, 0.97), 2)
    avg_order = _avg_order(apps, orders)
    guess = np.round(np.exp(rng.normal(np.log(2500), 0.8, n)) * (revenue / 300) ** 0.3, 2)
    avg_order = np.round(avg_order.fillna(pd.Series(guess, index=apps.index)), 2)
    industry_risk = apps["industry"].map(INDUSTRY_RISK).to_numpy()

    logit = (-2.9 - 0.55 * quality + 0.45 * overdue + 2.6 * (debt - 0.42)
             - 0.07 * (years - 6) - 0.35 * np.log(revenue / 300) + industry_risk
             - 0.15 * np.log(avg_order / 2500) + rng.normal(0, 0.7, n))  # luck: no data shows it
    defaulted = rng.random(n) < 1 / (1 + np.exp(-logit))
    limit = revenue * 0.06 * (1 - debt) * np.exp(-0.25 * overdue)
    limit = np.round(np.clip(limit, 1, 200), 2)

    df = apps.assign(
        years_in_business=years, annual_revenue_wan=revenue, past_overdue_count=overdue,
        avg_order_amount=avg_order.to_numpy(), debt_ratio=debt, credit_limit_wan=limit,
        defaulted=defaulted,
    )
    df = df.sort_values(["applied_at", "customer_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "application_id", [f"A{i:04d}" for i in range(1, len(df) + 1)])
    return {"credit_applications": df[columns("credit_applications")]}
