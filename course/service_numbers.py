"""M00 导入：客户服务的数字与理念 —— the seven service numbers, checked against the company data,
and a small retention-economics model.

Three groups of plain functions:

* Teaching tables: ``service_numbers_table()`` (the seven rules of thumb with where they come
  from), ``misconceptions_table()`` (five misconceptions and the correct view), ``pyramids()``
  (the traditional and the inverted organisation pyramid as HTML).
* Rediscovering the rules in the data: ``top_share(orders)``, ``churn_by_satisfaction(customers)``,
  ``silent_unhappy(customers, complaints)``, ``repurchase_after_complaint(complaints)``.
* Retention economics: ``blended_churn(churn, mix)``, ``simulate_retention(...)`` and
  ``churn_reduction_value(...)``; ``retention_chart`` draws the comparison.

The retention model, one row per year t = 1 … years (counts may be fractional; they are averages):

* ``start`` = customers at the start of the year (year 1: ``customers``);
* ``lost = start × churn`` leave at the start of the year and buy nothing that year;
* ``new = new_customers`` are won during the year, each at ``acquisition_cost``;
* ``end = start − lost + new`` customers buy this year, each bringing ``margin`` (yearly gross
  margin); every customer at the start of the year costs ``retention_cost`` to look after (we do
  not know in advance who will leave);
* ``profit = end × margin − start × retention_cost − new × acquisition_cost``.

``churn`` is one yearly rate per satisfaction level and ``mix`` the weight of each level; the
weights are normalised, so ``(5, 10, 25, 40, 20)`` and ``(0.05, 0.1, 0.25, 0.4, 0.2)`` are the same.
A churn reduction of 5 points lowers the blended rate by 0.05 (not below 0).
"""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.keywords import forwards_keywords
from course.core.vocab import SATISFACTION, UNHAPPY

# The five satisfaction levels of the customers table, worst first.
LEVELS = list(SATISFACTION)

# The rule of thumb (80/40/20/10/2 %) and a satisfaction mix close to the company's.
DEFAULT_CHURN = (0.80, 0.40, 0.20, 0.10, 0.02)
DEFAULT_MIX = (0.05, 0.10, 0.25, 0.40, 0.20)
DEFAULTS = {
    "customers": 10_000,
    "margin": 300.0,
    "acquisition_cost": 500.0,
    "retention_cost": 100.0,
    "new_customers": 1_500,
    "churn": DEFAULT_CHURN,
    "mix": DEFAULT_MIX,
    "years": 5,
}
MAX_YEARS = 30
FAST_HOURS = 24  # the company's resolution standard (datasets/README.md)

SIM_COLUMNS = ["year", "start", "lost", "new", "end", "revenue", "retention_spend",
               "acquisition_spend", "profit", "cumulative_profit"]


# ----------------------------------------------------------------------------------------------
# Teaching tables
# ----------------------------------------------------------------------------------------------
def service_numbers_table(headers: str = "en") -> pd.DataFrame:
    """The seven service numbers: ``figure``, ``rule`` (what it says), ``source`` (where from).

    ``headers="zh"`` gives Chinese column names, for showing the table to trainees.
    """
    rows = [
        {col: t(f"service_numbers.n{i}_{col}") for col in ("figure", "rule", "source")}
        for i in range(1, 8)
    ]
    return _headers(pd.DataFrame(rows, index=pd.RangeIndex(1, 8)), headers)


def misconceptions_table(headers: str = "en") -> pd.DataFrame:
    """Five common misconceptions about service (``myth``) and the correct view (``truth``)."""
    rows = [
        {col: t(f"service_numbers.m{i}_{col}") for col in ("myth", "truth")} for i in range(1, 6)
    ]
    return _headers(pd.DataFrame(rows, index=pd.RangeIndex(1, 6)), headers)


def _headers(table: pd.DataFrame, headers: str) -> pd.DataFrame:
    if headers == "en":
        return table
    if headers != "zh":
        raise CourseError("service_numbers.bad_headers", value=headers)
    return table.rename(columns=lambda c: t(f"service_numbers.col_{c}"))


def pyramids_html() -> str:
    """Two pyramids side by side: the traditional one and the customer-first inverted one."""
    old = ["top", "middle", "frontline"]  # widest layer at the bottom
    new = ["customers", "frontline", "middle", "top"]  # widest layer at the top
    colors = {"customers": "#D9480F", "frontline": "#2F6690", "middle": "#5B8DB8", "top": "#A9B4C2"}

    def layers(names, widths):
        return "".join(
            f'<div style="width:{w}%;margin:2px auto;padding:6px 0;background:{colors[n]};'
            f'color:white;text-align:center;font-size:13px">'
            f'{html.escape(t("service_numbers.pyramid_" + n))}</div>'
            for n, w in zip(names, widths)
        )

    def block(title, body, note):
        return (
            '<div style="flex:1;min-width:220px;max-width:320px">'
            f'<div style="font-weight:bold;text-align:center;margin-bottom:4px">{html.escape(title)}</div>'
            f"{body}"
            f'<div style="font-size:12px;color:#555;margin-top:4px;text-align:center">{html.escape(note)}</div>'
            "</div>"
        )

    customers_outside = (
        f'<div style="text-align:center;font-size:12px;color:{colors["customers"]};margin-top:2px">'
        f'▲ {html.escape(t("service_numbers.pyramid_customers"))}</div>'
    )
    left = block(t("service_numbers.pyramid_old_title"),
                 layers(old, [40, 70, 100]) + customers_outside,
                 t("service_numbers.pyramid_old_note"))
    right = block(t("service_numbers.pyramid_new_title"), layers(new, [100, 80, 60, 40]),
                  t("service_numbers.pyramid_new_note"))
    return f'<div style="display:flex;gap:40px;flex-wrap:wrap">{left}{right}</div>'


def pyramids():
    """``pyramids_html()`` ready to show as the last line of a notebook cell."""
    from IPython.display import HTML

    return HTML(pyramids_html())


# ----------------------------------------------------------------------------------------------
# Rediscovering the rules of thumb in the company data
# ----------------------------------------------------------------------------------------------
def top_share(orders: pd.DataFrame, share: float = 0.2, *, customer_col: str = "customer_id",
              amount_col: str = "amount") -> float:
    """Fraction of total net revenue that the top ``share`` of customers bring in (0 … 1).

    Net revenue per customer is the sum of ``amount`` (returns are negative). The top group is
    ``floor(share × number of customers)`` customers with the highest net revenue.
    """
    _require_table(orders, "orders")
    _require_columns(orders, [customer_col, amount_col])
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
        raise CourseError("service_numbers.bad_share", value=share)
    revenue = orders.groupby(customer_col, observed=True)[amount_col].sum()
    total = revenue.sum()
    if len(revenue) == 0 or total == 0:
        return float("nan")
    top = revenue.nlargest(int(len(revenue) * share)).sum()
    return float(top / total)


def churn_by_satisfaction(customers: pd.DataFrame) -> pd.DataFrame:
    """One row per satisfaction level (worst first): customers, churned, churn_rate (0 … 1)."""
    _require_table(customers, "customers")
    _require_columns(customers, ["satisfaction", "churned"])
    raw = customers["satisfaction"]
    unknown = raw.notna() & ~raw.astype(str).isin(LEVELS)
    if unknown.any():
        raise CourseError("service_numbers.unknown_level", level=raw[unknown].iloc[0],
                          valid=choices(LEVELS))
    level = pd.Categorical(raw.astype(str).where(raw.notna()), categories=LEVELS, ordered=True)
    churned = customers["churned"].astype(bool)
    groups = churned.groupby(level, observed=False)
    out = pd.DataFrame({
        "satisfaction": pd.Categorical(LEVELS, categories=LEVELS, ordered=True),
        "customers": groups.size().to_numpy(dtype=np.int64),
        "churned": groups.sum().to_numpy(dtype=np.int64),
    })
    out["churn_rate"] = _ratio(out["churned"], out["customers"])
    return out


def satisfaction_mix(customers: pd.DataFrame) -> tuple:
    """The share of customers at each satisfaction level, worst first (for the simulator's ``mix``)."""
    counts = churn_by_satisfaction(customers)["customers"]
    total = counts.sum()
    return tuple(float(c / total) for c in counts) if total else tuple(0.0 for _ in LEVELS)


def silent_unhappy(customers: pd.DataFrame, complaints: pd.DataFrame,
                   levels=UNHAPPY) -> dict:
    """How many unhappy customers (``levels``) never filed a complaint.

    Returns ``{"unhappy": n, "complained": n, "silent": n, "silent_share": 0 … 1}``.
    """
    _require_table(customers, "customers")
    _require_table(complaints, "complaints")
    _require_columns(customers, ["customer_id", "satisfaction"])
    _require_columns(complaints, ["customer_id"])
    bad = [lvl for lvl in levels if lvl not in LEVELS]
    if bad:
        raise CourseError("service_numbers.unknown_level", level=bad[0], valid=choices(LEVELS))
    unhappy = customers.loc[customers["satisfaction"].isin(list(levels)), "customer_id"]
    complained = int(unhappy.isin(set(complaints["customer_id"])).sum())
    n = int(len(unhappy))
    return {
        "unhappy": n,
        "complained": complained,
        "silent": n - complained,
        "silent_share": (n - complained) / n if n else float("nan"),
    }


def repurchase_after_complaint(complaints: pd.DataFrame, fast_hours: float = FAST_HOURS) -> pd.DataFrame:
    """Re-purchase rate after a complaint, by how it ended.

    Four groups in this order: resolved within ``fast_hours`` of being filed, resolved later,
    partly resolved, unresolved. Columns: ``group``, ``complaints``, ``repurchased``,
    ``repurchase_rate`` (0 … 1).
    """
    _require_table(complaints, "complaints")
    _require_columns(complaints, ["created_at", "resolved_at", "outcome", "repurchased"])
    hours = (pd.to_datetime(complaints["resolved_at"]) - pd.to_datetime(complaints["created_at"])
             ).dt.total_seconds() / 3600
    outcome = complaints["outcome"].astype(str)
    resolved = outcome == "已解决"
    masks = [
        resolved & (hours <= fast_hours),
        resolved & ~(hours <= fast_hours),  # a resolved case without a time counts as slow
        outcome == "部分解决",
        outcome == "未解决",
    ]
    keys = ["recovery_fast", "recovery_slow", "recovery_partial", "recovery_unresolved"]
    bought = complaints["repurchased"].astype(bool)
    out = pd.DataFrame({
        "group": [t(f"service_numbers.{k}") for k in keys],
        "complaints": [int(m.sum()) for m in masks],
        "repurchased": [int((bought & m).sum()) for m in masks],
    })
    out["repurchase_rate"] = _ratio(out["repurchased"], out["complaints"])
    return out


def _ratio(part: pd.Series, whole: pd.Series) -> pd.Series:
    whole = whole.astype(float)
    return part.astype(float).div(whole.where(whole > 0))


# ----------------------------------------------------------------------------------------------
# Retention economics
# ----------------------------------------------------------------------------------------------
def blended_churn(churn=DEFAULT_CHURN, mix=DEFAULT_MIX) -> float:
    """The yearly churn rate of the whole base: each level's rate weighted by its share in ``mix``."""
    rates = _levels("churn", churn, rates=True)
    weights = _levels("mix", mix, rates=False)
    if weights.sum() == 0:
        raise CourseError("service_numbers.mix_all_zero")
    return float(np.dot(rates, weights / weights.sum()))


def simulate_retention(customers=DEFAULTS["customers"], margin=DEFAULTS["margin"],
                       acquisition_cost=DEFAULTS["acquisition_cost"],
                       retention_cost=DEFAULTS["retention_cost"],
                       new_customers=DEFAULTS["new_customers"], churn=DEFAULT_CHURN,
                       mix=DEFAULT_MIX, years=DEFAULTS["years"], churn_reduction=0.0) -> pd.DataFrame:
    """One row per year: start, lost, new, end, revenue, retention_spend, acquisition_spend,
    profit and cumulative_profit (see the module docstring for the model).

    ``churn_reduction`` (e.g. 0.05) lowers the blended churn rate by that many points.
    """
    rate = _reduced(blended_churn(churn, mix), churn_reduction)
    _count("customers", customers)
    _count("margin", margin)
    _count("acquisition_cost", acquisition_cost)
    _count("retention_cost", retention_cost)
    _count("new_customers", new_customers)
    if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= MAX_YEARS:
        raise CourseError("service_numbers.bad_years", value=years, high=MAX_YEARS)

    rows = []
    start, cumulative = float(customers), 0.0
    for year in range(1, int(years) + 1):
        lost = start * rate
        end = start - lost + new_customers
        revenue = end * margin
        retention_spend = start * retention_cost
        acquisition_spend = new_customers * acquisition_cost
        profit = revenue - retention_spend - acquisition_spend
        cumulative += profit
        rows.append((year, start, lost, float(new_customers), end, revenue, retention_spend,
                     float(acquisition_spend), profit, cumulative))
        start = end
    return pd.DataFrame(rows, columns=SIM_COLUMNS)


# their **assumptions go to simulate_retention: a misspelled one gets the Chinese KeywordError
@forwards_keywords(simulate_retention, leave_out=("churn_reduction",))
def churn_reduction_value(reduction: float = 0.05, **assumptions) -> dict:
    """What lowering the blended churn by ``reduction`` is worth over the simulated years.

    ``assumptions`` are the keyword arguments of ``simulate_retention``. Returns
    ``{"churn": …, "churn_after": …, "profit": …, "profit_after": …, "extra_profit": …,
    "profit_change": extra / |profit| (nan when profit is 0), "customers_end": …,
    "customers_end_after": …}``; profits are totals over all years.
    """
    assumptions.pop("churn_reduction", None)
    base = simulate_retention(**assumptions)
    better = simulate_retention(churn_reduction=reduction, **assumptions)
    churn = blended_churn(assumptions.get("churn", DEFAULT_CHURN), assumptions.get("mix", DEFAULT_MIX))
    profit, profit_after = float(base["profit"].sum()), float(better["profit"].sum())
    extra = profit_after - profit
    return {
        "churn": churn,
        "churn_after": _reduced(churn, reduction),
        "profit": profit,
        "profit_after": profit_after,
        "extra_profit": extra,
        "profit_change": extra / abs(profit) if profit else float("nan"),
        "customers_end": float(base["end"].iloc[-1]),
        "customers_end_after": float(better["end"].iloc[-1]),
    }


@forwards_keywords(simulate_retention, leave_out=("churn_reduction",))
def retention_chart(reduction: float = 0.05, **assumptions):
    """Two panels (customers at year end, profit per year): as is vs churn lowered by ``reduction``."""
    from course.core.plotting import ACCENT_COLOR, BASE_COLOR, use_chinese_font

    use_chinese_font()
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    assumptions.pop("churn_reduction", None)
    base = simulate_retention(**assumptions)
    better = simulate_retention(churn_reduction=reduction, **assumptions)
    points = _points(reduction)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    panels = [("end", "chart_customers_ylabel", "chart_customers_title"),
              ("profit", "chart_profit_ylabel", "chart_profit_title")]
    for ax, (col, ylabel, title) in zip(axes, panels):
        ax.plot(base["year"], base[col], marker="o", color=BASE_COLOR,
                label=t("service_numbers.legend_base"))
        ax.plot(better["year"], better[col], marker="o", color=ACCENT_COLOR,
                label=t("service_numbers.legend_better", points=points))
        ax.set_title(t(f"service_numbers.{title}", points=points), loc="left", fontsize=11)
        ax.set_xlabel(t("service_numbers.chart_year"))
        ax.set_ylabel(t(f"service_numbers.{ylabel}"))
        ax.set_xticks(list(base["year"]))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color="#E3E7EC", linewidth=0.8)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    # one legend for both panels, under them: cheaper than "best" placement and never covers a line
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
               frameon=False, fontsize=9)
    plt.close(fig)
    return fig


def churn_chart(customers: pd.DataFrame):
    """Bar chart of the churn rate (%) by satisfaction level."""
    from course.core.plotting import bar_chart

    table = churn_by_satisfaction(customers)
    return bar_chart(table["satisfaction"], table["churn_rate"] * 100,
                     title=t("service_numbers.chart_churn_title"),
                     ylabel=t("service_numbers.chart_churn_ylabel"),
                     highlight=list(UNHAPPY))


# ----------------------------------------------------------------------------------------------
# The complaint iceberg
# ----------------------------------------------------------------------------------------------
ICEBERG_DEFAULTS = {"customers": 1000, "defect_rate": 0.25, "notice_rate": 0.8,
                    "complain_rate": 0.05, "handled_rate": 0.7}


def iceberg_counts(customers=1000, defect_rate=0.25, notice_rate=0.8, complain_rate=0.05,
                   handled_rate=0.7) -> dict:
    """The complaint funnel: of ``customers``, how many meet a defect, notice it, complain, and
    get the complaint handled well. Each rate applies to the previous stage.

    Returns a dict with ``customers``, ``defects``, ``noticed``, ``complained``, ``handled``
    (expected counts, may be fractional), the four iceberg layers ``unnoticed`` (defects − noticed),
    ``silent`` (noticed − complained), ``unhandled`` (complained − handled), ``handled``, and
    ``silent_per_complaint`` (silent ÷ complained; nan when nobody complains).
    """
    _count("customers", customers)
    for name, value in (("defect_rate", defect_rate), ("notice_rate", notice_rate),
                        ("complain_rate", complain_rate), ("handled_rate", handled_rate)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not (
                0 <= value <= 1):
            raise CourseError("service_numbers.bad_rate", name=name, value=value)
    defects = customers * defect_rate
    noticed = defects * notice_rate
    complained = noticed * complain_rate
    handled = complained * handled_rate
    silent = noticed - complained
    return {
        "customers": float(customers),
        "defects": defects,
        "noticed": noticed,
        "complained": complained,
        "handled": handled,
        "unnoticed": defects - noticed,
        "silent": silent,
        "unhandled": complained - handled,
        "silent_per_complaint": silent / complained if complained > 0 else float("nan"),
    }


def _points(reduction: float) -> str:
    """0.05 -> "5"; 0.025 -> "2.5" (percentage points for captions)."""
    return f"{reduction * 100:g}"


def _reduced(rate: float, reduction) -> float:
    if isinstance(reduction, bool) or not isinstance(reduction, (int, float, np.floating)) or not (
            0 <= reduction <= 1):
        raise CourseError("service_numbers.bad_rate", name="churn_reduction", value=reduction)
    return max(rate - float(reduction), 0.0)


def _levels(name: str, values, rates: bool) -> np.ndarray:
    try:
        arr = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError):
        raise CourseError("service_numbers.bad_levels", name=name, count=len(LEVELS),
                          levels=choices(LEVELS), got="?") from None
    if arr.shape != (len(LEVELS),):
        raise CourseError("service_numbers.bad_levels", name=name, count=len(LEVELS),
                          levels=choices(LEVELS), got=arr.size)
    for value in arr:
        if not math.isfinite(value) or value < 0 or (rates and value > 1):
            key = "bad_rate" if rates else "bad_count"
            raise CourseError(f"service_numbers.{key}", name=name, value=value)
    return arr


def _count(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not (
            math.isfinite(value) and value >= 0):
        raise CourseError("service_numbers.bad_count", name=name, value=value)


def _require_table(obj, what: str) -> None:
    if not isinstance(obj, pd.DataFrame):
        raise CourseError("service_numbers.not_a_table", what=what, kind=type(obj).__name__)


def _require_columns(table: pd.DataFrame, needed) -> None:
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise CourseError("service_numbers.missing_columns", missing=choices(missing),
                          found=choices(table.columns) or "—")


__all__ = [
    "LEVELS", "DEFAULTS", "DEFAULT_CHURN", "DEFAULT_MIX", "service_numbers_table",
    "misconceptions_table", "pyramids_html", "pyramids", "top_share", "churn_by_satisfaction",
    "satisfaction_mix", "silent_unhappy", "repurchase_after_complaint", "blended_churn",
    "simulate_retention", "churn_reduction_value", "retention_chart", "churn_chart",
    "ICEBERG_DEFAULTS", "iceberg_counts",
]
