"""The plan as HTML: a fragment for the notebook, or a complete page (one printed A4 sheet)."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

import pandas as pd

from course.capstone.display import COLUMNS, NUMBER_KINDS, display_value, header
from course.core.html_page import FONT_STACK, page

if TYPE_CHECKING:
    from course.capstone.plan import ActionPlan

# scoped to .capstone-plan: the fragment sits inside a notebook's own styles
CSS = """
.capstone-plan{font-family:%s;font-size:12px;color:#222;max-width:1100px;margin:0 auto;line-height:1.45}
.capstone-plan h1{font-size:20px;margin:0 0 2px}
.capstone-plan .sub{color:#666;margin:0 0 10px}
.capstone-plan .grid{display:grid;grid-template-columns:1fr 1fr;gap:10px 16px}
.capstone-plan section{break-inside:avoid}
.capstone-plan section.wide{grid-column:1 / -1}
.capstone-plan h2{font-size:14px;margin:6px 0 4px;padding-left:6px;border-left:4px solid #E07A1F}
.capstone-plan ul{margin:2px 0 6px;padding-left:18px}
.capstone-plan table{border-collapse:collapse;width:100%%}
.capstone-plan th,.capstone-plan td{border:1px solid #d0d4da;padding:2px 5px;text-align:left;
 vertical-align:top}
.capstone-plan th{background:#eef2f7;white-space:nowrap}
.capstone-plan td.num{text-align:right;white-space:nowrap}
@page{size:A4;margin:8mm}
@media print{.capstone-plan{font-size:9px;line-height:1.3}.capstone-plan h1{font-size:15px}
 .capstone-plan h2{font-size:11px;margin:3px 0 2px}.capstone-plan .grid{gap:4px 12px}
 .capstone-plan th,.capstone-plan td{padding:1px 4px}.capstone-plan ul{margin:1px 0 3px}}
""" % FONT_STACK
# on paper the @page margin is enough: the page's own margins would cost the one-sheet fit
PRINT_CSS = "@media print{body{margin:0;padding:0;max-width:none}}"
WIDE = {"segments", "actions"}


def html_table(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(header(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(table.columns, row):
            kind = COLUMNS.get(column, "text")
            css = " class='num'" if kind in NUMBER_KINDS else ""
            cells.append(f"<td{css}>{html.escape(display_value(value, kind))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(plan: ActionPlan, full: bool = True) -> str:
    parts = [f"<h1>{html.escape(plan.title)}</h1>", f"<p class='sub'>{html.escape(plan.subtitle)}</p>",
             "<div class='grid'>"]
    for section in plan.sections:
        wide = " class='wide'" if section.key in WIDE else ""
        items = "".join(f"<li>{html.escape(text)}</li>" for text in section.findings)
        parts.append(f"<section{wide} data-section='{section.key}'><h2>{html.escape(section.title)}"
                     f"</h2><ul>{items}</ul>{html_table(section.table)}</section>")
    parts.append("</div>")
    body = f"<style>{CSS}</style><div class='capstone-plan'>{''.join(parts)}</div>"
    return page(plan.title, body, css=PRINT_CSS, max_width=1100) if full else body
