"""The Excel forms: real .xlsx files with Chinese headers, widths, dropdowns, checks and an example."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import pytest
from openpyxl import load_workbook

from course.trainer import forms

REQUIRED = {"客户信息卡", "客户分类表", "大客户管理卡", "客户拜访记录表", "客户满意度调查表",
            "客户投诉登记表", "客户投诉处理单", "售后跟踪服务表"}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    return forms.write_all(tmp_path_factory.mktemp("forms"))


def test_at_least_the_eight_forms(written):
    titles = {load_workbook(p).worksheets[0].title for p in written}
    assert REQUIRED <= titles
    assert len(written) == len(forms.specs()) >= 8
    assert all(p.suffix == ".xlsx" and p.stat().st_size > 0 for p in written)


@pytest.mark.parametrize("key", sorted(forms.specs()))
def test_form_layout(key, written):
    spec = forms.specs()[key]
    path = next(p for p in written if p.stem == spec["file"])
    book = load_workbook(path)
    sheet = book.worksheets[0]
    fields = spec["fields"]
    headers = [c.value for c in sheet[1]]
    assert headers == [f["header"] for f in fields]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers), headers
    # column widths follow the spec
    for index, field in enumerate(fields):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        assert sheet.column_dimensions[letter].width == field["width"]
    # the example row: every column filled, dates as real dates
    example = [c.value for c in sheet[2]]
    assert all(v not in (None, "") for v in example), example
    for field, value in zip(fields, example):
        if field.get("kind") in {"date", "datetime"}:
            assert isinstance(value, datetime), (field["header"], value)
    # every choice column has a list dropdown whose options hold the example value
    rules = sheet.data_validations.dataValidation
    for index, field in enumerate(fields):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        covering = [r for r in rules if any(str(rng).startswith(f"{letter}2:") for rng in r.sqref.ranges)]
        if "choices" in field:
            assert len(covering) == 1 and covering[0].type == "list", field["header"]
            options = covering[0].formula1.strip('"').split(",")
            assert options == [str(c) for c in field["choices"]]
            assert str(field["example"]) in options
            assert len(covering[0].formula1) <= 255  # Excel's limit for a literal list
        elif field.get("kind") in {"number", "integer", "date", "datetime"}:
            assert len(covering) == 1 and covering[0].type in {"decimal", "whole", "date"}
        else:
            assert covering == []
    assert sheet.freeze_panes == "B2"
    assert book.sheetnames[1] == "填写说明"
    notes = [row[0] for row in book.worksheets[1].iter_rows(min_row=6, values_only=True)]
    assert notes == [f["header"] for f in fields]


def test_example_values_pass_their_own_checks():
    for spec in forms.specs().values():
        for field in spec["fields"]:
            if "range" in field:
                low, high = field["range"]
                assert low <= float(field["example"]) <= high, field


def test_score_total_is_a_formula(written):
    spec = forms.specs()["relationship_assessment"]
    sheet = load_workbook(next(p for p in written if p.stem == spec["file"])).worksheets[0]
    column = next(i for i, f in enumerate(spec["fields"], 1) if "sum_of" in f)
    assert sheet.cell(row=2, column=column).value == "=SUM(D2:H2)"
    assert sheet.cell(row=3, column=column).value.startswith('=IF(COUNT(D3:H3)=0')
    example_scores = [sheet.cell(row=2, column=c).value for c in range(4, 9)]
    assert sum(example_scores) == spec["fields"][column - 1]["example"]


def test_no_unmasked_phone_numbers_in_examples():
    for spec in forms.specs().values():
        for field in spec["fields"]:
            if "电话" in field["header"]:
                assert "****" in str(field["example"])


def test_cli(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course", "forms", "--out", str(tmp_path / "表单")],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "表单").glob("*.xlsx"))) == len(forms.specs())
