"""RFM customer-value segmentation (module M07).

Four steps, each a plain function that takes a table and returns a new one::

    table  = rfm_table(orders)        # one row per customer: recency, frequency, monetary
    scored = rfm_scores(table)        # + r_score, f_score, m_score (1..bins)
    seg    = rfm_segments(scored)     # + r_high, f_high, m_high, segment (8 Chinese names)
    segment_summary(seg)              # one row per segment, with a suggested action

``rfm(orders)`` runs the first three in one call.

Definitions (the choices a trainer may be asked about):

* An order row with ``amount > 0`` is a purchase; a negative amount is a return. One row is one
  order. Frequency counts purchases only; monetary is the net revenue (purchases plus returns).
* Recency is the number of calendar days from the last purchase to the analysis date ``as_of``.
  Orders on the ``as_of`` day count (recency 0); orders after it are ignored. By default ``as_of``
  is the day after the last order date, so every order counts.
* Scores are percentile ranks in which tied values share their average rank, stretched so the
  smallest value scores 1 and the largest scores ``bins``; recency is reversed (more recent =
  higher score). Equal values therefore always get equal scores.
* A score is "high" when it is strictly greater (``>``) than the mean or median of that score, the
  usual reading of 高于平均值. A customer exactly at the middle counts as low.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t

# The eight segments in teaching order: M splits 重要/一般, then (R, F) = 高高 高低 低高 低低.
SEGMENTS = [
    "重要价值客户",  # R高 F高 M高
    "重要发展客户",  # R高 F低 M高
    "重要保持客户",  # R低 F高 M高
    "重要挽留客户",  # R低 F低 M高
    "一般价值客户",  # R高 F高 M低
    "一般发展客户",  # R高 F低 M低
    "一般保持客户",  # R低 F高 M低
    "一般挽留客户",  # R低 F低 M低
]

# Catalog key for each segment's action (the text itself lives in locale/*/rfm.yaml).
_ACTION_KEYS = [
    "action_important_value",
    "action_important_develop",
    "action_important_keep",
    "action_important_winback",
    "action_general_value",
    "action_general_develop",
    "action_general_keep",
    "action_general_winback",
]

SEGMENT_ACTIONS = {seg: t(f"rfm.{key}") for seg, key in zip(SEGMENTS, _ACTION_KEYS)}

SPLITS = ["mean", "median"]
MIN_BINS, MAX_BINS = 2, 10

_COLUMN_OPTIONS = ("customer_col", "date_col", "amount_col")
_RFM_COLUMNS = ["recency", "frequency", "monetary"]
_SCORE_COLUMNS = ["r_score", "f_score", "m_score"]
_ONE_DAY = pd.Timedelta(days=1)


# ----------------------------------------------------------------------------------------------
# Step 1: one row per customer
# ----------------------------------------------------------------------------------------------
def rfm_table(
    orders: pd.DataFrame,
    as_of=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "order_date",
    amount_col: str = "amount",
) -> pd.DataFrame:
    """One row per customer: customer_id, recency, frequency, monetary, first/last_purchase.

    ``as_of`` (a date, ``"2025-01-01"`` or a Timestamp) is the analysis date; by default the day
    after the last order. Customers with no purchase up to ``as_of`` (e.g. only returns) are left
    out.
    """
    _require_table(orders, "orders")
    _require_columns(orders, [customer_col, date_col, amount_col], "missing_order_columns")
    dates = _as_dates(orders[date_col], date_col)
    amounts = _as_amounts(orders[amount_col], amount_col)

    if as_of is None:
        last = dates.max()
        if pd.isna(last):
            raise CourseError("rfm.no_dates", column=date_col)
        as_of = last.normalize() + _ONE_DAY
    else:
        as_of = analysis_day(as_of)

    # One hash pass over the ids, then numpy on integer codes: 1M orders take about 0.2–0.3 s.
    codes, uniques = _factorize(orders[customer_col])
    return _aggregate(codes, uniques, dates.to_numpy(), _float_array(amounts), as_of)


def _factorize(customers: pd.Series):
    """Integer codes for the ids, numbered in sorted id order so the result comes out sorted."""
    try:
        return pd.factorize(customers, sort=True)
    except TypeError:  # ids of mixed types cannot be sorted: keep first-seen order
        return pd.factorize(customers)


def _float_array(amounts: pd.Series) -> np.ndarray:
    # An empty amount counts as 0: neither a purchase nor revenue.
    return np.nan_to_num(amounts.to_numpy(dtype=float, na_value=np.nan))


def _aggregate(codes, uniques, dates: np.ndarray, amounts: np.ndarray, as_of: pd.Timestamp):
    """The per-customer R/F/M of the orders dated up to and including ``as_of``.

    ``codes``/``uniques`` come from ``_factorize`` of the customer column and ``amounts`` from
    ``_float_array``; the widget calls this directly with arrays it prepared once.
    """
    cutoff = (as_of + _ONE_DAY).to_datetime64()
    # Orders on the as_of day count, later ones do not; NaT dates and empty ids drop out here.
    keep = (dates < cutoff) & (codes >= 0)
    if not keep.all():  # copying 1M rows costs more than the check
        codes, dates, amounts = codes[keep], dates[keep], amounts[keep]
    n = len(uniques)
    monetary = np.bincount(codes, weights=amounts, minlength=n)
    bought = amounts > 0
    buyer_codes = codes[bought]
    stamps = dates[bought].view(np.int64)
    frequency = np.bincount(buyer_codes, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, buyer_codes, stamps)
    np.maximum.at(last, buyer_codes, stamps)

    # Customers without a purchase (e.g. only returns) are left out.
    rows = np.flatnonzero(frequency > 0)
    if len(rows) == 0:
        raise CourseError("rfm.no_purchases", as_of=as_of.date().isoformat())
    ids = uniques.take(rows)
    last_purchase = pd.Series(last[rows].view(dates.dtype))
    return pd.DataFrame(
        {
            "customer_id": np.asarray(ids),
            "recency": (as_of - last_purchase.dt.normalize()).dt.days.to_numpy(),
            "frequency": frequency[rows],
            "monetary": monetary[rows],
            "first_purchase": first[rows].view(dates.dtype),
            "last_purchase": last_purchase.to_numpy(),
        }
    )


# ----------------------------------------------------------------------------------------------
# Orders prepared once, re-aggregated for many analysis dates (the RFM explorer widget)
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RfmBase:
    """Orders prepared once for fast re-aggregation: sorted by date, customers as integer codes."""

    codes: np.ndarray  # customer code per order (index into ``customers``)
    customers: pd.Index  # customer id per code
    dates: np.ndarray  # datetime64, ascending
    amounts: np.ndarray  # float
    default_as_of: pd.Timestamp  # the day after the last order
    first_day: pd.Timestamp  # the first purchase day (an earlier as_of has no customers)

    def table(self, as_of: pd.Timestamp) -> pd.DataFrame:
        """``rfm_table`` of these orders as of the day ``as_of`` (a value of ``analysis_day``).

        The orders are sorted, so the ones up to ``as_of`` are a binary search away: moving the
        date earlier costs about the same as later.
        """
        end = int(np.searchsorted(self.dates, (as_of + _ONE_DAY).to_datetime64(), side="left"))
        return _aggregate(self.codes[:end], self.customers, self.dates[:end], self.amounts[:end], as_of)


def prepare_orders(orders: pd.DataFrame, *, customer_col: str = "customer_id",
                   date_col: str = "order_date", amount_col: str = "amount") -> RfmBase:
    """Check the orders once and precompute what every ``RfmBase.table`` call needs."""
    _require_table(orders, "orders")
    _require_columns(orders, [customer_col, date_col, amount_col], "missing_order_columns")
    dates = _as_dates(orders[date_col], date_col).to_numpy()
    amounts = _float_array(_as_amounts(orders[amount_col], amount_col))
    codes, customers = _factorize(orders[customer_col])
    valid = ~np.isnat(dates)
    if not valid.any():
        raise CourseError("rfm.no_dates", column=date_col)
    order = np.argsort(dates[valid], kind="stable")
    dates, amounts, codes = dates[valid][order], amounts[valid][order], codes[valid][order]
    bought = amounts > 0
    if not bought.any():
        raise CourseError("rfm.no_purchases", as_of=pd.Timestamp(dates[-1]).date().isoformat())
    return RfmBase(
        codes=codes,
        customers=customers,
        dates=dates,
        amounts=amounts,
        default_as_of=pd.Timestamp(dates[-1]).normalize() + _ONE_DAY,
        first_day=pd.Timestamp(dates[bought][0]).normalize(),
    )


# ----------------------------------------------------------------------------------------------
# Step 2: scores 1..bins
# ----------------------------------------------------------------------------------------------
def rfm_scores(rfm: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """A copy of ``rfm`` with r_score, f_score, m_score in 1..bins (recency reversed)."""
    _require_table(rfm, "rfm")
    _require_columns(rfm, _RFM_COLUMNS, "missing_rfm_columns")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not (
        MIN_BINS <= bins <= MAX_BINS
    ):
        raise CourseError("rfm.bad_bins", bins=bins, low=MIN_BINS, high=MAX_BINS)
    out = rfm.copy()
    out["r_score"] = _score(rfm["recency"], int(bins), reverse=True)
    out["f_score"] = _score(rfm["frequency"], int(bins))
    out["m_score"] = _score(rfm["monetary"], int(bins))
    return out


def _score(values: pd.Series, bins: int, reverse: bool = False) -> np.ndarray:
    if values.isna().any():
        raise CourseError("rfm.missing_values", column=values.name)
    # Average ranks: tied values share one rank, so they can never land in different scores.
    ranks = values.rank(method="average", ascending=not reverse).to_numpy(dtype=float)
    if len(ranks) == 0:
        return np.empty(0, dtype=np.int64)
    low, high = ranks.min(), ranks.max()
    if high == low:  # every value equal: nothing to tell apart, give everyone the middle score
        return np.full(len(ranks), (bins + 1) // 2, dtype=np.int64)
    # Stretch so the smallest value scores 1 and the largest scores `bins`, even with heavy ties.
    scaled = np.floor((ranks - low) * bins / (high - low)).astype(np.int64) + 1
    return np.minimum(scaled, bins)


# ----------------------------------------------------------------------------------------------
# Step 3: high / low and the eight segments
# ----------------------------------------------------------------------------------------------
def rfm_segments(scored: pd.DataFrame, split: str = "mean") -> pd.DataFrame:
    """A copy of ``scored`` with r_high, f_high, m_high and the Chinese ``segment`` name.

    A score is high when it is strictly above the ``split`` ("mean" or "median") of that score.
    """
    _require_table(scored, "scored")
    _require_columns(scored, _SCORE_COLUMNS, "missing_score_columns")
    if split not in SPLITS:
        raise CourseError("rfm.bad_split", split=split, valid=choices(SPLITS))
    out = scored.copy()
    for letter in "rfm":
        score = scored[f"{letter}_score"]
        middle = score.mean() if split == "mean" else score.median()
        out[f"{letter}_high"] = (score > middle).to_numpy()
    # Code = position in SEGMENTS: M low adds 4, R low adds 2, F low adds 1.
    codes = (
        4 * (~out["m_high"].to_numpy())
        + 2 * (~out["r_high"].to_numpy())
        + (~out["f_high"].to_numpy())
    ).astype(np.int8)
    out["segment"] = pd.Categorical.from_codes(codes, categories=SEGMENTS, ordered=True)
    return out


# ----------------------------------------------------------------------------------------------
# Step 4: one row per segment
# ----------------------------------------------------------------------------------------------
def segment_summary(segmented: pd.DataFrame) -> pd.DataFrame:
    """One row per segment (all eight, empty ones included) with sizes, revenue and an action."""
    _require_table(segmented, "segmented")
    _require_columns(segmented, ["segment", *_RFM_COLUMNS], "missing_segment_columns")
    names = segmented["segment"]
    unknown = names.notna() & ~names.isin(SEGMENTS)
    if unknown.any():
        raise CourseError(
            "rfm.unknown_segment", name=names[unknown].iloc[0], valid=choices(SEGMENTS)
        )
    segment = pd.Categorical(names, categories=SEGMENTS, ordered=True)

    groups = segmented.groupby(segment, observed=False)
    customers = groups.size()
    revenue = groups["monetary"].sum()
    means = groups[_RFM_COLUMNS].mean()
    total_customers = customers.sum()
    total_revenue = revenue.sum()
    out = pd.DataFrame(
        {
            "segment": pd.Categorical(SEGMENTS, categories=SEGMENTS, ordered=True),
            "customers": customers.to_numpy(dtype=np.int64),
            "customer_share": _share(customers.to_numpy(dtype=float), total_customers),
            "revenue": revenue.to_numpy(dtype=float),
            "revenue_share": _share(revenue.to_numpy(dtype=float), total_revenue),
            "avg_recency": means["recency"].to_numpy(dtype=float),
            "avg_frequency": means["frequency"].to_numpy(dtype=float),
            "avg_monetary": means["monetary"].to_numpy(dtype=float),
            "action": [SEGMENT_ACTIONS[s] for s in SEGMENTS],
        }
    )
    return out


def _share(parts: np.ndarray, total: float) -> np.ndarray:
    if total == 0:  # no customers / no net revenue: a share has no meaning
        return np.full(len(parts), np.nan)
    return parts / total


# ----------------------------------------------------------------------------------------------
# The one-call pipeline
# ----------------------------------------------------------------------------------------------
def rfm(
    orders: pd.DataFrame, as_of=None, bins: int = 5, split: str = "mean", **cols
) -> pd.DataFrame:
    """``rfm_table`` → ``rfm_scores`` → ``rfm_segments`` in one call.

    ``cols`` may rename the input columns: customer_col=, date_col=, amount_col=.
    """
    for name in cols:
        if name not in _COLUMN_OPTIONS:
            raise CourseError("rfm.unknown_option", name=name, valid=choices(_COLUMN_OPTIONS))
    return rfm_segments(rfm_scores(rfm_table(orders, as_of, **cols), bins=bins), split=split)


# ----------------------------------------------------------------------------------------------
# Input checks with messages a beginner can act on
# ----------------------------------------------------------------------------------------------
def _require_table(obj, what: str) -> None:
    if not isinstance(obj, pd.DataFrame):
        raise CourseError("rfm.not_a_table", what=what, kind=type(obj).__name__)


def _require_columns(table: pd.DataFrame, needed, key: str) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise CourseError(
            f"rfm.{key}", missing=choices(missing), found=choices(table.columns) or "—"
        )


def _as_dates(column: pd.Series, name: str) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(column):
        try:
            with warnings.catch_warnings():  # "could not infer format" is noise for a beginner
                warnings.simplefilter("ignore", UserWarning)
                column = pd.to_datetime(column)
        except (ValueError, TypeError) as err:
            raise CourseError("rfm.bad_dates", column=name, example=_first_bad(column)) from err
    if getattr(column.dt, "tz", None) is not None:  # compare wall-clock dates, not instants
        column = column.dt.tz_localize(None)
    return column


def _first_bad(column: pd.Series) -> str:
    for value in column:
        try:
            pd.Timestamp(value)
        except (ValueError, TypeError):
            return str(value)
    return str(column.iloc[0]) if len(column) else ""


def _as_amounts(column: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column
    try:
        return pd.to_numeric(column)
    except (ValueError, TypeError) as err:
        bad = pd.to_numeric(column, errors="coerce").isna() & column.notna()
        example = column[bad].iloc[0] if bad.any() else ""
        raise CourseError("rfm.bad_amounts", column=name, example=example) from err


def analysis_day(value) -> pd.Timestamp:
    """``value`` (a date, ``"2025-01-01"`` or a Timestamp) as a plain day: no time, no time zone."""
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise CourseError("rfm.bad_as_of", value=value) from err
    if pd.isna(day):
        raise CourseError("rfm.bad_as_of", value=value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()
