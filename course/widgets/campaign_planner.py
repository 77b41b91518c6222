"""Campaign planner: set the budget and the offer, see whom to contact and the expected return.

``planner_view(values, budget, offer)`` is a pure function computing everything the widget shows
(it calls ``course.campaign.plan_campaign``); ``campaign_planner(values)`` wires it to two sliders.
HTML/CSS bars, as in the other course widgets: instant and no font set-up.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.campaign import CONTACT_COST, MARGIN, CampaignPlan, plan_campaign
from course.core.i18n import t
from course.core.plotting import ACCENT_COLOR, BASE_COLOR
from course.widgets.live import live
from course.widgets.text_table import widget_table_html

DEFAULT_BUDGET, DEFAULT_OFFER = 20_000, 50
SHOW_TARGETS = 10


@dataclass
class PlannerView:
    budget: float
    offer: float
    plan: CampaignPlan
    caption: str
    chart_html: str
    table_html: str


def _money(value: float) -> str:
    return f"{value:,.0f}"


def planner_view(values: pd.DataFrame, budget: float = DEFAULT_BUDGET,
                 offer: float = DEFAULT_OFFER, margin: float = MARGIN,
                 contact_cost: float = CONTACT_COST) -> PlannerView:
    """The plan for one budget and offer, with the caption, the comparison chart and the list."""
    plan = plan_campaign(values, budget, offer, margin, contact_cost)
    precise, everyone = plan.summary.iloc[0], plan.summary.iloc[1]
    if precise["contacted"] == 0:
        caption = t("campaign.planner_empty")
    else:
        caption = t("campaign.planner_caption", offer=_money(offer), budget=_money(budget),
                    contacted=f"{precise['contacted']:,}",
                    responders=f"{precise['responders']:,.0f}",
                    cost=_money(precise["cost"]), profit=_money(precise["profit"]))
    caption += " " + t("campaign.planner_compare", everyone=f"{everyone['contacted']:,}",
                       cost_all=_money(everyone["cost"]), profit_all=_money(everyone["profit"]))
    return PlannerView(budget=budget, offer=offer, plan=plan, caption=caption,
                       chart_html=_chart_html(plan.summary),
                       table_html=_targets_html(plan.targets.head(SHOW_TARGETS)))


def _bar(value: float, widest: float, color: str) -> str:
    # a loss is drawn as a hatched grey bar with a minus sign in the label
    width = 0.0 if widest <= 0 else 100.0 * abs(value) / widest
    fill = color if value >= 0 else "repeating-linear-gradient(45deg,#999 0 3px,#ddd 3px 6px)"
    return ('<div style="display:flex;align-items:center;height:12px;margin:1px 0">'
            f'<div style="width:{width * 0.75:.1f}%;height:100%;background:{fill}"></div>'
            f'<span style="font-size:11px;margin-left:4px">{_money(value)}</span></div>')


def _chart_html(summary: pd.DataFrame) -> str:
    widest = float(summary[["cost", "profit"]].abs().to_numpy().max())
    legend = (f'<span style="color:{BASE_COLOR}">■</span> '
              f'{html.escape(t("campaign.planner_legend_cost"))}　'
              f'<span style="color:{ACCENT_COLOR}">■</span> '
              f'{html.escape(t("campaign.planner_legend_profit"))}')
    rows = "".join(
        '<div style="display:flex;align-items:center;margin:3px 0">'
        f'<div style="width:6em;font-size:13px">{html.escape(str(rec.plan))}</div>'
        f'<div style="flex:1">{_bar(rec.cost, widest, BASE_COLOR)}'
        f"{_bar(rec.profit, widest, ACCENT_COLOR)}</div></div>"
        for rec in summary.itertuples(index=False))
    return ('<div style="max-width:560px"><div style="font-weight:bold;margin-bottom:2px">'
            f'{html.escape(t("campaign.planner_chart_title"))}</div>'
            f'<div style="font-size:12px;margin-bottom:4px">{legend}</div>{rows}</div>')


def _targets_html(targets: pd.DataFrame) -> str:
    heads = [t("campaign.planner_col_" + h)
             for h in ("customer", "avg_order", "propensity", "response", "expected_profit")]
    rows = [(rec.customer_id, f"{rec.avg_order:,.0f}", f"{rec.propensity:.0%}", f"{rec.response:.0%}",
             f"{rec.expected_profit:,.0f}") for rec in targets.itertuples(index=False)]
    title = html.escape(t("campaign.planner_targets_title", n=len(targets)))
    return (f'<div style="font-weight:bold;margin:6px 0 2px">{title}</div>'
            + widget_table_html(heads, rows, right=(1, 2, 3, 4)))


def campaign_planner(values: pd.DataFrame, margin: float = MARGIN,
                     contact_cost: float = CONTACT_COST):
    """An interactive campaign planner (``ipywidgets.VBox``) over ``value_table(...)``.

    The box carries ``.controls`` (budget, offer), ``.caption``, ``.chart``, ``.table`` and
    ``.view`` (the last ``PlannerView``).
    """
    import ipywidgets as w

    controls = {
        "budget": w.IntSlider(description=t("campaign.planner_budget"), min=0, max=100_000,
                              step=1_000, value=DEFAULT_BUDGET, continuous_update=False,
                              style={"description_width": "initial"}),
        "offer": w.IntSlider(description=t("campaign.planner_offer"), min=0, max=300, step=10,
                             value=DEFAULT_OFFER, continuous_update=False,
                             style={"description_width": "initial"}),
    }
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([w.HBox(list(controls.values())), caption, chart, table])
    box.controls, box.caption, box.chart, box.table = controls, caption, chart, table
    box.view = None

    def update(_change=None):
        view = planner_view(values, controls["budget"].value, controls["offer"].value,
                            margin, contact_cost)
        caption.value = html.escape(view.caption)
        chart.value, table.value = view.chart_html, view.table_html
        box.view = view

    return live(box, controls.values(), update)


__all__ = ["PlannerView", "planner_view", "campaign_planner"]
