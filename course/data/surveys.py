"""Satisfaction surveys: NPS, CSAT, CES and six attribute ratings per surveyed customer.

Ratings come from the customer's overall satisfaction through different strengths: after-sales
service and speed move closely with it, price hardly at all. Driver analysis (correlation or
regression) and the importance–performance grid therefore find real, teachable priorities.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.vocab import SATISFACTION
from course.data.dictionary import columns

N_SURVEYS = 1200
FIRST_DAY = pd.Timestamp("2023-01-01")
LAST_DAY = pd.Timestamp("2024-12-20")

# attribute -> (mean rating, how strongly it follows overall satisfaction, own noise)
ATTRIBUTES = {
    "speed": (3.5, 0.80, 0.60),
    "attitude": (3.9, 0.50, 0.70),
    "quality": (4.1, 0.40, 0.70),
    "price": (3.0, 0.12, 0.80),
    "convenience": (3.8, 0.30, 0.75),
    "after_sales": (3.3, 0.90, 0.55),
}
# chance of each NPS score (0–10) for each satisfaction level: one row per level, worst first as in
# SATISFACTION (zip strict: a level without a row would leave its customers' scores unset)
NPS_WEIGHTS = dict(zip(SATISFACTION, (
    {0: .15, 1: .15, 2: .2, 3: .2, 4: .15, 5: .1, 6: .05},
    {2: .1, 3: .15, 4: .25, 5: .25, 6: .15, 7: .1},
    {4: .1, 5: .2, 6: .25, 7: .25, 8: .15, 9: .05},
    {6: .08, 7: .17, 8: .35, 9: .28, 10: .12},
    {8: .1, 9: .35, 10: .55},
), strict=True))



def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    join = customers["join_date"]
    lo = np.maximum(join + pd.Timedelta(days=14), FIRST_DAY)
    hi = np.minimum(customers["_end"], LAST_DAY)
    ok = np.flatnonzero((hi - lo).dt.days.to_numpy() >= 0)
    pick = np.sort(rng.choice(ok, min(N_SURVEYS, len(ok)), replace=False))
    chosen = customers.iloc[pick]
    span = (hi.iloc[pick] - lo.iloc[pick]).dt.days.to_numpy()
    date = lo.iloc[pick].to_numpy() + (np.floor(rng.random(len(pick)) * (span + 1))).astype(
        "timedelta64[D]")
    n = len(pick)

    level = chosen["satisfaction"].map({s: i for i, s in enumerate(SATISFACTION)}).to_numpy()
    latent = level + rng.uniform(-0.5, 0.5, n)
    centred = latent - 2.6
    ratings = {}
    for name, (mean, weight, noise) in ATTRIBUTES.items():
        raw = mean + weight * centred + rng.normal(0, noise, n)
        ratings[name] = np.clip(np.rint(raw), 1, 5).astype(int)
    # CSAT is the overall level itself most of the time, a neighbouring score otherwise
    shift = rng.choice([-1, 0, 1], n, p=(0.12, 0.76, 0.12))
    csat = np.clip(level + 1 + shift, 1, 5)
    nps = np.empty(n, dtype=int)
    for name, weights in NPS_WEIGHTS.items():
        rows = np.flatnonzero(chosen["satisfaction"].to_numpy() == name)
        scores, p = zip(*weights.items())
        nps[rows] = rng.choice(scores, len(rows), p=np.array(p) / sum(p))
    effort = 4.6 - 0.55 * centred - 0.35 * (ratings["convenience"] - 3.8) + rng.normal(0, 0.8, n)
    ces = np.clip(np.rint(effort), 1, 7).astype(int)

    df = pd.DataFrame({
        "customer_id": chosen["customer_id"].to_numpy(),
        "survey_date": pd.to_datetime(date),
        "nps": nps, "csat": csat.astype(int), "ces": ces, **ratings,
    })
    df = df.sort_values(["survey_date", "customer_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "survey_id", [f"S{i:04d}" for i in range(1, len(df) + 1)])
    return {"surveys": df[columns("surveys")]}
