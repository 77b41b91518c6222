"""One Excel look (course/core/excel.py): title, header row, column widths for Chinese text,
saving into a new folder; and the workbooks the kit writes for people share that header."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from course.core import excel


def _book(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    return book, sheet


def _is_header(cell) -> bool:
    return bool(cell.font.bold) and cell.fill.fgColor.rgb.endswith(excel.HEADER_FILL)


@pytest.mark.parametrize("text, width", [("", 0), ("abc", 3), ("客户", 4), ("RFM 分群", 8),
                                         ("１２", 4), (42, 2)])
def test_text_width_counts_chinese_double(text, width):
    assert excel.text_width(text) == width


def test_header_row_is_bold_on_the_house_fill_and_frozen(tmp_path):
    book, sheet = _book([["标题"], [], ["客户", "金额"], ["A001", 12.5]])
    excel.style_header(sheet, row=3)
    path = excel.save(book, tmp_path / "新建" / "文件夹" / "a.xlsx")  # folders created on the way
    assert path.exists()
    sheet = load_workbook(path).active
    assert [_is_header(c) for c in sheet[3]] == [True, True]
    assert not any(_is_header(c) for row in (1, 4) for c in sheet[row])
    assert sheet.freeze_panes == "A4"


def test_title_is_bold_and_large(tmp_path):
    book, sheet = _book([["行动计划"]])
    excel.style_title(sheet["A1"])
    excel.style_title(sheet["A2"], size=12)
    sheet = load_workbook(excel.save(book, tmp_path / "t.xlsx")).active
    assert (sheet["A1"].font.bold, sheet["A1"].font.size) == (True, 14)
    assert (sheet["A2"].font.bold, sheet["A2"].font.size) == (True, 12)


@pytest.mark.parametrize("texts, expected", [
    (["客户编号", "C1"], 10),     # widest 8 (four Chinese characters) + 2
    (["a"], 8),                    # never narrower than 8
    (["很" * 50], 60),             # never wider than 60
    ([], 8),
])
def test_column_width_fits_the_widest_text(texts, expected):
    _, sheet = _book([])
    assert excel.fit_width(sheet, 2, texts) == expected
    assert sheet.column_dimensions["B"].width == expected


def test_workbooks_for_people_share_the_header_style(tmp_path):
    from course.capstone import kpi_sheet, save_kpi_sheet
    from course.exercises.grading.gradebook_xlsx import write_gradebook_xlsx
    from course.trainer.agenda import to_xlsx

    result = {"trainee": "张三", "exercise": "07-rfm", "sandboxed": True,
              "rows": [{"question": "q1", "level": "core", "status": "correct", "points": 1,
                        "max_points": 1, "message": ""}]}
    headers = {
        "gradebook": (write_gradebook_xlsx([result], tmp_path), 1),
        "kpi": (save_kpi_sheet(kpi_sheet(), tmp_path), 1),
        "agenda": (to_xlsx([], 1, tmp_path / "agenda.xlsx"), 3),
    }
    for name, (path, row) in headers.items():
        sheet = load_workbook(path).active
        assert all(_is_header(c) for c in sheet[row] if c.value), name
        assert sheet.freeze_panes == f"A{row + 1}", name
