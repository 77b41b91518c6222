"""The plan as an Excel file: one overview sheet (title, findings) plus one sheet per section."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from course.capstone.display import COLUMNS, display_value, flag_text, header, is_blank
from course.core import excel
from course.core.i18n import CourseError, t

if TYPE_CHECKING:
    from course.capstone.plan import ActionPlan

# Excel number format of each numeric kind (see display.COLUMNS)
EXCEL_FORMATS = {"int": "0", "money": "#,##0", "pct": "0.0%", "ratio": "0.00", "one": "0.0"}


def check_file_name(name) -> None:
    """A file name the trainee chose: not empty, no folder separators or characters Windows refuses."""
    if not isinstance(name, str) or not name.strip() or any(c in name for c in '/\\:*?"<>|'):
        raise CourseError("capstone.bad_name", name=name)


def sheet_name(key: str) -> str:
    return t(f"capstone.sheet_{key}")


def excel_value(value, kind: str):
    """What the cell holds: numbers stay numbers (Excel formats them), blanks stay empty."""
    if is_blank(value):
        return None
    if kind == "flag":
        return flag_text(value)
    if kind == "int":
        return int(value)
    if kind in EXCEL_FORMATS:
        return float(value)
    return str(value)


def write_excel(plan: ActionPlan, path) -> Path:
    """One overview sheet (title, findings, actions) plus one sheet per section's table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    book = Workbook()
    overview = book.active
    overview.title = sheet_name("overview")
    overview.append([plan.title])
    excel.style_title(overview["A1"])
    overview.append([plan.subtitle])
    for section in plan.sections:
        overview.append([])
        overview.append([section.title])
        excel.style_title(overview.cell(overview.max_row, 1), size=12)
        for text in section.findings:
            overview.append([f"· {text}"])
            overview.cell(overview.max_row, 1).alignment = Alignment(wrap_text=True)
    overview.column_dimensions["A"].width = 110

    for section in plan.sections:
        sheet = book.create_sheet(sheet_name(section.key))
        columns = list(section.table.columns)
        sheet.append([header(c) for c in columns])
        excel.style_header(sheet)
        for row in section.table.itertuples(index=False, name=None):
            sheet.append([excel_value(v, COLUMNS.get(c, "text")) for c, v in zip(columns, row)])
        for index, column in enumerate(columns, start=1):
            kind = COLUMNS.get(column, "text")
            shown = [display_value(v, kind) for v in section.table[column]]
            widest = max(excel.text_width(s) for s in [header(column), *shown])
            excel.fit_width(sheet, index, [header(column), *shown])
            for cell in sheet[get_column_letter(index)][1:]:
                if kind in EXCEL_FORMATS:
                    cell.number_format = EXCEL_FORMATS[kind]
                elif widest > 58:  # long sentences wrap instead of running off the page
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return excel.save(book, path)
