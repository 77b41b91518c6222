"""The complaint log, consistent with the orders.

Two service facts are built in: most unhappy customers never complain (only about 1 in 20 of them
appears here), and recovery pays — about 70% of customers whose complaint was resolved buy again
within 180 days, about 95% when the answer came within 1 hour and the fix within 24 hours.
``repurchased`` is not drawn at random: each complaint is placed in time so that the orders table
itself shows (or does not show) a purchase in the 180 days after it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.vocab import UNHAPPY
from course.data.dictionary import columns

N_COMPLAINTS = 600
OUTCOMES = ("已解决", "部分解决", "未解决")
OUTCOME_COUNTS = (420, 100, 80)
SLA_RESOLVED = 170  # resolved rows that met both service levels
REBUY_SLA = 0.95  # repurchase rate, resolved within the service levels
REBUY_RESOLVED = 0.70  # repurchase rate over all resolved complaints
REBUY_OTHER = {"部分解决": 0.40, "未解决": 0.15}
SILENT_SHARE = 0.95  # share of dissatisfied customers who never complain
REBUY_DAYS = 180
FIRST_DAY = np.datetime64("2022-02-01")
LAST_DAY = np.datetime64("2024-06-30")  # leaves a full 180-day window before the data ends

SEVERITIES = ("低", "中", "高")
CHANNELS = {"客服热线": 0.40, "在线客服": 0.25, "微信": 0.15, "门店": 0.12, "电商平台": 0.08}
CATEGORIES = {"产品质量": 0.24, "安装延误": 0.16, "配送问题": 0.14, "维修服务": 0.18,
              "服务态度": 0.12, "退换货": 0.10, "价格争议": 0.06}

DAY = np.timedelta64(1, "D")


def _slots(customers: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Every stretch between two purchases of a customer in which a complaint could fall.

    ``lo_yes..hi_yes``: complaint days followed by a purchase within 180 days;
    ``lo_no..hi_no``: complaint days with no purchase in the next 180 days.
    """
    buys = orders.loc[orders["amount"] > 0, ["customer_id", "order_date"]]
    buys = buys.drop_duplicates().sort_values(["customer_id", "order_date"], kind="stable")
    prev = buys["order_date"].to_numpy().astype("datetime64[D]")
    nxt = buys.groupby("customer_id")["order_date"].shift(-1).to_numpy().astype("datetime64[D]")
    start = np.maximum(prev + DAY, FIRST_DAY)
    far = np.datetime64("2100-01-01")
    nxt_or_far = np.where(np.isnat(nxt), far, nxt)
    out = pd.DataFrame({
        "customer_id": buys["customer_id"].to_numpy(),
        "lo_yes": np.maximum(start, nxt_or_far - REBUY_DAYS * DAY),
        "hi_yes": np.minimum(nxt_or_far - DAY, LAST_DAY),
        "lo_no": start,
        "hi_no": np.minimum(nxt_or_far - (REBUY_DAYS + 1) * DAY, LAST_DAY),
    })
    sat = customers.set_index("customer_id")["satisfaction"]
    out["unhappy"] = out["customer_id"].map(sat).isin(UNHAPPY).to_numpy()
    return out


def _plan(rng: np.random.Generator) -> pd.DataFrame:
    """Outcome, service-level flag and repurchase flag of every complaint, in exact numbers."""
    rows = []
    resolved = OUTCOME_COUNTS[0]
    rebuy_sla = int(round(REBUY_SLA * SLA_RESOLVED))
    rebuy_slow = int(round(REBUY_RESOLVED * resolved)) - rebuy_sla
    rows += [("已解决", True, i < rebuy_sla) for i in range(SLA_RESOLVED)]
    rows += [("已解决", False, i < rebuy_slow) for i in range(resolved - SLA_RESOLVED)]
    for outcome, count in zip(OUTCOMES[1:], OUTCOME_COUNTS[1:]):
        k = int(round(REBUY_OTHER[outcome] * count))
        rows += [(outcome, False, i < k) for i in range(count)]
    plan = pd.DataFrame(rows, columns=["outcome", "sla", "rebuy"])
    return plan.iloc[rng.permutation(len(plan))].reset_index(drop=True)


def _place(rng, plan: pd.DataFrame, slots: pd.DataFrame, n_unhappy: int) -> pd.DataFrame:
    """Pick a customer and a day for each planned complaint so that ``rebuy`` holds in the orders."""
    # the few unhappy customers who do complain mostly had a poor outcome
    weight = np.where(plan["outcome"] == "已解决", 1.0, 4.0)
    unhappy_rows = set(rng.choice(len(plan), n_unhappy, replace=False, p=weight / weight.sum()))
    codes, names = pd.factorize(slots["customer_id"])
    taken = np.zeros(len(names), dtype=int)  # complaints per customer so far
    free = np.ones(len(slots), dtype=bool)  # each stretch between purchases is used once
    unhappy_slot = slots["unhappy"].to_numpy()
    bounds = {flag: (slots[lo].to_numpy(), slots[hi].to_numpy())
              for flag, (lo, hi) in {True: ("lo_yes", "hi_yes"), False: ("lo_no", "hi_no")}.items()}
    customer, day = [], []
    for i, rebuy in enumerate(plan["rebuy"].to_numpy()):
        lo, hi = bounds[bool(rebuy)]
        unhappy = i in unhappy_rows
        limit = 1 if unhappy else 3
        ok = (hi >= lo) & (unhappy_slot == unhappy) & free & (taken[codes] < limit)
        candidates = np.flatnonzero(ok)
        pick = candidates[int(rng.integers(len(candidates)))]
        free[pick] = False
        taken[codes[pick]] += 1
        span = int((hi[pick] - lo[pick]) / DAY)
        customer.append(names[codes[pick]])
        day.append(lo[pick] + int(rng.integers(0, span + 1)) * DAY)
    out = plan.copy()
    out["customer_id"] = customer
    out["day"] = pd.to_datetime(np.array(day, dtype="datetime64[D]"))
    return out


def _times(rng, plan: pd.DataFrame) -> pd.DataFrame:
    n = len(plan)
    minute = pd.Timedelta(minutes=1)
    created = plan["day"] + (8 * 60 + rng.integers(0, 14 * 60, n)) * minute
    sla = plan["sla"].to_numpy()
    resolved = (plan["outcome"] == "已解决").to_numpy()
    # late rows miss the service level through a slow first answer, a slow fix, or both
    slow_answer = ~sla & (rng.random(n) < 0.55)
    answer = np.where(sla | ~slow_answer, rng.integers(2, 61, n), rng.integers(61, 12 * 60, n))
    first_response = created + answer * minute
    # solved at the first contact: never for rows that missed the 24-hour fix with a fast answer
    fcr = resolved & (sla | slow_answer) & (rng.random(n) < np.where(sla, 0.6, 0.15))
    fix_min = np.where(
        fcr, answer + rng.integers(5, 45, n),
        np.where(sla, rng.integers(60, 23 * 60, n), rng.integers(25 * 60, 10 * 24 * 60, n)))
    fix_min = np.where(sla, np.minimum(np.maximum(fix_min, answer + 5), 24 * 60), fix_min)
    fix_min = np.where(~sla & ~slow_answer, np.maximum(fix_min, 24 * 60 + 30), fix_min)
    resolved_at = (created + fix_min * minute).where(resolved)
    severity = rng.choice(len(SEVERITIES), n, p=(0.50, 0.35, 0.15))
    p_escalate = np.array([0.05, 0.20, 0.50])[severity] + np.where(resolved, 0.0, 0.20)
    return pd.DataFrame({
        "customer_id": plan["customer_id"].to_numpy(),
        "created_at": created,
        "first_response_at": first_response,
        "resolved_at": resolved_at,
        "channel": rng.choice(list(CHANNELS), n, p=list(CHANNELS.values())),
        "category": rng.choice(list(CATEGORIES), n, p=list(CATEGORIES.values())),
        "severity": np.asarray(SEVERITIES)[severity],
        "escalated": rng.random(n) < p_escalate,
        "first_contact_resolved": fcr,
        "outcome": plan["outcome"].to_numpy(),
        "repurchased": plan["rebuy"].to_numpy(),
    })


def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    n_unhappy_customers = int(customers["satisfaction"].isin(UNHAPPY).sum())
    n_unhappy = int(round((1 - SILENT_SHARE) * n_unhappy_customers))
    plan = _place(rng, _plan(rng), _slots(customers, orders), n_unhappy)
    df = _times(rng, plan)
    df = df.sort_values(["created_at", "customer_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "complaint_id", [f"T{i:04d}" for i in range(1, len(df) + 1)])
    return {"complaints": df[columns("complaints")]}
