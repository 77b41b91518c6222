"""Masking personal data before it is shown: phone numbers, e-mail addresses, ID numbers.

``mask_pii(df)`` finds such columns by their header (English or Chinese) and returns a masked copy:
13812345678 → 138****5678, zhang@example.com → z***@example.com,
310100199001011234 → 3101**********1234. Masking a masked value changes nothing.
"""
from __future__ import annotations

import re

import pandas as pd

# header fragments (lower-cased) that mark a column, by kind of value
PII_HEADERS = {
    "email": ("email", "e_mail", "mail", "邮箱", "电子邮件"),
    "id_number": ("id_number", "id_card", "身份证", "证件号"),
    "phone": ("phone", "mobile", "tel", "telephone", "cellphone", "手机", "电话"),
}


def pii_kind(column: object) -> str | None:
    """'email', 'id_number', 'phone' or None, judged from a column header."""
    name = str(column).strip().lower()
    for kind, fragments in PII_HEADERS.items():
        for fragment in fragments:
            if fragment.isascii():
                # English headers match whole snake_case words, so 'hotel' is not a 'tel'
                words = name.replace("-", "_").replace(" ", "_").split("_")
                if fragment in words or ("_" in fragment and fragment in name):
                    return kind
            elif fragment in name:
                return kind
    return None


def mask_phone(value: str) -> str:
    digits = value.strip()
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_email(value: str) -> str:
    local, _, domain = value.strip().partition("@")
    return (local[:1] + "***@" + domain) if domain else mask_phone(value)


def mask_id_number(value: str) -> str:
    text = value.strip()
    if len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * max(len(text) - 2, 0) + text[-2:]


_MASKERS = {"phone": mask_phone, "email": mask_email, "id_number": mask_id_number}


def _as_text(series: pd.Series) -> pd.Series:
    # numbers read from Excel arrive as 13812345678.0; show them as the digits people typed
    if pd.api.types.is_float_dtype(series):
        return series.map(lambda v: v if pd.isna(v) else (
            str(int(v)) if float(v).is_integer() else str(v)))
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(str)
    return series


def mask_series(series: pd.Series, kind: str) -> pd.Series:
    """A masked copy of one column; empty cells stay empty."""
    masker = _MASKERS[kind]
    text = _as_text(series)
    return text.map(lambda v: v if pd.isna(v) or v == "" else (
        mask_email(str(v)) if "@" in str(v) else masker(str(v))))


def mask_pii(df: pd.DataFrame, columns: list | None = None) -> pd.DataFrame:
    """A copy of ``df`` whose phone / e-mail / ID-number columns are masked.

    ``columns`` names the columns to mask when the headers do not tell; otherwise they are found by
    header (phone, email, id_number, 手机, 电话, 邮箱, 身份证 …).
    """
    out = df.copy()
    targets = list(columns) if columns is not None else [c for c in df.columns if pii_kind(c)]
    for col in targets:
        kind = pii_kind(col) or "phone"
        out[col] = mask_series(out[col], kind)
    return out


_LONG_NUMBER = re.compile(r"(?<![\d.])\d{7,}(?![\d.])|\b\d{6}[\dXx*]{8,12}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def scrub_text(text: str) -> str:
    """Mask phone-, ID- and e-mail-like pieces inside free text (error messages, logs)."""
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return _LONG_NUMBER.sub(lambda m: mask_id_number(m.group()) if len(m.group()) > 11 else mask_phone(m.group()), text)
