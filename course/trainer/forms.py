"""``python -m course forms --out DIR``: the take-home Excel forms as real .xlsx files.

Each form (defined in ``forms.yaml``) becomes one workbook: row 1 holds the Chinese headers
(bold, frozen, filtered), row 2 a filled-in example, and the rows below are ready to fill, with
dropdowns (list validation), date / number checks and fitting column widths. A second sheet,
填写说明, says what the form is for and what each column takes.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml

from course.core import excel
from course.core.i18n import CourseError, t

SPEC = Path(__file__).with_name("forms.yaml")
FILL_ROWS = 200  # rows below the example that carry the dropdowns and checks
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


@lru_cache(maxsize=1)
def specs() -> dict[str, dict]:
    return yaml.safe_load(SPEC.read_text(encoding="utf-8"))


def _example_value(field: dict):
    value, kind = field["example"], field.get("kind", "text")
    if kind == "date":
        return datetime.strptime(str(value), "%Y-%m-%d")
    if kind == "datetime":
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M")
    return value


def _validation(field: dict, column: str, last_row: int):
    """The data validation of one column (rows 2 … last_row), or None for free text."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = field.get("kind", "text")
    if "choices" in field:
        options = ",".join(str(c) for c in field["choices"])
        rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        rule.error = t("trainer.form_pick", choices="、".join(str(c) for c in field["choices"]))
    elif kind in {"number", "integer"}:
        low, high = field.get("range", [0, 10 ** 9])
        rule = DataValidation(type="whole" if kind == "integer" else "decimal", operator="between",
                              formula1=str(low), formula2=str(high), allow_blank=True)
        rule.error = t("trainer.form_number", low=low, high=high)
    elif kind in {"date", "datetime"}:
        # any real date from 2000 on: catches text such as 1月5号 that Excel cannot sort
        rule = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
        rule.error = t("trainer.form_date")
    else:
        return None
    rule.showErrorMessage = True
    rule.errorTitle = t("trainer.form_error_title")
    rule.add(f"{column}2:{column}{last_row}")
    return rule


def build_workbook(spec: dict):
    """The openpyxl Workbook of one form."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = spec["title"][:31]
    fields = spec["fields"]
    last_row = 2 + FILL_ROWS
    thin = Side(style="thin", color="BFBFBF")
    for index, field in enumerate(fields, start=1):
        column = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=field["header"])
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor="2F6690")
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        example = _sum_formula(field, 2, example=True) if "sum_of" in field else _example_value(field)
        cell = sheet.cell(row=2, column=index, value=example)
        cell.font = Font(italic=True, color="7F7F7F")
        kind = field.get("kind", "text")
        fmt = DATE_FORMAT if kind == "date" else DATETIME_FORMAT if kind == "datetime" else None
        for row in range(2, last_row + 1):
            target = sheet.cell(row=row, column=index)
            if fmt:
                target.number_format = fmt
            if "sum_of" in field and row > 2:
                target.value = _sum_formula(field, row)
        sheet.column_dimensions[column].width = field["width"]
        rule = _validation(field, column, last_row)
        if rule is not None:
            sheet.add_data_validation(rule)
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(fields))}{last_row}"

    notes = book.create_sheet(t("trainer.form_notes_sheet"))
    notes.append([spec["title"]])
    excel.style_title(notes["A1"])
    notes.append([spec["purpose"]])
    notes.append([t("trainer.form_example_note")])
    notes.append([])
    notes.append([t("trainer.form_col_header"), t("trainer.form_col_input")])
    for cell in notes[5]:
        cell.font = Font(bold=True)
    for field in fields:
        notes.append([field["header"], _input_hint(field)])
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 70
    return book


def _sum_formula(field: dict, row: int, example: bool = False) -> str:
    first, last = field["sum_of"]
    span = f"{first}{row}:{last}{row}"
    # an empty row shows an empty total instead of 0
    return f"=SUM({span})" if example else f'=IF(COUNT({span})=0,"",SUM({span}))'


def _input_hint(field: dict) -> str:
    kind = field.get("kind", "text")
    if "choices" in field:
        return t("trainer.form_hint_choice", choices="、".join(str(c) for c in field["choices"]))
    if "sum_of" in field:
        return t("trainer.form_hint_formula")
    if kind in {"number", "integer"}:
        return t("trainer.form_hint_number")
    if kind == "date":
        return t("trainer.form_hint_date")
    if kind == "datetime":
        return t("trainer.form_hint_datetime")
    return t("trainer.form_hint_text")


def write_all(out: Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in specs().values():
        path = out / f"{spec['file']}.xlsx"
        build_workbook(spec).save(path)
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course forms", description=t("cli.forms"))
    parser.add_argument("--out", type=Path, default=Path("build/forms"), help=t("trainer.arg_out_dir"))
    args = parser.parse_args(argv)
    try:
        written = write_all(args.out)
    except OSError as error:
        print("❌ " + t("trainer.cannot_write", path=args.out, reason=error), file=sys.stderr)
        return 2
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    for path in written:
        print("  " + path.name)
    print(t("trainer.forms_done", count=len(written), out=args.out))
    return 0
