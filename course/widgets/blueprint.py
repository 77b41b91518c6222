"""Service blueprint / moments-of-truth builder: rate each touch point, see where the journey breaks.

``blueprint_view(ratings, threshold)`` is a pure function that computes everything the widget shows
(the rated journey, the weakest link, the messages and an HTML/CSS journey chart);
``service_blueprint()`` wires it to one slider per touch point. HTML instead of matplotlib keeps an
update far below 100 ms and needs no font set-up in JupyterLab or Voila.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import choices, t
from course.service_design import (
    DEFAULT_THRESHOLD,
    RATING_MAX,
    RATING_MIN,
    journey_table,
    stage_description,
)
from course.widgets.live import live

# A plausible starting point for 悦家优选 (a classroom assumption, not survey data): trainees change it.
DEFAULT_RATINGS = {"咨询": 4, "下单": 5, "配送": 4, "安装": 2, "使用": 4, "报修": 3, "回访": 3}

BROKEN_COLOR, WARN_COLOR, GOOD_COLOR = "#C92A2A", "#E8A33D", "#2F9E44"


@dataclass(frozen=True, eq=False)
class BlueprintView:
    """What the widget shows for one set of ratings."""

    table: pd.DataFrame  # journey_table(ratings, threshold)
    weakest: list  # touch point(s) with the lowest rating
    broken: list  # touch points below the threshold
    message: str  # the plain-language reading of the journey
    chart_html: str


def _color(rating: float, threshold: float) -> str:
    if rating < threshold:
        return BROKEN_COLOR
    return WARN_COLOR if rating < threshold + 1 else GOOD_COLOR


def blueprint_view(ratings=None, threshold: float = DEFAULT_THRESHOLD) -> BlueprintView:
    """Rate the journey and render it; ``ratings`` defaults to ``DEFAULT_RATINGS``."""
    table = journey_table(DEFAULT_RATINGS if ratings is None else ratings, threshold)
    weakest = table.loc[table["weakest"], "touchpoint"].tolist()
    broken = table.loc[table["broken"], "touchpoint"].tolist()
    parts = [t("service_design.bp_summary", mean=table["rating"].mean(), low=table["rating"].min())]
    if broken:
        parts.append(t("service_design.bp_broken", threshold=threshold, stages=choices(broken)))
        parts.append(t("service_design.bp_weakest", stages=choices(weakest)))
    else:
        parts.append(t("service_design.bp_all_good", threshold=threshold))
    message = " ".join(parts)
    return BlueprintView(table=table, weakest=weakest, broken=broken, message=message,
                         chart_html=_chart_html(table, threshold))


def _chart_html(table: pd.DataFrame, threshold: float) -> str:
    bar_area = 90  # px for a rating of RATING_MAX
    line_y = bar_area * (threshold - RATING_MIN + 1) / (RATING_MAX - RATING_MIN + 1)
    columns = []
    for rec in table.itertuples(index=False):
        color = _color(rec.rating, threshold)
        height = bar_area * (rec.rating - RATING_MIN + 1) / (RATING_MAX - RATING_MIN + 1)
        border = f"3px solid {BROKEN_COLOR}" if rec.weakest and rec.broken else "1px solid #ccc"
        desc = stage_description(rec.touchpoint)
        columns.append(
            f'<div style="flex:1;min-width:78px;margin:0 2px;border:{border};border-radius:6px;'
            'padding:4px;background:#fff">'
            f'<div style="font-weight:bold;text-align:center">{rec.step}. {html.escape(rec.touchpoint)}</div>'
            f'<div style="position:relative;height:{bar_area}px;border-bottom:1px solid #999">'
            f'<div style="position:absolute;bottom:{line_y:.0f}px;left:0;right:0;'
            f'border-top:1px dashed {BROKEN_COLOR}"></div>'
            f'<div style="position:absolute;bottom:0;left:25%;width:50%;height:{height:.0f}px;'
            f'background:{color}"></div></div>'
            f'<div style="text-align:center;font-size:15px;color:{color};font-weight:bold">'
            f"{rec.rating:g}</div>"
            f'<div style="font-size:11px;line-height:1.3;min-height:4.2em">{html.escape(desc["front"])}</div>'
            '<div style="border-top:2px dotted #888;margin:3px 0"></div>'
            f'<div style="font-size:11px;line-height:1.3;color:#666">{html.escape(desc["back"])}</div>'
            "</div>"
        )
        if rec.step < len(table):
            columns.append('<div style="align-self:center;color:#888">→</div>')
    legend = (
        f'<div style="font-size:12px;margin:4px 0">'
        f'<span style="color:{BROKEN_COLOR}">- - -</span> {html.escape(t("service_design.bp_threshold"))}'
        f" {threshold:g}　·　{html.escape(t('service_design.bp_front'))} / "
        f"{html.escape(t('service_design.bp_back'))}：{html.escape(t('service_design.bp_line'))}</div>"
    )
    return f'<div style="max-width:900px"><div style="display:flex">{"".join(columns)}</div>{legend}</div>'


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over blueprint_view
# ----------------------------------------------------------------------------------------------
def service_blueprint(ratings=None, threshold: float = DEFAULT_THRESHOLD):
    """An interactive blueprint (an ``ipywidgets.VBox``): one 1-5 slider per touch point.

    The box carries ``.sliders`` (dict touch point -> IntSlider), ``.message``, ``.chart`` and
    ``.view`` (the last ``BlueprintView``) for trainers and tests.
    """
    import ipywidgets as w  # imported here so the module stays light

    start = blueprint_view(ratings, threshold)  # validates the starting ratings first
    sliders = {
        stage: w.IntSlider(description=stage, min=RATING_MIN, max=RATING_MAX,
                           value=int(round(rating)), continuous_update=False,
                           layout=w.Layout(width="260px"))
        for stage, rating in zip(start.table["touchpoint"], start.table["rating"])
    }
    caption = w.HTML(html.escape(t("service_design.bp_caption", threshold=threshold)))
    message, chart = w.HTML(), w.HTML()
    box = w.VBox([caption, w.HBox([w.VBox(list(sliders.values())[:4]), w.VBox(list(sliders.values())[4:])]),
                  message, chart])
    box.sliders, box.message, box.chart, box.view = sliders, message, chart, None

    def update(_change=None):
        view = blueprint_view({s: sl.value for s, sl in sliders.items()}, threshold)
        message.value = f"<b>{html.escape(view.message)}</b>"
        chart.value = view.chart_html
        box.view = view

    return live(box, sliders.values(), update)


__all__ = ["DEFAULT_RATINGS", "BlueprintView", "blueprint_view", "service_blueprint"]
