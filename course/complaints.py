"""Complaint-log analytics (module M10): service levels, first-contact resolution, a Pareto of
complaint categories and re-purchase after recovery.

Every function takes the complaint log (``load("complaints")`` or a company's own export with the
same column names) and returns a new table; nothing is changed in place::

    timed = complaint_times(complaints)      # + response_hours, resolution_hours, *_ok flags
    sla_summary(complaints)                  # one row per service indicator
    sla_by(complaints, "channel")            # the same indicators per channel / category / …
    category_pareto(complaints)              # categories from most to least frequent, cumulative share
    repurchase_by_recovery(complaints)       # the 70% / 95% rule of thumb, computed
    repurchase_by_hours(complaints)          # re-purchase by how long the fix took
    complaint_iceberg(customers, complaints) # how many unhappy customers ever complain

Definitions (what a trainer may be asked):

* Response time = ``first_response_at − created_at``; resolution time = ``resolved_at −
  created_at``, both in hours. A limit is met when the time is **at most** the limit (1 h and 24 h
  by default). A complaint that was never fully resolved (``resolved_at`` empty) misses the
  resolution limit: the customer is still waiting.
* "Within the service levels" (``within_sla``) means both limits were met.
* Rates are shares of all complaints in the table (0–1), unless the row says otherwise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns
from course.core.vocab import UNHAPPY

RESPONSE_LIMIT_HOURS = 1.0
RESOLUTION_LIMIT_HOURS = 24.0
RESOLVED = "已解决"

# The recovery groups in teaching order (fast and full → slow → partial → none).
RECOVERY_GROUPS = ["fast", "slow", "partial", "unresolved"]
DEFAULT_HOUR_EDGES = (0, 1, 4, 24, 72, 168, np.inf)

_TIME_COLUMNS = ["created_at", "first_response_at", "resolved_at"]
_RATE_METRICS = ["response_ok", "resolution_ok", "within_sla", "first_contact_resolved",
                 "escalated", "resolved"]


# ----------------------------------------------------------------------------------------------
# Step 1: hours and service-level flags per complaint
# ----------------------------------------------------------------------------------------------
def complaint_times(complaints: pd.DataFrame, response_limit: float = RESPONSE_LIMIT_HOURS,
                    resolution_limit: float = RESOLUTION_LIMIT_HOURS) -> pd.DataFrame:
    """A copy with ``response_hours``, ``resolution_hours`` (empty when unresolved),
    ``response_ok``, ``resolution_ok`` and ``within_sla`` (both limits met)."""
    _require(complaints, _TIME_COLUMNS)
    response_limit = _limit(response_limit, "response_limit")
    resolution_limit = _limit(resolution_limit, "resolution_limit")
    created = _dates(complaints["created_at"], "created_at")
    responded = _dates(complaints["first_response_at"], "first_response_at")
    resolved = _dates(complaints["resolved_at"], "resolved_at")
    out = complaints.copy()
    out["response_hours"] = _hours(responded - created)
    out["resolution_hours"] = _hours(resolved - created)
    # A missing time compares as False: no response / no fix means the limit was missed.
    out["response_ok"] = (out["response_hours"] <= response_limit).to_numpy()
    out["resolution_ok"] = (out["resolution_hours"] <= resolution_limit).to_numpy()
    out["within_sla"] = out["response_ok"] & out["resolution_ok"]
    return out


def _hours(delta: pd.Series) -> pd.Series:
    return (delta.dt.total_seconds() / 3600.0).astype(float)


# ----------------------------------------------------------------------------------------------
# Step 2: the service indicators
# ----------------------------------------------------------------------------------------------
def sla_summary(complaints: pd.DataFrame, response_limit: float = RESPONSE_LIMIT_HOURS,
                resolution_limit: float = RESOLUTION_LIMIT_HOURS) -> pd.DataFrame:
    """One row per indicator: ``metric`` (English key), ``label`` (Chinese), ``count`` (how many
    complaints meet it), ``total`` and ``rate`` = count / total."""
    timed = _with_flags(complaints, response_limit, resolution_limit)
    total = len(timed)
    rows = []
    for metric in _RATE_METRICS:
        count = int(timed[metric].sum())
        rows.append({
            "metric": metric,
            "label": t(f"complaints.metric_{metric}", response=_fmt(response_limit),
                       resolution=_fmt(resolution_limit)),
            "count": count,
            "total": total,
            "rate": count / total if total else np.nan,
        })
    return pd.DataFrame(rows)


def sla_by(complaints: pd.DataFrame, by: str = "channel",
           response_limit: float = RESPONSE_LIMIT_HOURS,
           resolution_limit: float = RESOLUTION_LIMIT_HOURS) -> pd.DataFrame:
    """The indicators per group (``by`` = a column such as channel, category or severity): one row
    per group with ``complaints`` and the rate of each indicator."""
    _require(complaints, [by])
    timed = _with_flags(complaints, response_limit, resolution_limit)
    groups = timed.groupby(by, observed=True, sort=True)
    out = groups[_RATE_METRICS].mean().astype(float)
    out.insert(0, "complaints", groups.size().astype(np.int64))
    return out.reset_index()


def _with_flags(complaints, response_limit, resolution_limit) -> pd.DataFrame:
    _require(complaints, ["first_contact_resolved", "escalated", "outcome"])
    timed = complaint_times(complaints, response_limit, resolution_limit)
    for column in ("first_contact_resolved", "escalated"):
        timed[column] = _flags(timed[column], column)
    timed["resolved"] = (timed["outcome"].astype(str) == RESOLVED).to_numpy()
    return timed


# ----------------------------------------------------------------------------------------------
# Step 3: which categories matter most (Pareto)
# ----------------------------------------------------------------------------------------------
def category_pareto(complaints: pd.DataFrame, by: str = "category",
                    cutoff: float = 0.8) -> pd.DataFrame:
    """Groups of ``by`` from most to least complaints, with ``share``, ``cum_share`` and
    ``vital_few`` — True for the groups needed to reach ``cutoff`` of all complaints."""
    _require(complaints, [by])
    if isinstance(cutoff, bool) or not isinstance(cutoff, (int, float)) or not 0 < cutoff <= 1:
        raise CourseError("complaints.bad_cutoff", cutoff=cutoff)
    counts = complaints[by].dropna().astype(str).value_counts()
    # Ties keep a stable, readable order: more complaints first, then the name.
    order = sorted(counts.index, key=lambda name: (-counts[name], name))
    counts = counts.reindex(order)
    total = counts.sum()
    share = counts.to_numpy(dtype=float) / total if total else np.zeros(len(counts))
    cum = np.cumsum(share)
    # A group belongs to the vital few while the share *before* it is still below the cutoff.
    before = np.concatenate([[0.0], cum[:-1]])
    out = pd.DataFrame({
        by: counts.index.to_numpy(dtype=object),
        "complaints": counts.to_numpy(dtype=np.int64),
        "share": share,
        "cum_share": cum,
        "vital_few": before < cutoff - 1e-12,
    })
    out.attrs.update(pareto_title=t("complaints.pareto_title"),
                     pareto_ylabel=t("complaints.pareto_ylabel"))
    return out


# ----------------------------------------------------------------------------------------------
# Step 4: does a good recovery bring customers back?
# ----------------------------------------------------------------------------------------------
def recovery_group(complaints: pd.DataFrame, response_limit: float = RESPONSE_LIMIT_HOURS,
                   resolution_limit: float = RESOLUTION_LIMIT_HOURS) -> pd.Series:
    """Each complaint's recovery as a Chinese label: resolved within the service levels, resolved
    but late, partly resolved, or not resolved."""
    timed = _with_flags(complaints, response_limit, resolution_limit)
    outcome = timed["outcome"].astype(str)
    code = np.select(
        [timed["resolved"] & timed["within_sla"], timed["resolved"], outcome == "部分解决"],
        [0, 1, 2],
        default=3,
    )
    return pd.Series(pd.Categorical.from_codes(code, categories=recovery_labels(), ordered=True),
                     index=complaints.index, name="recovery")


def recovery_labels() -> list[str]:
    return [t(f"complaints.recovery_{key}") for key in RECOVERY_GROUPS]


def repurchase_by_recovery(complaints: pd.DataFrame, response_limit: float = RESPONSE_LIMIT_HOURS,
                           resolution_limit: float = RESOLUTION_LIMIT_HOURS) -> pd.DataFrame:
    """Re-purchase rate per recovery group, plus a last row for all fully resolved complaints.

    Columns: ``recovery``, ``complaints``, ``repurchased`` (count), ``repurchase_rate``.
    """
    _require(complaints, ["repurchased"])
    bought = _flags(complaints["repurchased"], "repurchased")
    group = recovery_group(complaints, response_limit, resolution_limit)
    table = pd.DataFrame({"recovery": group, "bought": bought.to_numpy()})
    grouped = table.groupby("recovery", observed=False)["bought"]
    out = pd.DataFrame({
        "recovery": recovery_labels(),
        "complaints": grouped.size().to_numpy(dtype=np.int64),
        "repurchased": grouped.sum().to_numpy(dtype=np.int64),
    })
    resolved = group.isin(recovery_labels()[:2]).to_numpy()
    total_row = {"recovery": t("complaints.recovery_all_resolved"),
                 "complaints": int(resolved.sum()), "repurchased": int(bought[resolved].sum())}
    out = pd.concat([out, pd.DataFrame([total_row])], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["repurchase_rate"] = out["repurchased"] / out["complaints"].replace(0, np.nan)
    return out


def repurchase_by_hours(complaints: pd.DataFrame, edges=DEFAULT_HOUR_EDGES) -> pd.DataFrame:
    """Fully resolved complaints banded by resolution time (hours, bands closed on the right):
    ``band``, ``complaints``, ``repurchase_rate``."""
    _require(complaints, ["repurchased", "outcome"])
    edges = [float(e) for e in edges]
    if len(edges) < 2 or any(b <= a for a, b in zip(edges, edges[1:])) or edges[0] < 0:
        raise CourseError("complaints.bad_edges", edges=choices(edges))
    timed = complaint_times(complaints)
    resolved = (timed["outcome"].astype(str) == RESOLVED) & timed["resolution_hours"].notna()
    hours = timed.loc[resolved, "resolution_hours"]
    bought = _flags(timed.loc[resolved, "repurchased"], "repurchased")
    labels = [_band_label(a, b) for a, b in zip(edges, edges[1:])]
    # include_lowest: a fix at exactly 0 h still falls in the first band
    bands = pd.cut(hours, edges, labels=labels, right=True, include_lowest=True)
    grouped = bought.groupby(bands, observed=False)
    return pd.DataFrame({
        "band": labels,
        "complaints": grouped.size().to_numpy(dtype=np.int64),
        "repurchase_rate": grouped.mean().to_numpy(dtype=float),
    })


def _band_label(low: float, high: float) -> str:
    if np.isinf(high):
        return t("complaints.band_open", low=_fmt(low))
    return t("complaints.band", low=_fmt(low), high=_fmt(high))


# ----------------------------------------------------------------------------------------------
# The iceberg: how many unhappy customers ever complain?
# ----------------------------------------------------------------------------------------------


def complaint_iceberg(customers: pd.DataFrame, complaints: pd.DataFrame,
                      unhappy=UNHAPPY) -> pd.DataFrame:
    """Unhappy customers (``satisfaction`` in ``unhappy``) split into those who complained at least
    once and the silent rest: ``part`` (Chinese label), ``customers``, ``share`` of the unhappy."""
    _require(customers, ["customer_id", "satisfaction"])
    _require(complaints, ["customer_id"])
    sad = customers.loc[customers["satisfaction"].astype(str).isin(list(unhappy)), "customer_id"].unique()
    voiced = int(pd.Index(sad).isin(complaints["customer_id"].unique()).sum())
    total = len(sad)
    counts = [total, voiced, total - voiced]
    return pd.DataFrame({
        "part": [t(f"complaints.iceberg_{k}") for k in ("unhappy", "complained", "silent")],
        "customers": np.array(counts, dtype=np.int64),
        "share": [c / total if total else np.nan for c in counts],
    })


# ----------------------------------------------------------------------------------------------
# Charts (house style from course.core.plotting)
# ----------------------------------------------------------------------------------------------
def repurchase_chart(table: pd.DataFrame, title: str | None = None):
    """Bars of ``repurchase_rate`` (%) by the first column (recovery group or hour band)."""
    from course.core.plotting import bar_chart

    _require(table, ["repurchase_rate"])
    labels = table.iloc[:, 0].astype(str).tolist()
    values = (table["repurchase_rate"].fillna(0) * 100).tolist()
    best = labels[int(np.argmax(values))] if values else None
    return bar_chart(labels, values, title=title or t("complaints.repurchase_title"),
                     ylabel=t("complaints.repurchase_ylabel"), highlight=best)


# ----------------------------------------------------------------------------------------------
# Input checks with messages a beginner can act on
# ----------------------------------------------------------------------------------------------
def _require(table, columns) -> None:
    require_columns(table, columns, "complaints")


def _limit(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or value <= 0:
        raise CourseError("complaints.bad_limit", name=name, value=value)
    return float(value)


def _dates(column: pd.Series, name: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    try:
        return pd.to_datetime(column, format="mixed")
    except (ValueError, TypeError) as err:
        bad = next((str(v) for v in column if not _is_date(v)), "")
        raise CourseError("complaints.bad_dates", column=name, example=bad) from err


def _is_date(value) -> bool:
    try:
        pd.Timestamp(value)
        return True
    except (ValueError, TypeError):
        return False


_TRUE = {"true", "1", "是", "yes", "y"}
_FALSE = {"false", "0", "否", "no", "n"}


def _flags(column: pd.Series, name: str) -> pd.Series:
    """True/False columns; exports often hold 是/否 or 1/0 instead, which are accepted too."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(bool)
    text = column.astype(str).str.strip().str.lower()
    known = text.isin(_TRUE | _FALSE)
    if not known.all():
        raise CourseError("complaints.bad_flags", column=name, example=column[~known].iloc[0])
    return text.isin(_TRUE)


def _fmt(number: float) -> str:
    return f"{number:g}"


__all__ = [
    "RESPONSE_LIMIT_HOURS", "RESOLUTION_LIMIT_HOURS", "RECOVERY_GROUPS",
    "complaint_times", "sla_summary", "sla_by", "category_pareto", "recovery_group",
    "recovery_labels", "repurchase_by_recovery", "complaint_iceberg", "repurchase_by_hours",
    "repurchase_chart",
]
