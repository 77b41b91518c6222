"""The referral network: who brought in (推荐) or swayed (影响) whom.

A dozen influencers draw most of the arrows, most customers have one or none — the shape that makes
degree, in-degree and PageRank-style importance tell different stories.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.data.dictionary import columns

N_REFERRED = 900  # customers who joined on someone's recommendation
N_INFLUENCE = 600  # influence arrows between existing customers
N_HUBS = 12
RELATIONS = ("推荐", "影响")

DAY = np.timedelta64(1, "D")


def _weights(rng, customers: pd.DataFrame) -> np.ndarray:
    # everybody may recommend now and then; a few influencers do it all the time
    weight = 0.3 + customers["_value"].to_numpy() ** 0.3
    # influencers are long-standing customers who stayed, so they have time to gather followers
    early = (customers["join_date"] < "2022-09-01") & ~customers["churned"]
    hubs = rng.choice(np.flatnonzero(early.to_numpy()), N_HUBS, replace=False)
    weight[hubs] = rng.uniform(100, 250, N_HUBS)
    return weight


def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    ids = customers["customer_id"].to_numpy()
    join = customers["join_date"].to_numpy().astype("datetime64[D]")
    end = customers["_end"].to_numpy().astype("datetime64[D]")
    weight = _weights(rng, customers)

    rows = []
    newcomers = np.flatnonzero(join >= np.datetime64("2022-03-01"))
    for j in np.sort(rng.choice(newcomers, N_REFERRED, replace=False)):
        # the referrer was already a customer, and still active, when the newcomer joined
        ok = (join <= join[j] - 7 * DAY) & (end >= join[j])
        p = np.where(ok, weight, 0.0)
        i = rng.choice(len(ids), p=p / p.sum())
        rows.append((ids[i], ids[j], "推荐", join[j]))

    seen = {(a, b) for a, b, _, _ in rows}
    p_source = weight / weight.sum()
    while len(rows) < N_REFERRED + N_INFLUENCE:
        i = rng.choice(len(ids), p=p_source)
        j = int(rng.integers(len(ids)))
        lo, hi = max(join[i], join[j]) + DAY, min(end[i], end[j])
        if i == j or hi < lo or (ids[i], ids[j]) in seen or (ids[j], ids[i]) in seen:
            continue
        seen.add((ids[i], ids[j]))
        day = lo + int(rng.integers(0, int((hi - lo) / DAY) + 1)) * DAY
        rows.append((ids[i], ids[j], "影响", day))

    df = pd.DataFrame(rows, columns=columns("referrals"))
    df["created_at"] = pd.to_datetime(df["created_at"].to_numpy().astype("datetime64[D]"))
    df = df.sort_values(["created_at", "referrer_id", "referred_id"], kind="stable")
    return {"referrals": df.reset_index(drop=True)}
