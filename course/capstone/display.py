"""How the capstone's tables are shown: the Chinese header of each column and the format of each
kind of value. The HTML page, the Excel file and the KPI sheet all go through here."""
from __future__ import annotations

import pandas as pd

from course.core.i18n import has, t

# Display format of every column a section may show: catalog key of the Chinese header, kind.
# Kinds: text, int, money (元, no decimals), pct (a 0–1 share), ratio (2 decimals), one (1 decimal),
# flag (True/False shown as 是/否).
COLUMNS = {
    "segment": "text", "customers": "int", "customer_share": "pct", "revenue_share": "pct",
    "action": "text", "current_profit": "money", "future_profit": "money", "future_share": "pct",
    "plan": "text", "contacted": "int", "responders": "one", "cost": "money", "profit": "money",
    "roi": "ratio", "customer_id": "text", "satisfaction": "text", "clv": "money",
    "churn_risk": "pct", "expected_loss": "money", "category": "text", "complaints": "int",
    "share": "pct", "cum_share": "pct", "vital_few": "flag", "priority": "int", "target": "text",
    "owner": "text", "due": "text", "measure": "text",
}
NUMBER_KINDS = ("int", "money", "pct", "ratio", "one")


def fmt_money(value: float) -> str:
    return f"{value:,.0f}"


def fmt_pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def is_blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def flag_text(value) -> str:
    return t("capstone.flag_yes") if bool(value) else t("capstone.flag_no")


def header(column: str) -> str:
    """The Chinese column header (the English name when the catalog has none)."""
    key = f"capstone.col_{column}"
    return t(key) if has(key) else column


def display_value(value, kind: str) -> str:
    if is_blank(value):
        return "—"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return fmt_money(float(value))
    if kind == "pct":
        return fmt_pct(float(value))
    if kind == "ratio":
        return f"{float(value):.2f}"
    if kind == "one":
        return f"{float(value):.1f}"
    if kind == "flag":
        return flag_text(value)
    return str(value)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text, with Chinese headers: what the HTML page shows."""
    return pd.DataFrame({header(c): [display_value(v, COLUMNS.get(c, "text")) for v in table[c]]
                         for c in table.columns})
