"""Retention-economics simulator: set the customer base, margin, costs, churn by satisfaction level
and the satisfaction mix; see customers and profit over the years, as is and with churn lowered.

``simulator_view(...)`` is pure (unit-tested directly); ``retention_simulator()`` wires it to
sliders. The chart is HTML/CSS bars (instant to redraw, no font set-up in JupyterLab or Voila).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import t

# the house colours, so the widget matches the course's matplotlib charts
from course.core.plotting import ACCENT_COLOR as BETTER_COLOR
from course.core.plotting import BASE_COLOR
from course.service_numbers import (
    DEFAULT_CHURN,
    DEFAULT_MIX,
    DEFAULTS,
    LEVELS,
    blended_churn,
    simulate_retention,
)
from course.widgets.live import live, show_view

LOSS_COLOR = "#b00020"


@dataclass(frozen=True, eq=False)
class SimulatorView:
    """What the simulator shows for one setting of the controls."""

    base: pd.DataFrame  # simulate_retention as is
    better: pd.DataFrame  # with churn lowered by ``reduction``
    churn: float  # blended churn as is
    extra_profit: float  # total profit gained over all years
    profit_change: float  # extra / |base profit| (nan when base profit is 0)
    caption: str
    chart_html: str
    table_html: str


def simulator_view(customers=DEFAULTS["customers"], margin=DEFAULTS["margin"],
                   acquisition_cost=DEFAULTS["acquisition_cost"],
                   retention_cost=DEFAULTS["retention_cost"],
                   new_customers=DEFAULTS["new_customers"], churn=DEFAULT_CHURN, mix=DEFAULT_MIX,
                   years=DEFAULTS["years"], reduction=0.05) -> SimulatorView:
    """Simulate as is and with churn lowered by ``reduction``; render caption, chart and table."""
    args = dict(customers=customers, margin=margin, acquisition_cost=acquisition_cost,
                retention_cost=retention_cost, new_customers=new_customers, churn=churn, mix=mix,
                years=years)
    base = simulate_retention(**args)
    better = simulate_retention(churn_reduction=reduction, **args)
    rate = blended_churn(churn, mix)
    total, total_after = float(base["profit"].sum()), float(better["profit"].sum())
    extra = total_after - total
    change = extra / abs(total) if total else float("nan")
    points = f"{reduction * 100:g}"
    caption = t(
        "service_numbers.sim_caption",
        churn=f"{rate:.1%}",
        base=f"{total:,.0f}",
        points=points,
        better=f"{total_after:,.0f}",
        extra=f"{extra:,.0f}",
        change=t("service_numbers.sim_change_none") if pd.isna(change) else f"{change:+.1%}",
    )
    if retention_cost > 0:
        caption += t("service_numbers.sim_caption_ratio", ratio=f"{acquisition_cost / retention_cost:g}",
                           acquisition=f"{acquisition_cost:,.0f}", retention=f"{retention_cost:,.0f}")
    else:
        caption += t("service_numbers.sim_caption_no_ratio")
    return SimulatorView(
        base=base,
        better=better,
        churn=rate,
        extra_profit=extra,
        profit_change=change,
        caption=caption,
        chart_html=_chart_html(base, better, points),
        table_html=_table_html(base, better),
    )


# ----------------------------------------------------------------------------------------------
# HTML rendering
# ----------------------------------------------------------------------------------------------
def _bar(value: float, widest: float, color: str) -> str:
    width = 0.0 if widest <= 0 else 100.0 * abs(value) / widest
    fill = LOSS_COLOR if value < 0 else color
    return (
        '<div style="display:flex;align-items:center;height:11px;margin:1px 0">'
        f'<div style="width:{width * 0.75:.1f}%;height:100%;background:{fill}"></div>'
        f'<span style="font-size:11px;margin-left:4px">{value:,.0f}</span></div>'
    )


def _panel(title: str, base: pd.Series, better: pd.Series, years: pd.Series) -> str:
    widest = float(max(base.abs().max(), better.abs().max(), 0.0))
    rows = "".join(
        '<div style="display:flex;align-items:center;margin:3px 0">'
        f'<div style="width:4.5em;font-size:12px">{html.escape(t("service_numbers.sim_year_label", year=y))}</div>'
        f'<div style="flex:1">{_bar(a, widest, BASE_COLOR)}{_bar(b, widest, BETTER_COLOR)}</div></div>'
        for y, a, b in zip(years, base, better)
    )
    return (f'<div style="flex:1;min-width:260px"><div style="font-weight:bold;margin-bottom:2px">'
            f'{html.escape(title)}</div>{rows}</div>')


def _chart_html(base: pd.DataFrame, better: pd.DataFrame, points: str) -> str:
    legend = (
        f'<span style="color:{BASE_COLOR}">■</span> {html.escape(t("service_numbers.legend_base"))}　'
        f'<span style="color:{BETTER_COLOR}">■</span> '
        f'{html.escape(t("service_numbers.legend_better", points=points))}'
    )
    return (
        '<div style="max-width:760px">'
        f'<div style="font-size:12px;margin-bottom:4px">{legend}</div>'
        '<div style="display:flex;gap:24px;flex-wrap:wrap">'
        f'{_panel(t("service_numbers.sim_chart_customers"), base["end"], better["end"], base["year"])}'
        f'{_panel(t("service_numbers.sim_chart_profit"), base["profit"], better["profit"], base["year"])}'
        "</div></div>"
    )


def _table_html(base: pd.DataFrame, better: pd.DataFrame) -> str:
    cell = "padding:2px 10px;border-bottom:1px solid #ddd;text-align:right;"
    head = (
        f'<tr><th style="{cell}text-align:left" rowspan="2">{html.escape(t("service_numbers.sim_col_year"))}</th>'
        f'<th style="{cell}text-align:center" colspan="2">{html.escape(t("service_numbers.sim_col_customers"))}</th>'
        f'<th style="{cell}text-align:center" colspan="2">{html.escape(t("service_numbers.sim_col_profit"))}</th></tr>'
        + "<tr>" + "".join(
            f'<th style="{cell}">{html.escape(t("service_numbers.sim_col_" + k))}</th>'
            for k in ("base", "better", "base", "better")) + "</tr>"
    )
    rows = "".join(
        f'<tr><td style="{cell}text-align:left">{html.escape(t("service_numbers.sim_year_label", year=y))}</td>'
        f'<td style="{cell}">{a:,.0f}</td><td style="{cell}">{b:,.0f}</td>'
        f'<td style="{cell}">{p:,.0f}</td><td style="{cell}">{q:,.0f}</td></tr>'
        for y, a, b, p, q in zip(base["year"], base["end"], better["end"], base["profit"], better["profit"])
    )
    return f'<table style="border-collapse:collapse;font-size:13px">{head}{rows}</table>'


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over simulator_view
# ----------------------------------------------------------------------------------------------
def retention_simulator(customers=DEFAULTS["customers"], margin=DEFAULTS["margin"],
                        acquisition_cost=DEFAULTS["acquisition_cost"],
                        retention_cost=DEFAULTS["retention_cost"],
                        new_customers=DEFAULTS["new_customers"], churn=DEFAULT_CHURN,
                        mix=DEFAULT_MIX, years=DEFAULTS["years"], reduction=0.05):
    """An interactive simulator (``ipywidgets.VBox``); the arguments are the starting values.

    The box carries ``.controls`` (dict), ``.caption``, ``.chart``, ``.table`` and ``.view``
    (the last ``SimulatorView``) for trainers and tests.
    """
    import ipywidgets as w

    simulator_view(customers, margin, acquisition_cost, retention_cost, new_customers, churn, mix,
                   years, reduction)  # fail early, with the Chinese message, on bad starting values
    style = {"description_width": "9em"}
    layout = w.Layout(width="340px")

    def slider(kind, key, value, lo, hi, step, fmt=None):
        extra = {"readout_format": fmt} if fmt else {}
        return kind(description=t(f"service_numbers.{key}"), value=value, min=lo, max=hi,
                    step=step, style=style, layout=layout, continuous_update=False, **extra)

    total_mix = sum(mix) or 1.0
    controls = {
        "customers": slider(w.IntSlider, "sim_customers", int(customers), 0, max(100_000, int(customers)), 500),
        "margin": slider(w.FloatSlider, "sim_margin", float(margin), 0, max(3000.0, margin), 10, ".0f"),
        "acquisition_cost": slider(w.FloatSlider, "sim_acquisition", float(acquisition_cost), 0,
                                   max(5000.0, acquisition_cost), 10, ".0f"),
        "retention_cost": slider(w.FloatSlider, "sim_retention", float(retention_cost), 0,
                                 max(2000.0, retention_cost), 10, ".0f"),
        "new_customers": slider(w.IntSlider, "sim_new", int(new_customers), 0,
                                max(20_000, int(new_customers)), 100),
        "reduction": slider(w.FloatSlider, "sim_reduction", float(reduction), 0, 0.3, 0.01, ".0%"),
    }
    churn_controls = [
        w.FloatSlider(description=level, value=float(rate), min=0, max=1, step=0.01, readout_format=".0%",
                      style=style, layout=layout, continuous_update=False)
        for level, rate in zip(LEVELS, churn)
    ]
    mix_controls = [
        w.IntSlider(description=level, value=int(round(100 * share / total_mix)), min=0, max=100,
                    style=style, layout=layout, continuous_update=False)
        for level, share in zip(LEVELS, mix)
    ]
    controls["churn"], controls["mix"] = churn_controls, mix_controls

    def header(key):
        return w.HTML(f"<b>{html.escape(t('service_numbers.' + key))}</b>")

    money = [controls[k] for k in ("customers", "new_customers", "margin", "acquisition_cost",
                                   "retention_cost", "reduction")]
    panel = w.HBox([
        w.VBox([header("sim_money_header"), *money]),
        w.VBox([header("sim_churn_header"), *churn_controls]),
        w.VBox([header("sim_mix_header"), *mix_controls]),
    ], layout=w.Layout(flex_flow="row wrap"))
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([panel, caption, chart, table])
    box.controls, box.caption, box.chart, box.table = controls, caption, chart, table
    box.view = None

    def update(_change=None):
        # e.g. every mix weight at 0 shows as a red caption
        show_view(box, lambda: simulator_view(
            customers=controls["customers"].value,
            margin=controls["margin"].value,
            acquisition_cost=controls["acquisition_cost"].value,
            retention_cost=controls["retention_cost"].value,
            new_customers=controls["new_customers"].value,
            churn=[c.value for c in churn_controls],
            mix=[c.value for c in mix_controls],
            years=years,
            reduction=controls["reduction"].value,
        ), caption, chart, table)

    return live(box, [*money, *churn_controls, *mix_controls], update)


__all__ = ["SimulatorView", "simulator_view", "retention_simulator"]
