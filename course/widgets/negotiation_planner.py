"""Negotiation planner: set the four prices and the concessions, see the zone of agreement and the
mistakes in the plan.

``planner_view(...)`` is a pure function that computes everything the widget shows (a caption, a
price line drawn in HTML, the step table and the findings); ``negotiation_planner()`` wires it to
five controls. The drawing is HTML/CSS, not matplotlib, so an update takes milliseconds.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import t

# the house colours, so the widget matches the course's matplotlib charts
from course.core.plotting import ACCENT_COLOR, BASE_COLOR
from course.negotiation import Zone, bargaining_zone, concession_plan, parse_concessions, plan_issues
from course.widgets.live import live, show_view
from course.widgets.text_table import widget_table_html

ZONE_COLOR, FLOOR_COLOR = "#c8e6c9", "#b00020"

DEFAULTS = {"opening": 52_000, "target": 46_000, "walk_away": 42_000, "their_limit": 47_000,
            "concessions": "3000, 2000, 1000"}


@dataclass(frozen=True, eq=False)
class PlannerView:
    plan: pd.DataFrame
    zone: Zone | None
    final: float
    issues: list[str]
    caption: str
    chart_html: str
    table_html: str


def _money(x: float) -> str:
    return f"{x:,.0f}"


def planner_view(opening=DEFAULTS["opening"], target=DEFAULTS["target"],
                 walk_away=DEFAULTS["walk_away"], their_limit=DEFAULTS["their_limit"],
                 concessions=DEFAULTS["concessions"]) -> PlannerView:
    """The plan, the zone, the findings and their HTML for one setting of the controls."""
    plan = concession_plan(opening, target, walk_away, concessions)
    zone = bargaining_zone(walk_away, their_limit)
    issues = plan_issues(opening, target, walk_away, concessions, their_limit)
    opening = float(opening)
    final = float(plan["price"].iloc[-1]) if len(plan) else opening
    zone_text = (t("negotiation.planner_zone", low=_money(zone.low), high=_money(zone.high),
                   width=_money(zone.width)) if zone else t("negotiation.planner_no_zone"))
    caption = t("negotiation.planner_caption", opening=_money(opening), steps=len(plan),
                given=_money(opening - final), final=_money(final), zone=zone_text)
    marks = {
        "opening": opening, "target": float(target), "floor": float(walk_away),
        "limit": float(their_limit), "final": final,
    }
    return PlannerView(plan=plan, zone=zone, final=final, issues=issues, caption=caption,
                       chart_html=_line_html(marks, zone, plan),
                       table_html=_table_html(plan, issues))


def _line_html(marks: dict, zone: Zone | None, plan: pd.DataFrame) -> str:
    """A horizontal price line: the zone shaded green, a tick for each price, dots for the steps."""
    values = list(marks.values()) + list(plan["price"])
    low, high = min(values), max(values)
    pad = max((high - low) * 0.08, 1.0)
    low, high = low - pad, high + pad

    def pos(x: float) -> float:
        return 100.0 * (x - low) / (high - low)

    parts = [f'<div style="position:relative;height:88px;width:{LINE_PX}px;max-width:100%;margin:6px 0 4px 0">',
             '<div style="position:absolute;top:40px;left:0;right:0;height:2px;background:#999"></div>']
    if zone:
        parts.append(f'<div style="position:absolute;top:32px;height:18px;left:{pos(zone.low):.1f}%;'
                     f'width:{max(pos(zone.high) - pos(zone.low), 0.5):.1f}%;background:{ZONE_COLOR}" '
                     f'title="{html.escape(t("negotiation.planner_line_zone"))}"></div>')
    for price in plan["price"]:
        parts.append(f'<div style="position:absolute;top:36px;left:calc({pos(price):.1f}% - 5px);width:10px;'
                     f'height:10px;border-radius:5px;background:{BASE_COLOR}"></div>')
    colors = {"opening": BASE_COLOR, "target": BASE_COLOR, "floor": FLOOR_COLOR, "limit": "#555",
              "final": ACCENT_COLOR}
    placed: dict[int, list[tuple[float, float]]] = {top: [] for top in LANES}
    for key in sorted(colors, key=lambda k: (marks[k], k)):
        x, color = pos(marks[key]), colors[key]
        label = f"{t('negotiation.planner_line_' + key)} {_money(marks[key])}"
        # near an edge the label hangs inwards, so it is never cut off
        shift, left = ("0", x) if x < 12 else ("-100%", x - _width(label)) if x > 88 else ("-50%", x - _width(label) / 2)
        span = (left, left + _width(label))
        # the first lane (above the line, then below) where the label overlaps no label placed before
        top = next((lane for lane in LANES if all(span[0] > b + 1 or span[1] < a - 1 for a, b in placed[lane])),
                   LANES[-1])
        placed[top].append(span)
        parts.append(f'<div style="position:absolute;top:{top}px;left:{x:.1f}%;transform:translateX({shift});'
                     f'font-size:11px;white-space:nowrap;color:{color}">{html.escape(label)}</div>')
        parts.append(f'<div style="position:absolute;top:30px;left:{x:.1f}%;width:2px;height:22px;'
                     f'background:{color}"></div>')
    parts.append("</div>")
    return "".join(parts)


LANES = (0, 14, 56, 70)  # label rows in px: two above the price line, two below
LINE_PX = 640  # the drawing's width, to turn a label's width into a share of the line


def _width(label: str) -> float:
    """A label's rough width in % of the line (11 px per Chinese character, 6.5 per digit)."""
    return 100.0 * sum(11 if ord(c) > 255 else 6.5 for c in label) / LINE_PX


def _table_html(plan: pd.DataFrame, issues: list[str]) -> str:
    heads = [t("negotiation.planner_col_" + h) for h in ("step", "concession", "price", "room", "given")]
    rows = [(int(r.step), _money(r.concession), _money(r.price),
             (_money(r.room_left), f"color:{FLOOR_COLOR if r.room_left < 0 else 'inherit'}"),
             "—" if pd.isna(r.given_share) else f"{r.given_share:.0%}")
            for r in plan.itertuples(index=False)]
    table = widget_table_html(heads, rows, right=range(5), heads_right=True)
    if issues:
        notes = "".join(f"<li>{html.escape(i)}</li>" for i in issues)
        verdict = f'<ul style="color:{FLOOR_COLOR};margin:6px 0">{notes}</ul>'
    else:
        verdict = f'<div style="margin:6px 0">{html.escape(t("negotiation.planner_ok"))}</div>'
    return table + verdict


def _widgets():
    import ipywidgets  # imported here so importing this module stays light

    return ipywidgets


def negotiation_planner(opening=DEFAULTS["opening"], target=DEFAULTS["target"],
                        walk_away=DEFAULTS["walk_away"], their_limit=DEFAULTS["their_limit"],
                        concessions=DEFAULTS["concessions"]):
    """The planner (an ``ipywidgets.VBox``); ``.controls``, ``.caption``, ``.chart``, ``.table``
    and ``.view`` (the last ``PlannerView``) are there for trainers and tests."""
    w = _widgets()
    parse_concessions(concessions)  # a bad start value fails here, loudly, not as a red caption
    style = {"description_width": "8em"}
    number = {"step": 500, "style": style, "layout": w.Layout(width="16em")}
    controls = {
        "opening": w.FloatText(value=float(opening), description=t("negotiation.planner_opening"), **number),
        "target": w.FloatText(value=float(target), description=t("negotiation.planner_target"), **number),
        "walk_away": w.FloatText(value=float(walk_away), description=t("negotiation.planner_walk_away"), **number),
        "their_limit": w.FloatText(value=float(their_limit), description=t("negotiation.planner_their_limit"),
                                   **number),
        "concessions": w.Text(value=str(concessions), description=t("negotiation.planner_concessions"),
                              placeholder=t("negotiation.planner_concessions_hint"), continuous_update=False,
                              style=style, layout=w.Layout(width="32em")),
    }
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    keys = list(controls)
    box = w.VBox([w.HBox([controls[k] for k in keys[:2]]), w.HBox([controls[k] for k in keys[2:4]]),
                  controls["concessions"], caption, chart, table])
    box.controls, box.caption, box.chart, box.table = controls, caption, chart, table
    box.view = None

    def update(_change=None):
        values = {k: c.value for k, c in controls.items()}
        show_view(box, lambda: planner_view(**values), caption, chart, table)

    return live(box, controls.values(), update)


__all__ = ["PlannerView", "negotiation_planner", "planner_view"]
