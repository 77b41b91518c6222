"""RFM on 1,000,000 generated orders (goal: ≤ 1 s), against a plain pandas groupby doing the same
aggregation, interleaved on the same data. BG/NBD against lifetimes: see clv_vs_lifetimes.py.

usage: .venv/bin/python benchmarks/analytics.py [--rows 1000000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import statistics
import time

from _common import interleave, print_ratios

GOAL_SECONDS = 1.0
AS_OF = "2025-01-01"


def plain_pandas_rfm(orders):
    """What a pandas user would write: R, F from purchases, M net of refunds, one groupby each."""
    import pandas as pd

    as_of = pd.Timestamp(AS_OF)
    orders = orders[orders["order_date"] < as_of]
    bought = orders[orders["amount"] > 0]
    table = bought.groupby("customer_id").agg(last=("order_date", "max"), frequency=("amount", "size"))
    table["recency"] = (as_of - table["last"]).dt.days
    table["monetary"] = orders.groupby("customer_id")["amount"].sum().reindex(table.index)
    return table.reset_index()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from course.data import load_big_orders
    from course.rfm import rfm_scores, rfm_segments, rfm_table, segment_summary

    started = time.perf_counter()
    orders = load_big_orders(args.rows)
    print(f"generated {len(orders):,} orders of {orders['customer_id'].nunique():,} customers "
          f"in {time.perf_counter() - started:.2f} s (not timed below)")
    ours = rfm_table(orders, as_of=AS_OF)
    peer = plain_pandas_rfm(orders)
    assert len(ours) == len(peer), (len(ours), len(peer))  # same customers: a like-for-like race

    def pipeline():
        segment_summary(rfm_segments(rfm_scores(rfm_table(orders, as_of=AS_OF))))

    times = interleave({
        "course rfm_table": lambda: rfm_table(orders, as_of=AS_OF),
        "plain pandas groupby": lambda: plain_pandas_rfm(orders),
        "course table+scores+segments+summary": pipeline,
    }, args.rounds)
    print_ratios(f"RFM on {len(orders):,} orders, {args.rounds} interleaved rounds", times,
                 base="plain pandas groupby")
    for name in ("course rfm_table", "course table+scores+segments+summary"):
        median = statistics.median(times[name])
        verdict = "met" if median <= GOAL_SECONDS else "MISSED"
        print(f"goal ≤ {GOAL_SECONDS:.0f} s for {name}: {median:.2f} s, {verdict}")


if __name__ == "__main__":
    main()
