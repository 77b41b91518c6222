"""NPS simulator: move detractors and promoters between groups and watch the score move.

``nps_simulator_view(promoters, passives, detractors, …moves)`` is a pure function that computes
everything the widget shows; ``nps_simulator(surveys)`` wires it to three sliders. Every move is
counted against the group's size *before* any move, and all moves happen at once, so the order of
the sliders never matters. The picture is HTML/CSS (a stacked bar), instant to redraw.

What it teaches: turning one detractor into a passive raises NPS exactly as much as turning one
passive into a promoter (+100/n each), and a change smaller than the survey's confidence interval
cannot be told apart from noise.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from numbers import Integral

import pandas as pd

from course.core.i18n import CourseError, t
from course.satisfaction import nps_counts, nps_from_counts
from course.widgets.live import live

PROMOTER_COLOR, PASSIVE_COLOR, DETRACTOR_COLOR = "#2B8A3E", "#A9B4C2", "#C92A2A"


@dataclass(frozen=True)
class NpsSimView:
    promoters: int
    passives: int
    detractors: int
    nps: float
    ci_low: float
    ci_high: float
    baseline: float
    baseline_low: float
    baseline_high: float
    delta: float
    outside_baseline: bool  # the new score lies outside the original confidence interval
    html: str


def nps_simulator_view(promoters: int, passives: int, detractors: int,
                       detractors_to_passive: int = 0, passives_to_promoter: int = 0,
                       promoters_to_passive: int = 0) -> NpsSimView:
    """The counts, NPS, interval and HTML after the moves (each move ≤ its group's size)."""
    base = nps_from_counts(promoters, passives, detractors)
    promoters, passives, detractors = base["promoters"], base["passives"], base["detractors"]
    for asked, available in ((detractors_to_passive, detractors),
                             (passives_to_promoter, passives),
                             (promoters_to_passive, promoters)):
        if isinstance(asked, bool) or not isinstance(asked, Integral) or not 0 <= asked <= available:
            raise CourseError("satisfaction.nps_sim_bad_move", asked=asked, available=available)
    p = promoters + passives_to_promoter - promoters_to_passive
    d = detractors - detractors_to_passive
    n = passives + detractors_to_passive - passives_to_promoter + promoters_to_passive
    new = nps_from_counts(p, n, d)
    outside = not base["ci_low"] <= new["nps"] <= base["ci_high"]
    return NpsSimView(
        promoters=p, passives=n, detractors=d, nps=new["nps"], ci_low=new["ci_low"],
        ci_high=new["ci_high"], baseline=base["nps"], baseline_low=base["ci_low"],
        baseline_high=base["ci_high"], delta=new["nps"] - base["nps"], outside_baseline=outside,
        html=_html(new, base, outside),
    )


def _segment(share: float, color: str, label: str, count: int) -> str:
    text = f"{html.escape(label)} {count}" if share >= 0.12 else ""
    return (f'<div style="width:{100 * share:.2f}%;background:{color};color:white;'
            f'font-size:12px;line-height:26px;text-align:center;overflow:hidden;'
            f'white-space:nowrap">{text}</div>')


def _html(new: dict, base: dict, outside: bool) -> str:
    bar = "".join([
        _segment(new["promoter_share"], PROMOTER_COLOR, t("satisfaction.group_promoter"),
                 new["promoters"]),
        _segment(new["passive_share"], PASSIVE_COLOR, t("satisfaction.group_passive"),
                 new["passives"]),
        _segment(new["detractor_share"], DETRACTOR_COLOR, t("satisfaction.group_detractor"),
                 new["detractors"]),
    ])
    delta = new["nps"] - base["nps"]
    color = PROMOTER_COLOR if delta > 0 else DETRACTOR_COLOR if delta < 0 else "#5C6770"
    verdict = t("satisfaction.nps_sim_moved" if outside else "satisfaction.nps_sim_within")
    caption = t("satisfaction.nps_sim_caption", n=new["respondents"], promoters=new["promoters"],
                passives=new["passives"], detractors=new["detractors"])
    return (
        '<div style="max-width:560px">'
        f'<div style="font-size:26px;font-weight:bold">'
        f'{html.escape(t("satisfaction.nps_sim_score", nps=new["nps"]))}'
        f' <span style="font-size:15px;color:{color}">'
        f'{html.escape(t("satisfaction.nps_sim_change", delta=delta))}</span></div>'
        f'<div style="font-size:13px;margin:2px 0 6px">{html.escape(caption)}</div>'
        f'<div style="display:flex;height:26px;border-radius:3px;overflow:hidden">{bar}</div>'
        f'<div style="font-size:12px;margin-top:6px">'
        f'{html.escape(t("satisfaction.nps_sim_interval", low=new["ci_low"], high=new["ci_high"]))}'
        f'</div><div style="font-size:12px;color:#5C6770">{html.escape(verdict)}</div></div>'
    )


def _counts(source) -> dict:
    if isinstance(source, pd.DataFrame):
        if "nps" not in source.columns:
            raise CourseError("satisfaction.missing_columns", what="surveys", missing="nps",
                              found="、".join(map(str, source.columns)) or "—")
        source = source["nps"]
    return nps_counts(source)


def nps_simulator(surveys=None, *, promoters: int | None = None, passives: int | None = None,
                  detractors: int | None = None):
    """An NPS simulator (``ipywidgets.VBox``) starting from a survey table, its nps column, or
    three counts. The box carries ``.controls``, ``.output`` (HTML widget) and ``.view``."""
    import ipywidgets as w  # imported here so that importing this module stays light

    if surveys is not None:
        counts = _counts(surveys)
    else:
        counts = {"promoters": promoters or 0, "passives": passives or 0,
                  "detractors": detractors or 0}
    start = (counts["promoters"], counts["passives"], counts["detractors"])
    nps_simulator_view(*start)  # fails early, in Chinese, on bad counts
    style = {"description_width": "9em"}
    layout = w.Layout(width="460px")
    controls = {
        "detractors_to_passive": w.IntSlider(description=t("satisfaction.nps_sim_detractors"),
                                             min=0, max=start[2], style=style, layout=layout),
        "passives_to_promoter": w.IntSlider(description=t("satisfaction.nps_sim_passives"),
                                            min=0, max=start[1], style=style, layout=layout),
        "promoters_to_passive": w.IntSlider(description=t("satisfaction.nps_sim_lost"),
                                            min=0, max=start[0], style=style, layout=layout),
    }
    output = w.HTML()
    box = w.VBox([w.HTML(f"<b>{html.escape(t('satisfaction.nps_sim_title'))}</b>"),
                  *controls.values(), output])
    box.controls, box.output, box.view = controls, output, None

    def update(_change=None):
        view = nps_simulator_view(*start, **{k: c.value for k, c in controls.items()})
        output.value = view.html
        box.view = view

    return live(box, controls.values(), update)


__all__ = ["NpsSimView", "nps_simulator_view", "nps_simulator"]
