"""RFM explorer: move the analysis date, the high/low rule and the score bins, watch the segments.

``explorer_view(base, as_of, split, bins)`` is a pure function that computes everything the widget
shows; ``rfm_explorer(orders)`` wires it to three controls. The chart is HTML/CSS bars, not a
matplotlib figure: redrawing a figure into an Output took far longer than the whole RFM
computation, and HTML needs no font set-up in JupyterLab or Voila.

Speed: ``prepare(orders)`` (``course.rfm.prepare_orders``) checks the orders once, factorizes the
customer ids and sorts the orders by date. Each update then slices the orders up to ``as_of``
(binary search) and aggregates integer codes with numpy, so moving the date earlier costs about
the same as later.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import CourseError, choices, t

# the house colours, so the widget matches the course's matplotlib charts
from course.core.plotting import ACCENT_COLOR as REVENUE_COLOR
from course.core.plotting import BASE_COLOR as CUSTOMER_COLOR
from course.rfm import (
    SPLITS,
    RfmBase,
    analysis_day,
    prepare_orders,
    rfm_scores,
    rfm_segments,
    segment_summary,
)
from course.widgets.live import live, show_view
from course.widgets.text_table import widget_table_html

MIN_BINS, MAX_BINS, DEFAULT_BINS = 3, 10, 5


# the widget's one-off preparation lives in course.rfm, next to the aggregation it feeds
prepare = prepare_orders


@dataclass(frozen=True, eq=False)
class ExplorerView:
    """What the widget shows for one setting of the controls."""

    as_of: pd.Timestamp
    split: str
    bins: int
    summary: pd.DataFrame  # segment_summary of the customers as of ``as_of``
    caption: str
    table_html: str
    chart_html: str


def explorer_view(rfm_base: RfmBase, as_of=None, split: str = "mean",
                  bins: int = DEFAULT_BINS) -> ExplorerView:
    """Segment the customers as of ``as_of`` and render the caption, the table and the chart."""
    day = rfm_base.default_as_of if as_of is None else analysis_day(as_of)
    if split not in SPLITS:  # checked before the work, so a bad rule fails fast
        raise CourseError("rfm.bad_split", split=split, valid=choices(SPLITS))
    table = rfm_base.table(day)
    summary = segment_summary(rfm_segments(rfm_scores(table, bins=bins), split=split))
    caption = t(
        "rfm.explorer_caption",
        as_of=day.date().isoformat(),
        customers=f"{len(table):,}",
        revenue=f"{table['monetary'].sum():,.0f}",
        bins=bins,
        split=t(f"rfm.explorer_split_{split}"),
    )
    return ExplorerView(
        as_of=day,
        split=split,
        bins=bins,
        summary=summary,
        caption=caption,
        table_html=_table_html(summary),
        chart_html=_chart_html(summary),
    )


# ----------------------------------------------------------------------------------------------
# HTML rendering (inline styles only: they survive JupyterLab, Voila and exported HTML alike)
# ----------------------------------------------------------------------------------------------
def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def _table_html(summary: pd.DataFrame) -> str:
    heads = [t("rfm.explorer_col_" + h)
             for h in ("segment", "customers", "customer_share", "revenue_share", "action")]
    rows = [(rec.segment, f"{rec.customers:,}", _pct(rec.customer_share), _pct(rec.revenue_share),
             rec.action) for rec in summary.itertuples(index=False)]
    # the action column is wide, not tall
    return widget_table_html(heads, rows, right=(1, 2, 3), styles={0: "white-space:nowrap;", 4: "min-width:24em;"})


def _bar(share: float, widest: float, color: str) -> str:
    width = 0.0 if pd.isna(share) or share <= 0 or widest <= 0 else 100.0 * share / widest
    return (
        '<div style="display:flex;align-items:center;height:11px;margin:1px 0">'
        f'<div style="width:{width * 0.8:.1f}%;height:100%;background:{color}"></div>'
        f'<span style="font-size:11px;margin-left:4px">{_pct(share)}</span></div>'
    )


def _chart_html(summary: pd.DataFrame) -> str:
    shares = pd.concat([summary["customer_share"], summary["revenue_share"]])
    widest = float(shares.max()) if shares.notna().any() else 0.0
    legend = (
        f'<span style="color:{CUSTOMER_COLOR}">■</span> '
        f'{html.escape(t("rfm.explorer_legend_customers"))}　'
        f'<span style="color:{REVENUE_COLOR}">■</span> '
        f'{html.escape(t("rfm.explorer_legend_revenue"))}'
    )
    rows = []
    for rec in summary.itertuples(index=False):
        rows.append(
            '<div style="display:flex;align-items:center;margin:3px 0">'
            f'<div style="width:7em;font-size:13px">{html.escape(str(rec.segment))}</div>'
            '<div style="flex:1">'
            f"{_bar(rec.customer_share, widest, CUSTOMER_COLOR)}"
            f"{_bar(rec.revenue_share, widest, REVENUE_COLOR)}"
            "</div></div>"
        )
    return (
        '<div style="max-width:560px">'
        f'<div style="font-weight:bold;margin-bottom:2px">'
        f'{html.escape(t("rfm.explorer_chart_title"))}</div>'
        f'<div style="font-size:12px;margin-bottom:4px">{legend}</div>'
        f"{''.join(rows)}</div>"
    )


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over explorer_view
# ----------------------------------------------------------------------------------------------
def _widgets():
    import ipywidgets  # imported here so that `import course.widgets.rfm_explorer` stays light

    return ipywidgets


def rfm_explorer(orders: pd.DataFrame, as_of=None, *, customer_col: str = "customer_id",
                 date_col: str = "order_date", amount_col: str = "amount"):
    """An interactive RFM explorer (an ``ipywidgets.VBox``) for a table of orders.

    The returned box carries ``.controls`` (dict: as_of, split, bins), ``.caption``, ``.table``,
    ``.chart`` (HTML widgets) and ``.view`` (the last ``ExplorerView``) for trainers and tests.
    """
    w = _widgets()
    base = prepare(orders, customer_col=customer_col, date_col=date_col, amount_col=amount_col)
    start = base.default_as_of if as_of is None else analysis_day(as_of)
    controls = {
        "as_of": w.DatePicker(
            description=t("rfm.explorer_as_of"),
            value=start.date(),
            min=base.first_day.date(),
            max=(max(start, base.default_as_of) + pd.Timedelta(days=366)).date(),
        ),
        "split": w.Dropdown(
            description=t("rfm.explorer_split"),
            options=[(t(f"rfm.explorer_split_{s}"), s) for s in SPLITS],
            value="mean",
        ),
        "bins": w.IntSlider(
            description=t("rfm.explorer_bins"),
            min=MIN_BINS,
            max=MAX_BINS,
            value=DEFAULT_BINS,
            continuous_update=False,  # one update per release, not one per pixel dragged
        ),
    }
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([w.HBox(list(controls.values())), caption, chart, table])
    box.controls, box.caption, box.chart, box.table = controls, caption, chart, table
    box.base = base
    box.view = None

    def update(_change=None):
        day = controls["as_of"].value  # None when the trainee clears the picker: use the default
        # e.g. a date before the first purchase shows as a red caption
        show_view(box, lambda: explorer_view(base, day, controls["split"].value, controls["bins"].value),
                  caption, chart, table)

    return live(box, controls.values(), update)


__all__ = ["RfmBase", "ExplorerView", "prepare", "explorer_view", "rfm_explorer"]
