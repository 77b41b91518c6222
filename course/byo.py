"""Bring your own data: RFM segmentation of a trainee's own order export.

``python -m course rfm INPUT --out OUT.csv`` reads a .csv (UTF-8, UTF-8 with BOM or GBK/GB18030,
detected from the bytes) or .xlsx file, finds the customer / date / amount columns by their usual
Chinese or English headers, and writes one row per customer with R, F, M, scores, segment and action.
Every row it cannot use is listed with its row number and reason in ``OUT_errors.csv``: the good
rows plus the bad rows always add up to the rows read. Only the customer id leaves the tool, so the
output never carries more personal data than came in.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from course.core.i18n import CourseError, choices, t

ROLES = {
    "customer": ["客户编号", "客户id", "客户号", "会员号", "会员编号", "会员id", "客户", "customerid", "customer",
                 "custid", "memberid", "clientid"],
    "date": ["订单日期", "下单时间", "下单日期", "日期", "交易日期", "orderdate", "date", "orderdatetime",
             "purchasedate", "transactiondate"],
    "amount": ["金额", "订单金额", "实付金额", "实付", "交易金额", "amount", "orderamount", "total", "sales",
               "revenue", "payment"],
}
ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK: one try covers both
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
CHINESE_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
SEPARATED_DATE = re.compile(r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ T].*)?$")


@dataclass
class Parsed:
    orders: pd.DataFrame  # customer_id, order_date, amount, row (the file's row number)
    problems: pd.DataFrame  # row, column, value, reason
    rows_read: int
    columns: dict[str, str]  # role -> header used


def _normalise_header(header: object) -> str:
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    return re.sub(r"[\s_\-()（）:：/]", "", text)


def read_table(name: str, data: bytes) -> pd.DataFrame:
    """The raw table of a .csv or .xlsx file, every cell kept as text (nothing guessed yet)."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(io.BytesIO(data), dtype=object, engine="openpyxl")
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise CourseError("byo.bad_excel", name=name, detail=str(error)[:120]) from None
    if suffix not in (".csv", ".txt"):
        raise CourseError("byo.bad_suffix", name=name, valid=".csv、.xlsx")
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    raise CourseError("byo.bad_encoding", name=name)


def find_columns(headers: list, customer_col=None, date_col=None, amount_col=None) -> dict[str, str]:
    """role -> header, from the flags or the usual names; a clear error when missing or ambiguous."""
    given = {"customer": customer_col, "date": date_col, "amount": amount_col}
    found_text = choices(str(h) for h in headers)
    columns = {}
    for role, names in ROLES.items():
        if given[role] is not None:
            if given[role] not in headers:
                raise CourseError("byo.no_such_column", column=given[role], found=found_text)
            columns[role] = given[role]
            continue
        wanted = {_normalise_header(n) for n in names}
        matches = [h for h in headers if _normalise_header(h) in wanted]
        if not matches:
            raise CourseError(f"byo.missing_{role}", found=found_text, flag=f"--{role}-col")
        if len(matches) > 1:
            raise CourseError("byo.ambiguous", role=t(f"byo.role_{role}"), matches=choices(matches),
                              flag=f"--{role}-col")
        columns[role] = matches[0]
    return columns


def parse_date(value) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value
    if hasattr(value, "year") and hasattr(value, "month"):  # datetime / date from Excel
        return pd.Timestamp(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):  # an Excel serial date such as 45356
        serial = float(text)
        return EXCEL_EPOCH + pd.Timedelta(days=serial) if 1 <= serial < 2_958_466 else None
    chinese = CHINESE_DATE.match(text) or SEPARATED_DATE.match(text)
    try:
        if chinese:
            return pd.Timestamp(int(chinese[1]), int(chinese[2]), int(chinese[3]))
        return pd.Timestamp(text) if re.match(r"^\d{4}\d{2}\d{2}", text) else None
    except ValueError:
        return None


def parse_amount(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if pd.isna(value) else float(value)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    negative = text.startswith("(") and text.endswith(")")  # accounting style (100.00) = -100
    text = re.sub(r"[¥￥$,\s元()人民币RMB]", "", text, flags=re.I)
    try:
        amount = float(text)
    except ValueError:
        return None
    return -abs(amount) if negative else amount


def parse_orders(table: pd.DataFrame, columns: dict[str, str]) -> Parsed:
    good, problems = [], []
    for position, (customer, date, amount) in enumerate(
            zip(table[columns["customer"]], table[columns["date"]], table[columns["amount"]])):
        row = position + 2  # the spreadsheet row: row 1 holds the headers
        customer_text = "" if customer is None or (isinstance(customer, float) and pd.isna(customer)) \
            else str(customer).strip()
        parsed_date, parsed_amount = parse_date(date), parse_amount(amount)
        if not customer_text:
            problems.append((row, columns["customer"], "", t("byo.reason_no_customer")))
        elif parsed_date is None:
            problems.append((row, columns["date"], str(date), t("byo.reason_bad_date")))
        elif parsed_amount is None:
            problems.append((row, columns["amount"], str(amount), t("byo.reason_bad_amount")))
        else:
            good.append((customer_text, parsed_date, parsed_amount, row))
    orders = pd.DataFrame(good, columns=["customer_id", "order_date", "amount", "row"])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    return Parsed(orders, pd.DataFrame(problems, columns=["row", "column", "value", "reason"]), len(table), columns)


def read_orders(name: str, data: bytes, **flags) -> Parsed:
    table = read_table(name, data)
    return parse_orders(table, find_columns(list(table.columns), **flags))


def segment_customers(parsed: Parsed, as_of=None) -> pd.DataFrame:
    from course.rfm import SEGMENT_ACTIONS, rfm

    if parsed.orders.empty:
        raise CourseError("byo.no_usable_rows", rows=parsed.rows_read)
    result = rfm(parsed.orders[["customer_id", "order_date", "amount"]], as_of=as_of)
    result["action"] = result["segment"].map(SEGMENT_ACTIONS).astype(str)
    keep = ["customer_id", "recency", "frequency", "monetary", "r_score", "f_score", "m_score", "segment", "action"]
    return result[keep]


def summary_line(parsed: Parsed, errors_path: Path | None = None) -> str:
    line = t("byo.summary", read=parsed.rows_read, good=len(parsed.orders), bad=len(parsed.problems),
             customer=parsed.columns["customer"], date=parsed.columns["date"], amount=parsed.columns["amount"])
    if len(parsed.problems) and errors_path is not None:
        line += t("byo.see_errors", path=errors_path)
    return line


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course rfm", description=t("cli.rfm"))
    parser.add_argument("input", type=Path, help=t("byo.arg_input"))
    parser.add_argument("--out", type=Path, required=True, help=t("byo.arg_out"))
    parser.add_argument("--customer-col", help=t("byo.arg_col"))
    parser.add_argument("--date-col", help=t("byo.arg_col"))
    parser.add_argument("--amount-col", help=t("byo.arg_col"))
    parser.add_argument("--as-of", help=t("byo.arg_as_of"))
    args = parser.parse_args(argv)
    errors_path = args.out.with_name(f"{args.out.stem}_errors.csv")
    try:
        if not args.input.exists():
            raise CourseError("byo.no_input", path=args.input)
        parsed = read_orders(args.input.name, args.input.read_bytes(), customer_col=args.customer_col,
                             date_col=args.date_col, amount_col=args.amount_col)
        parsed.problems.to_csv(errors_path, index=False, encoding="utf-8-sig")
        print(summary_line(parsed, errors_path))
        result = segment_customers(parsed, args.as_of)
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 1
    result.to_csv(args.out, index=False, encoding="utf-8-sig")
    print("✅ " + t("byo.written", path=args.out, customers=len(result)))
    return 0
