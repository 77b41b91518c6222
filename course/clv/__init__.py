"""Customer lifetime value, CLV (module M08).

The lesson's main track, each a small function:

    simple_clv(margin=1000, retention=0.8, discount_rate=0.1)        # one number
    clv_table(margin=1000, retention=0.8, discount_rate=0.1, years=5) # the same, year by year
    cohort_retention(orders)   # share of each quarter's new customers who buy again k quarters later
    yearly_retention(orders)   # share of last year's buyers who bought again this year
    clv_matrix()               # the 8 cells: acquisition cost × current profit × future profit
    matrix_cells(values)       # put each customer into a cell

The simple formula: a customer brings ``margin`` profit per year while still a customer, stays
from one year to the next with probability ``retention``, and money one year away is worth
1 / (1 + ``discount_rate``) of money today. Year t's profit comes at the end of year t and the
customer is there in year 1 for sure, so

    CLV = Σ_{t=1..N} margin · retention^(t-1) / (1 + discount_rate)^t
        → margin / (1 + discount_rate − retention)   when N is unlimited.

The probabilistic models of the advanced track (BG/NBD, Gamma-Gamma) live in ``course.clv.models``;
``course.clv.fit_bgnbd`` and the other names in ``ADVANCED`` reach them too. They load on first use,
because scipy's optimiser takes a noticeable moment to import and the main track never needs it.
"""
from __future__ import annotations

from importlib import import_module

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t

ADVANCED = ("BgNbd", "GammaGamma", "fit_bgnbd", "fit_gamma_gamma", "predicted_clv",
            "purchase_summary", "tracking_table")


def __getattr__(name: str):
    if name in ADVANCED:
        return getattr(import_module("course.clv.models"), name)
    raise AttributeError(f"module 'course.clv' has no attribute {name!r}")


MAX_YEARS = 100
PERIODS = {"Q": "quarter", "Y": "year"}


# ----------------------------------------------------------------------------------------------
# The simple retention-based CLV
# ----------------------------------------------------------------------------------------------
def _check_rates(margin, retention, discount_rate) -> None:
    for name, value in (("margin", margin), ("retention", retention),
                        ("discount_rate", discount_rate)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or np.isnan(value):
            raise CourseError("clv.not_a_number", name=name, value=value)
    if not 0 <= retention <= 1:
        raise CourseError("clv.bad_retention", value=retention)
    if not 0 <= discount_rate <= 1:
        raise CourseError("clv.bad_discount", value=discount_rate)


def _check_years(years) -> None:
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or \
            not 1 <= years <= MAX_YEARS:
        raise CourseError("clv.bad_years", value=years, high=MAX_YEARS)


def clv_table(margin: float, retention: float, discount_rate: float, years: int = 5
              ) -> pd.DataFrame:
    """Year by year: survival, expected profit, discount factor, present value and running total.

    Columns: year, survival (chance the customer is still there), expected_profit,
    discount_factor, present_value, cumulative_clv.
    """
    _check_rates(margin, retention, discount_rate)
    _check_years(years)
    year = np.arange(1, years + 1)
    survival = float(retention) ** (year - 1)
    discount = 1 / (1 + float(discount_rate)) ** year
    present = margin * survival * discount
    return pd.DataFrame({
        "year": year,
        "survival": survival,
        "expected_profit": margin * survival,
        "discount_factor": discount,
        "present_value": present,
        "cumulative_clv": np.cumsum(present),
    })


def simple_clv(margin: float, retention: float, discount_rate: float, years: int | None = None
               ) -> float:
    """CLV of one customer; ``years=None`` means no end: margin / (1 + discount_rate − retention)."""
    _check_rates(margin, retention, discount_rate)
    if years is None:
        if retention >= 1 + discount_rate:  # nobody ever leaves and money keeps its value
            raise CourseError("clv.never_ends")
        return float(margin / (1 + discount_rate - retention))
    return float(clv_table(margin, retention, discount_rate, years)["cumulative_clv"].iloc[-1])


# ----------------------------------------------------------------------------------------------
# Retention from the orders
# ----------------------------------------------------------------------------------------------
def _purchases(orders, customer_col, date_col, amount_col) -> pd.DataFrame:
    missing = [c for c in (customer_col, date_col, amount_col) if c not in orders.columns]
    if missing:
        raise CourseError("clv.missing_columns", missing=choices(missing),
                          found=choices(orders.columns))
    bought = orders[pd.to_numeric(orders[amount_col]) > 0]  # returns are not purchases
    return pd.DataFrame({"customer_id": bought[customer_col].to_numpy(),
                         "date": pd.to_datetime(bought[date_col]).to_numpy()})


def cohort_retention(orders: pd.DataFrame, period: str = "Q", *,
                     customer_col: str = "customer_id", date_col: str = "order_date",
                     amount_col: str = "amount") -> pd.DataFrame:
    """Cohort table: one row per cohort (the period of a customer's first purchase).

    Column ``customers`` is the cohort's size; columns 0, 1, 2 … hold the share of the cohort that
    bought in the k-th period after the first (period 0 is always 1). Periods after the end of the
    data are empty (NaN). ``period`` is "Q" (quarters) or "Y" (years).
    """
    if period not in PERIODS:
        raise CourseError("clv.bad_period", period=period, valid=choices(PERIODS))
    buys = _purchases(orders, customer_col, date_col, amount_col)
    # number the periods so that "k periods later" is a plain subtraction
    year = buys["date"].dt.year
    index = year * 4 + buys["date"].dt.quarter - 1 if period == "Q" else year
    first = index.groupby(buys["customer_id"]).transform("min")
    active = pd.DataFrame({"customer_id": buys["customer_id"], "cohort": first,
                           "k": index - first}).drop_duplicates()
    counts = active.pivot_table(index="cohort", columns="k", values="customer_id",
                                aggfunc="count", fill_value=0)
    # every period up to the longest possible gap, even one in which nobody bought
    counts = counts.reindex(columns=range(int(index.max() - index.min()) + 1), fill_value=0)
    shares = counts.div(counts[0], axis=0).astype(float)
    # a period after the end of the data is unknown, not zero
    seen = index.max() - counts.index.to_numpy()
    shares = shares.where(shares.columns.to_numpy()[None, :] <= seen[:, None])
    shares.insert(0, "customers", counts[0].astype("int64"))
    labels = [f"{c // 4}Q{c % 4 + 1}" if period == "Q" else str(c) for c in counts.index]
    shares.index = pd.Index(labels, name="cohort")
    shares.columns.name = None
    return shares


def yearly_retention(orders: pd.DataFrame, *, customer_col: str = "customer_id",
                     date_col: str = "order_date", amount_col: str = "amount") -> pd.DataFrame:
    """For each year after the first: buyers of the previous year, how many came back, the rate."""
    buys = _purchases(orders, customer_col, date_col, amount_col)
    by_year = buys.groupby(buys["date"].dt.year)["customer_id"].agg(set)
    rows = []
    for year in by_year.index[1:]:
        before, now = by_year.get(year - 1, set()), by_year[year]
        kept = len(before & now)
        rows.append({"year": int(year), "previous_buyers": len(before), "retained": kept,
                     "retention": kept / len(before) if before else np.nan})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------------------------
# The CLV matrix: acquisition cost × current profit × future profit
# ----------------------------------------------------------------------------------------------
# (cost high, current high, future high) of each cell, in teaching order; names/actions: catalog
_CELLS = [
    (False, True, True), (False, True, False), (False, False, True), (False, False, False),
    (True, True, True), (True, True, False), (True, False, True), (True, False, False),
]


def _cell_code(cost_high, current_high, future_high):
    return 4 * np.asarray(cost_high, int) + 2 * (1 - np.asarray(current_high, int)) + \
        (1 - np.asarray(future_high, int))


def clv_matrix() -> pd.DataFrame:
    """The eight cells: acquisition_cost, current_profit, future_profit (高/低), cell, action."""
    level = {True: t("clv.level_high"), False: t("clv.level_low")}
    return pd.DataFrame({
        "acquisition_cost": [level[c] for c, _, _ in _CELLS],
        "current_profit": [level[n] for _, n, _ in _CELLS],
        "future_profit": [level[f] for _, _, f in _CELLS],
        "cell": [t(f"clv.cell_{i + 1}") for i in range(8)],
        "action": [t(f"clv.action_{i + 1}") for i in range(8)],
    })


def matrix_cells(values: pd.DataFrame, cost_col: str = "acquisition_cost",
                 current_col: str = "current_profit", future_col: str = "future_profit",
                 split: str = "median") -> pd.DataFrame:
    """A copy of ``values`` with cost_high, current_high, future_high and the matrix ``cell``.

    "High" means strictly above the ``split`` ("median" or "mean") of the column, as in M07.
    """
    if split not in ("median", "mean"):
        raise CourseError("clv.bad_split", split=split, valid=choices(["median", "mean"]))
    missing = [c for c in (cost_col, current_col, future_col) if c not in values.columns]
    if missing:
        raise CourseError("clv.missing_columns", missing=choices(missing),
                          found=choices(values.columns))
    out = values.copy()
    for name, col in (("cost_high", cost_col), ("current_high", current_col),
                      ("future_high", future_col)):
        column = pd.to_numeric(values[col])
        middle = column.median() if split == "median" else column.mean()
        out[name] = (column > middle).to_numpy()
    names = [t(f"clv.cell_{i + 1}") for i in range(8)]
    code = _cell_code(out["cost_high"], out["current_high"], out["future_high"])
    out["cell"] = pd.Categorical.from_codes(code, categories=names, ordered=True)
    return out


def customer_values(orders: pd.DataFrame, customers: pd.DataFrame, acquisition_cost: dict,
                    margin_rate: float = 0.25, end="2024-12-31", years: int = 3,
                    discount_rate: float = 0.1) -> pd.DataFrame:
    """Per customer: channel, acquisition_cost, current_profit, retention, future_profit.

    * acquisition_cost: looked up from the customer's acquisition ``channel`` in the given dict;
    * current_profit = ``margin_rate`` × net revenue (returns deducted) of the 12 months to ``end``;
    * retention = 1 − the churn share among customers with the same ``satisfaction`` level;
    * future_profit = simple_clv(current_profit, retention, discount_rate, years), and 0 for a
      customer who has already churned.
    """
    channels = customers["channel"].astype(str)
    unknown = sorted(set(channels) - set(acquisition_cost))
    if unknown:
        raise CourseError("clv.unknown_channel", name=unknown[0], valid=choices(acquisition_cost))
    end = pd.Timestamp(end)
    dates = pd.to_datetime(orders["order_date"])
    recent = orders[(dates > end - pd.DateOffset(years=1)) & (dates <= end)]
    current = recent.groupby("customer_id")["amount"].sum() * margin_rate

    churned = customers["churned"].astype(bool)
    retention = 1 - churned.groupby(customers["satisfaction"], observed=True).transform("mean")
    # CLV per yuan of yearly profit, for each retention level (few distinct values)
    per_yuan = {r: simple_clv(1.0, r, discount_rate, years) for r in retention.unique()}
    out = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(),
        "channel": channels.to_numpy(),
        "acquisition_cost": channels.map(acquisition_cost).astype(float).to_numpy(),
        "current_profit": customers["customer_id"].map(current).fillna(0.0).to_numpy(),
        "retention": retention.to_numpy(),
    })
    out["future_profit"] = np.where(churned, 0.0,
                                    out["current_profit"] * retention.map(per_yuan).to_numpy())
    return out
