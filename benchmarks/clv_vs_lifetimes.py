"""Time our BG/NBD fit on CDNOW against lifetimes 0.11.3, side by side, on the same data.

lifetimes is archived and does not run on pandas 3, so it lives in its own venv (never in the
course's environment). Create it once, e.g.:

    python3 -m venv .bench/lifetimes-venv
    .bench/lifetimes-venv/bin/pip install "lifetimes==0.11.3" "pandas<2.2" "numpy<2" "scipy<1.13"

usage: .venv/bin/python benchmarks/clv_vs_lifetimes.py [--venv .bench/lifetimes-venv] [--rounds 15]

Both sides fit the same frequency / recency / T table (built once by course.clv.purchase_summary
from the 2,357-customer sample, 39-week calibration). lifetimes runs in a long-lived worker process
so that only the fit is timed, never imports or start-up; the rounds alternate ours / theirs so
that machine noise hits both alike. Reported: both sides' parameters, the median fit times, and
the ratio lifetimes / ours.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course import load
from course.clv import fit_bgnbd, purchase_summary

REPO = Path(__file__).resolve().parents[1]

# The worker runs in the lifetimes venv: read the table once, then fit once per line on stdin.
WORKER = r"""
import json, sys, time, warnings
import pandas as pd
from lifetimes import BetaGeoFitter
warnings.simplefilter("ignore")
data = pd.read_csv(sys.argv[1])
print(json.dumps({"ready": True}), flush=True)
for _ in sys.stdin:
    start = time.perf_counter()
    model = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    seconds = time.perf_counter() - start
    params = {k: float(v) for k, v in model.params_.items()}
    print(json.dumps({"seconds": seconds, "params": params}), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", default=str(REPO / ".bench" / "lifetimes-venv"))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    python = Path(args.venv) / "bin" / "python"
    if not python.exists():
        sys.exit(f"no lifetimes venv at {args.venv}: see this script's docstring")

    summary = purchase_summary(load("cdnow"), end="1997-09-30", date_col="date")
    table = summary[["frequency", "recency", "T"]]
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "cdnow_summary.csv"
        table.to_csv(csv, index=False)
        worker = subprocess.Popen([str(python), "-c", WORKER, str(csv)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        assert json.loads(worker.stdout.readline())["ready"]

        def theirs() -> dict:
            worker.stdin.write("fit\n")
            worker.stdin.flush()
            return json.loads(worker.stdout.readline())

        def ours() -> dict:
            start = time.perf_counter()
            model = fit_bgnbd(table["frequency"], table["recency"], table["T"])
            return {"seconds": time.perf_counter() - start, "params": model.params,
                    "loglik": model.loglik}

        ours(), theirs()  # warm-up: first calls pay for lazy imports and caches
        ours_s, theirs_s = [], []
        for _ in range(args.rounds):
            mine, other = ours(), theirs()
            ours_s.append(mine["seconds"])
            theirs_s.append(other["seconds"])
        worker.stdin.close()
        worker.wait()

    print(f"CDNOW sample, {len(table)} customers, 39-week calibration, {args.rounds} interleaved rounds")
    print(f"{'':>10} {'course':>10} {'lifetimes':>10}")
    for name in ("r", "alpha", "a", "b"):
        print(f"{name:>10} {mine['params'][name]:>10.4f} {other['params'][name]:>10.4f}")
    print(f"{'loglik':>10} {mine['loglik']:>10.2f} {'—':>10}")
    ours_median, theirs_median = statistics.median(ours_s), statistics.median(theirs_s)
    print(f"{'median s':>10} {ours_median:>10.4f} {theirs_median:>10.4f}")
    print(f"ratio lifetimes / course = {theirs_median / ours_median:.1f}x")


if __name__ == "__main__":
    main()
