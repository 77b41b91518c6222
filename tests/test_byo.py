"""Bring your own data: a trainee's own export, in any common encoding, format and header style."""
import csv
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from conftest import REPO

from course.byo import find_columns, parse_amount, parse_date, read_orders
from course.core.i18n import CourseError
from course.widgets.rfm_upload import rfm_upload, upload_view

ROWS = [("会员号", "下单时间", "实付金额", "手机"),
        ("A1", "2024/3/5", "1,200.50", "13812345678"),
        ("A1", "2024年3月9日", "300元", "13812345678"),
        ("B2", "2024-04-01 10:30:00", "-50", "13900000000"),
        ("B2", "2024-01-02", "800", "13900000000"),
        ("", "2024-01-01", "10", ""),
        ("C3", "昨天", "10", ""),
        ("C3", "2024-02-02", "abc", "")]


def _csv(rows, encoding):
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected_from_the_bytes(encoding):
    parsed = read_orders("orders.csv", _csv(ROWS, encoding))
    assert parsed.columns == {"customer": "会员号", "date": "下单时间", "amount": "实付金额"}
    assert parsed.rows_read == len(ROWS) - 1
    assert len(parsed.orders) + len(parsed.problems) == parsed.rows_read
    assert list(parsed.problems["row"]) == [6, 7, 8]  # spreadsheet rows: the header is row 1
    assert set(parsed.orders["customer_id"]) == {"A1", "B2"}


def test_xlsx_with_real_dates_and_excel_serials(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户编号", "订单日期", "金额"])
    sheet.append(["K1", pd.Timestamp("2024-03-05").to_pydatetime(), 100])
    sheet.append(["K1", 45356, "¥2,000"])  # 45356 is 2024-03-05 as an Excel serial number
    sheet.append(["K2", "2024-03-06", -20.5])
    path = tmp_path / "export.xlsx"
    book.save(path)
    parsed = read_orders(path.name, path.read_bytes())
    assert parsed.problems.empty
    assert list(parsed.orders["order_date"].dt.strftime("%Y-%m-%d")) == ["2024-03-05", "2024-03-05", "2024-03-06"]
    assert list(parsed.orders["amount"]) == [100, 2000, -20.5]


@pytest.mark.parametrize("text, expected", [
    ("2024/3/5", "2024-03-05"), ("2024-03-05", "2024-03-05"), ("2024年3月5日", "2024-03-05"),
    ("45356", "2024-03-05"), ("2024.3.5", "2024-03-05"), ("20240305", "2024-03-05"), ("next week", None), ("", None),
])
def test_dates(text, expected):
    parsed = parse_date(text)
    assert (parsed.strftime("%Y-%m-%d") if parsed is not None else None) == expected


@pytest.mark.parametrize("text, expected", [
    ("1,234.5", 1234.5), ("¥88", 88), ("88元", 88), ("-50", -50), ("(100)", -100), ("１２０", 120), ("abc", None),
])
def test_amounts(text, expected):
    assert parse_amount(text) == expected


def test_missing_and_ambiguous_columns_list_the_headers():
    with pytest.raises(CourseError) as missing:
        find_columns(["姓名", "日期", "金额"])
    assert "姓名" in str(missing.value) and "--customer-col" in str(missing.value)
    with pytest.raises(CourseError) as ambiguous:
        find_columns(["客户ID", "客户编号", "日期", "金额"])
    assert "客户ID" in str(ambiguous.value) and "客户编号" in str(ambiguous.value)
    assert find_columns(["cid", "d", "m"], customer_col="cid", date_col="d", amount_col="m")["amount"] == "m"


def test_cli_writes_segments_and_an_error_list_without_personal_data(tmp_path):
    source = tmp_path / "我的订单.csv"
    source.write_bytes(_csv(ROWS, "gbk"))
    out = tmp_path / "分层.csv"
    result = subprocess.run([sys.executable, "-m", "course", "rfm", str(source), "--out", str(out),
                             "--as-of", "2024-06-01"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "可用 4 行" in result.stdout and "有问题 3 行" in result.stdout
    segments = pd.read_csv(out, encoding="utf-8-sig")
    assert list(segments.columns) == ["customer_id", "recency", "frequency", "monetary", "r_score", "f_score",
                                      "m_score", "segment", "action"]
    assert segments.set_index("customer_id").loc["A1", "monetary"] == pytest.approx(1500.5)
    assert "138" not in out.read_text(encoding="utf-8-sig")  # the phone column never leaves the tool
    with open(tmp_path / "分层_errors.csv", encoding="utf-8-sig") as handle:
        errors = list(csv.DictReader(handle))
    assert [e["row"] for e in errors] == ["6", "7", "8"] and all(e["reason"] for e in errors)
    shown = (result.stdout + result.stderr).replace(str(tmp_path), "")  # the temp path may hold 138
    assert "138" not in shown


def test_cli_fails_clearly_when_nothing_is_usable(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("客户编号,日期,金额\nA,不知道,1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "course", "rfm", str(source), "--out", str(tmp_path / "o.csv")],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1 and "没有一行可用" in result.stderr
    missing = subprocess.run([sys.executable, "-m", "course", "rfm", str(tmp_path / "nope.csv"), "--out", "x.csv"],
                             cwd=REPO, capture_output=True, text=True)
    assert missing.returncode == 1 and "找不到文件" in missing.stderr


def test_upload_widget_segments_an_uploaded_file():
    view = upload_view("orders.csv", _csv(ROWS, "utf-8"))
    assert view.ok and "重要" in view.table_html and len(view.result) == 2
    assert not upload_view("orders.pdf", b"%PDF").ok
    box = rfm_upload()
    box.upload.value = ({"name": "orders.csv", "type": "text/csv", "size": 10, "content": memoryview(_csv(ROWS, "gbk")),
                         "last_modified": __import__("datetime").datetime(2024, 1, 1)},)
    assert box.view is not None and box.view.ok and "可用 4 行" in box.message.value
