"""One look for the workbooks the kit writes for people (the capstone plan and KPI sheet, the
gradebook, the agenda): a bold title, a bold header row on the house's pale blue that stays in view
while scrolling, columns wide enough for Chinese text, and a folder created when it is missing.

openpyxl is imported inside the functions, as everywhere in the kit: ``import course`` stays fast.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

HEADER_FILL = "DCE6F0"  # pale blue, the house's table-header colour in Excel


def text_width(text) -> int:
    """Display width: a Chinese (wide) character takes two columns, a Latin one takes one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def style_title(cell, size: int = 14) -> None:
    """A sheet's title line."""
    from openpyxl.styles import Font

    cell.font = Font(bold=True, size=size)


def style_header(sheet, row: int = 1) -> None:
    """Row ``row`` becomes the header: bold on pale blue, frozen so it stays in view."""
    from openpyxl.styles import Font, PatternFill

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    sheet.freeze_panes = f"A{row + 1}"


def fit_width(sheet, column: int, texts, least: int = 8, most: int = 60) -> int:
    """Make column ``column`` (1 = A) as wide as its widest text plus a margin, within
    ``least``–``most`` characters; returns the width set."""
    from openpyxl.utils import get_column_letter

    widest = max([text_width(text) for text in texts] or [0])
    width = min(max(widest + 2, least), most)
    sheet.column_dimensions[get_column_letter(column)].width = width
    return width


def save(book, path) -> Path:
    """Save the workbook, creating its folder when needed; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
