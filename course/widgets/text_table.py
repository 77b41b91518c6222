"""Show a table of sentences readably: left-aligned, wrapped, no index column.

pandas' own notebook view right-aligns cells and cuts long text with "…"; the teaching tables of
M00/M01 (rules of thumb, customer types, psychologies) are whole sentences, so they get this view.
"""
from __future__ import annotations

import html

import pandas as pd

from course.core.glossary import label  # code names shown by their Chinese names


def text_table_html(table: pd.DataFrame) -> str:
    """The table as an HTML string with inline styles (safe in JupyterLab, Voila and exports)."""
    cell = "padding:4px 10px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top;"
    head = "".join(f'<th style="{cell}background:#f3f6f9">{html.escape(str(label(c)))}</th>'
                   for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f'<td style="{cell}">{html.escape("" if pd.isna(v) else str(v))}</td>'
                         for v in row) + "</tr>"
        for row in table.itertuples(index=False, name=None)
    )
    return (f'<table style="border-collapse:collapse;font-size:13px;line-height:1.5">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


# one look for the small result tables inside the widgets (RFM, IPA, campaign, scorecard, …)
WIDGET_CELL = "padding:3px 10px;border-bottom:1px solid #ddd;"


def widget_table_html(heads, rows, *, right=(), styles=None, heads_right: bool = False) -> str:
    """A widget's result table with inline styles. ``heads``: header texts; ``rows``: rows of cell
    texts; both are escaped here. ``right``: indexes of right-aligned (number) columns;
    ``styles``: {index: css} added to a whole column; a cell given as ``(text, css)`` gets ``css``
    too (a colour that depends on the value)."""
    right, styles = set(right), styles or {}
    align = "right" if heads_right else "left"
    head = "".join(f'<th style="{WIDGET_CELL}text-align:{align}">{html.escape(str(h))}</th>' for h in heads)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            text, extra = value if isinstance(value, tuple) else (value, "")
            css = WIDGET_CELL + ("text-align:right;" if index in right else "") + styles.get(index, "") + extra
            cells.append(f'<td style="{css}">{html.escape(str(text))}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return ('<table style="border-collapse:collapse;font-size:13px">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")


def text_table(table: pd.DataFrame):
    """``text_table_html(table)`` ready to show as the last line of a notebook cell."""
    from IPython.display import HTML

    return HTML(text_table_html(table))


__all__ = ["text_table", "text_table_html", "widget_table_html"]
