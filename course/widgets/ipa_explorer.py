"""Importance–performance explorer: pick a customer group and the attributes, see the matrix.

``prepare_ipa(surveys, customers)`` computes, once, the key-driver table (mean rating and
correlation with overall satisfaction) of every attribute for every customer group; an
attribute's correlation does not depend on which other attributes are shown, so this is exact.
``ipa_view(base, by, segment, attributes)`` is the pure function behind each update: it picks the
rows, redraws the cut lines (means of the chosen attributes) and renders the matrix as inline SVG
plus a small table. No matplotlib redraw: an update takes about a millisecond.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.plotting import ACCENT_COLOR, BASE_COLOR
from course.satisfaction import (
    ATTRIBUTES,
    SEGMENT_COLUMNS,
    SMALL_SAMPLE,
    ipa_quadrants,
    key_drivers,
    quadrant_label,
    with_segments,
)
from course.widgets.live import live, show_view
from course.widgets.text_table import widget_table_html

FIX_COLOR, POINT_COLOR, LINE_COLOR = ACCENT_COLOR, BASE_COLOR, "#5C6770"
FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
WIDTH, HEIGHT, MARGIN = 560, 380, 56


@dataclass(frozen=True)
class IpaBase:
    """Key-driver tables per (grouping, segment); ``None`` grouping = all answers."""

    drivers: dict  # (by, segment) -> DataFrame from key_drivers, indexed by attribute
    sizes: dict  # (by, segment) -> number of answers
    segments: dict  # by -> list of segment values (in the table's order)
    attributes: list


@dataclass(frozen=True)
class IpaView:
    by: str | None
    segment: object
    answers: int
    table: pd.DataFrame  # ipa_quadrants of the chosen attributes
    caption: str
    svg: str
    table_html: str

    @property
    def chart_html(self) -> str:  # the name show_view puts on screen
        return self.svg


def prepare_ipa(surveys: pd.DataFrame, customers: pd.DataFrame | None = None,
                by_columns=SEGMENT_COLUMNS, attributes=ATTRIBUTES) -> IpaBase:
    """Precompute every group's drivers. Without ``customers`` only the groupings already in
    ``surveys`` are offered."""
    attributes = list(attributes)
    answers = surveys
    if customers is not None:
        answers = with_segments(surveys, customers, [c for c in by_columns if c in customers.columns])
    by_columns = [c for c in by_columns if c in answers.columns]
    drivers = {(None, None): key_drivers(answers, attributes).set_index("attribute")}
    sizes = {(None, None): len(answers)}
    segments = {}
    for by in by_columns:
        segments[by] = []
        for value, part in answers.groupby(by, observed=True, sort=True):
            if len(part) < 3:  # a correlation needs a few answers
                continue
            segments[by].append(value)
            drivers[(by, value)] = key_drivers(part, attributes).set_index("attribute")
            sizes[(by, value)] = len(part)
    return IpaBase(drivers, sizes, segments, attributes)


def ipa_view(base: IpaBase, by: str | None = None, segment=None, attributes=None) -> IpaView:
    """What the explorer shows for one choice of grouping, segment and attributes."""
    if by is not None and by not in base.segments:
        raise CourseError("satisfaction.unknown_segment_column", name=by,
                          valid=choices(base.segments))
    if by is None:
        segment = None
    elif segment not in base.segments[by]:
        raise CourseError("satisfaction.unknown_segment_value", name=segment,
                          valid=choices(base.segments[by]))
    chosen = list(base.attributes if attributes is None else attributes)
    unknown = [a for a in chosen if a not in base.attributes]
    if unknown:
        raise CourseError("satisfaction.no_attributes", valid=choices(base.attributes))
    chosen = [a for a in base.attributes if a in chosen]  # keep the survey's order
    if len(chosen) < 2:
        raise CourseError("satisfaction.ipa_need_two")
    drivers = base.drivers[(by, segment)].loc[chosen].reset_index()
    drivers = drivers.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    table = ipa_quadrants(drivers.drop(columns=["beta"]))
    n = base.sizes[(by, segment)]
    name = t("satisfaction.all_answers") if by is None else str(segment)
    caption = t("satisfaction.ipa_caption", segment=name, n=n)
    if n < SMALL_SAMPLE:
        caption += " " + t("satisfaction.ipa_small", min=SMALL_SAMPLE)
    return IpaView(by, segment, n, table, caption, _svg(table), _table_html(table))


# ----------------------------------------------------------------------------------------------
# Rendering (inline SVG and a table; inline styles survive JupyterLab, Voila and exported HTML)
# ----------------------------------------------------------------------------------------------
def _range(values: pd.Series, cut: float) -> tuple[float, float]:
    low, high = min(values.min(), cut), max(values.max(), cut)
    span = (high - low) or 1.0
    return low - 0.2 * span, high + 0.2 * span


def _svg(table: pd.DataFrame) -> str:
    imp_cut, perf_cut = table.attrs["importance_cut"], table.attrs["performance_cut"]
    x0, x1 = _range(table["performance"], perf_cut)
    y0, y1 = _range(table["importance"], imp_cut)
    left, right, top, bottom = MARGIN, WIDTH - 16, 16, HEIGHT - MARGIN

    def px(x):
        return left + (x - x0) / (x1 - x0) * (right - left)

    def py(y):
        return bottom - (y - y0) / (y1 - y0) * (bottom - top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'style="font-family:{FONT};font-size:13px">',
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
        f'fill="#FAFBFC" stroke="#D0D5DB"/>',
        f'<line x1="{px(perf_cut):.1f}" y1="{top}" x2="{px(perf_cut):.1f}" y2="{bottom}" '
        f'stroke="{LINE_COLOR}" stroke-dasharray="5,4"/>',
        f'<line x1="{left}" y1="{py(imp_cut):.1f}" x2="{right}" y2="{py(imp_cut):.1f}" '
        f'stroke="{LINE_COLOR}" stroke-dasharray="5,4"/>',
    ]
    corners = {"fix": (left + 6, top + 18, "start"), "keep": (right - 6, top + 18, "end"),
               "later": (left + 6, bottom - 8, "start"), "overkill": (right - 6, bottom - 8, "end")}
    for quadrant, (x, y, anchor) in corners.items():
        color = FIX_COLOR if quadrant == "fix" else LINE_COLOR
        parts.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{color}" '
                     f'font-size="14">{html.escape(quadrant_label(quadrant))}</text>')
    for rec in table.itertuples(index=False):
        color = FIX_COLOR if rec.quadrant == "fix" else POINT_COLOR
        x, y = px(rec.performance), py(rec.importance)
        anchor = "end" if x > (left + right) / 2 else "start"
        dx = -9 if anchor == "end" else 9
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{color}"/>')
        parts.append(f'<text x="{x + dx:.1f}" y="{y - 7:.1f}" text-anchor="{anchor}">'
                     f'{html.escape(rec.label)}</text>')
    parts.append(f'<text x="{(left + right) / 2}" y="{HEIGHT - 24}" text-anchor="middle">'
                 f'{html.escape(t("satisfaction.ipa_x"))}</text>')
    parts.append(f'<text x="{left + 2}" y="{bottom + 16}" font-size="11" fill="{LINE_COLOR}">'
                 f'{x0:.2f}</text><text x="{right}" y="{bottom + 16}" text-anchor="end" '
                 f'font-size="11" fill="{LINE_COLOR}">{x1:.2f}</text>')
    parts.append(f'<text x="14" y="{(top + bottom) / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {(top + bottom) / 2})">'
                 f'{html.escape(t("satisfaction.ipa_y"))}</text>')
    parts.append(f'<text x="{left - 4}" y="{bottom}" text-anchor="end" font-size="11" '
                 f'fill="{LINE_COLOR}">{y0:.2f}</text><text x="{left - 4}" y="{top + 10}" '
                 f'text-anchor="end" font-size="11" fill="{LINE_COLOR}">{y1:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table_html(table: pd.DataFrame) -> str:
    heads = [t("satisfaction.ipa_col_" + h) for h in ("label", "performance", "importance", "quadrant")]
    rows = [(rec.label, f"{rec.performance:.2f}", f"{rec.importance:.2f}",
             (rec.quadrant_label, f"color:{FIX_COLOR};" if rec.quadrant == "fix" else ""))
            for rec in table.itertuples(index=False)]
    return widget_table_html(heads, rows, right=(1, 2))


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over ipa_view
# ----------------------------------------------------------------------------------------------
def ipa_explorer(surveys: pd.DataFrame, customers: pd.DataFrame | None = None):
    """An importance–performance explorer (``ipywidgets.VBox``). The box carries ``.controls``
    (by, segment, and one checkbox per attribute in ``.checks``), ``.caption``, ``.chart``,
    ``.table`` and ``.view`` (the last ``IpaView``)."""
    import ipywidgets as w  # imported here so that importing this module stays light

    base = prepare_ipa(surveys, customers)
    by_options = [(t("satisfaction.ipa_by_none"), None)] + [
        (t(f"satisfaction.ipa_by_{c}"), c) for c in base.segments]
    by_box = w.Dropdown(description=t("satisfaction.ipa_segment_by"), options=by_options,
                        value=None)
    segment_box = w.Dropdown(description=t("satisfaction.ipa_segment"),
                             options=[(t("satisfaction.ipa_all"), None)], value=None,
                             disabled=True)
    checks = {a: w.Checkbox(value=True, description=_label(base, a), indent=False,
                            layout=w.Layout(width="auto", margin="0 12px 0 0"))
              for a in base.attributes}
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([w.HBox([by_box, segment_box]),
                  w.HBox([w.Label(t("satisfaction.ipa_attributes") + "："), *checks.values()]),
                  caption, chart, table])
    box.controls = {"by": by_box, "segment": segment_box}
    box.checks, box.caption, box.chart, box.table, box.base = checks, caption, chart, table, base
    box.view = None
    busy = {"on": False}  # changing the segment list fires events: redraw once, at the end

    def update(_change=None):
        if busy["on"]:
            return
        chosen = [a for a, c in checks.items() if c.value]
        show_view(box, lambda: ipa_view(base, by_box.value, segment_box.value, chosen),
                  caption, chart, table)

    def change_grouping(change):
        busy["on"] = True
        try:
            by = change["new"]
            if by is None:
                segment_box.options = [(t("satisfaction.ipa_all"), None)]
                segment_box.value, segment_box.disabled = None, True
            else:
                values = base.segments[by]
                segment_box.options = [(str(v), v) for v in values]
                segment_box.value, segment_box.disabled = values[0], False
        finally:
            busy["on"] = False
        update()

    # the grouping refills the segment list first, then redraws once (through update)
    by_box.observe(change_grouping, names="value")
    return live(box, [segment_box, *checks.values()], update)


def _label(base: IpaBase, attribute: str) -> str:
    return str(base.drivers[(None, None)].loc[attribute, "label"])


__all__ = ["IpaBase", "IpaView", "prepare_ipa", "ipa_view", "ipa_explorer"]
