"""CLV calculator: move profit, retention, discount rate, years and acquisition cost; watch the CLV.

``calculator_view(...)`` is a pure function that computes everything the widget shows (the
year-by-year table of ``course.clv.clv_table``, the totals, a caption and HTML bars);
``clv_calculator()`` wires it to five sliders. HTML bars redraw instantly and need no font set-up.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.clv import clv_table, simple_clv
from course.core.i18n import CourseError, t
from course.core.plotting import ACCENT_COLOR, BASE_COLOR
from course.widgets.live import live

DEFAULTS = {"margin": 1000.0, "retention": 0.8, "discount_rate": 0.1, "years": 10,
            "acquisition_cost": 1500.0}

PRESENT_COLOR, CUMULATIVE_COLOR, COST_COLOR = BASE_COLOR, ACCENT_COLOR, "#5C6770"


@dataclass(frozen=True)
class CalculatorView:
    """What the calculator shows for one setting of the sliders."""

    table: pd.DataFrame  # clv_table(...)
    clv: float  # over ``years``
    clv_forever: float | None  # no time limit; None when it would be infinite
    net_value: float  # clv − acquisition cost
    payback_year: int | None  # first year whose cumulative CLV exceeds the acquisition cost
    caption: str
    chart_html: str


def _money(value: float) -> str:
    return f"{value:,.0f}"


def calculator_view(margin: float = DEFAULTS["margin"], retention: float = DEFAULTS["retention"],
                    discount_rate: float = DEFAULTS["discount_rate"],
                    years: int = DEFAULTS["years"],
                    acquisition_cost: float = DEFAULTS["acquisition_cost"]) -> CalculatorView:
    table = clv_table(margin, retention, discount_rate, years)
    clv = float(table["cumulative_clv"].iloc[-1])
    try:
        forever = simple_clv(margin, retention, discount_rate)
    except CourseError:  # retention 1 and no discount: the sum never ends
        forever = None
    covered = table.loc[table["cumulative_clv"] > acquisition_cost, "year"]
    payback = int(covered.iloc[0]) if len(covered) else None
    fields = dict(margin=_money(margin), retention=f"{retention:.0%}",
                  discount=f"{discount_rate:.0%}", years=years, clv=_money(clv),
                  cost=_money(acquisition_cost), net=_money(clv - acquisition_cost))
    if forever is None:
        caption = t("clv.calc_caption_forever_none", **fields)
    else:
        caption = t("clv.calc_caption", forever=_money(forever), **fields)
    caption += " " + (t("clv.calc_payback", year=payback) if payback is not None
                      else t("clv.calc_no_payback", years=years))
    return CalculatorView(table, clv, forever, clv - acquisition_cost, payback, caption,
                          _chart_html(table, acquisition_cost))


def _bar(value: float, widest: float, color: str) -> str:
    width = 0.0 if widest <= 0 else max(0.0, 100.0 * value / widest)
    return (
        '<div style="display:flex;align-items:center;height:11px;margin:1px 0">'
        f'<div style="width:{width * 0.8:.1f}%;height:100%;background:{color}"></div>'
        f'<span style="font-size:11px;margin-left:4px">{_money(value)}</span></div>'
    )


def _chart_html(table: pd.DataFrame, acquisition_cost: float) -> str:
    widest = max(float(table["cumulative_clv"].max()), float(acquisition_cost), 0.0)
    legend = (
        f'<span style="color:{PRESENT_COLOR}">■</span> {html.escape(t("clv.calc_col_present"))}　'
        f'<span style="color:{CUMULATIVE_COLOR}">■</span> '
        f'{html.escape(t("clv.calc_col_cumulative"))}　'
        f'<span style="color:{COST_COLOR}">┃</span> {html.escape(t("clv.calc_cost"))}'
    )
    cost_at = 0.0 if widest <= 0 else 80.0 * acquisition_cost / widest
    rows = []
    for rec in table.itertuples(index=False):
        rows.append(
            '<div style="display:flex;align-items:center;margin:3px 0">'
            f'<div style="width:4.5em;font-size:12px">{html.escape(t("clv.calc_col_year"))} '
            f'{rec.year}</div>'
            '<div style="flex:1;position:relative">'
            f'<div style="position:absolute;left:{cost_at:.1f}%;top:0;bottom:0;'
            f'border-left:2px solid {COST_COLOR}"></div>'
            f"{_bar(rec.present_value, widest, PRESENT_COLOR)}"
            f"{_bar(rec.cumulative_clv, widest, CUMULATIVE_COLOR)}"
            "</div></div>"
        )
    return (
        '<div style="max-width:560px">'
        f'<div style="font-weight:bold;margin-bottom:2px">{html.escape(t("clv.calc_chart_title"))}'
        f'</div><div style="font-size:12px;margin-bottom:4px">{legend}</div>'
        f"{''.join(rows)}</div>"
    )


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over calculator_view
# ----------------------------------------------------------------------------------------------
def clv_calculator(*, margin: float = DEFAULTS["margin"], retention: float = DEFAULTS["retention"],
                   discount_rate: float = DEFAULTS["discount_rate"], years: int = DEFAULTS["years"],
                   acquisition_cost: float = DEFAULTS["acquisition_cost"]):
    """An interactive CLV calculator (an ``ipywidgets.VBox``); the arguments set the start.

    The box carries ``.controls`` (dict by parameter name), ``.caption``, ``.chart`` and ``.view``
    (the last ``CalculatorView``) for trainers and tests.
    """
    import ipywidgets as w  # here, so that importing this module stays light

    # named, not **start: a misspelled name gets the door's Chinese message (course.core.keywords)
    values = {"margin": margin, "retention": retention, "discount_rate": discount_rate,
              "years": years, "acquisition_cost": acquisition_cost}
    calculator_view(**values)  # a bad start value fails here, with the catalog's message
    style = {"description_width": "7em"}
    controls = {
        "margin": w.FloatSlider(description=t("clv.calc_margin"), min=0, max=10000, step=100,
                                value=values["margin"], style=style, readout_format=",.0f"),
        "retention": w.FloatSlider(description=t("clv.calc_retention"), min=0, max=0.99,
                                   step=0.01, value=values["retention"], style=style,
                                   readout_format=".0%"),
        "discount_rate": w.FloatSlider(description=t("clv.calc_discount"), min=0, max=0.3,
                                       step=0.01, value=values["discount_rate"], style=style,
                                       readout_format=".0%"),
        "years": w.IntSlider(description=t("clv.calc_years"), min=1, max=30,
                             value=values["years"], style=style),
        "acquisition_cost": w.FloatSlider(description=t("clv.calc_cost"), min=0, max=20000,
                                          step=100, value=values["acquisition_cost"],
                                          style=style, readout_format=",.0f"),
    }
    caption, chart = w.HTML(), w.HTML()
    box = w.VBox([w.VBox(list(controls.values())), caption, chart])
    box.controls, box.caption, box.chart, box.view = controls, caption, chart, None

    def update(_change=None):
        view = calculator_view(**{name: c.value for name, c in controls.items()})
        caption.value = html.escape(view.caption)
        chart.value = view.chart_html
        box.view = view

    return live(box, controls.values(), update)


__all__ = ["CalculatorView", "calculator_view", "clv_calculator"]
