"""Profile card: type a customer id, see the four-dimension profile, recent orders, complaints and
NPS on one card, with phone, e-mail and ID number masked.

``card_view(base, customer_id)`` is a pure function that builds the card; ``profile_card(...)``
wires it to a text box and a button. ``prepare`` builds the profiles once and indexes orders and
complaints by customer, so showing a card is a dictionary look-up plus a few lines of HTML.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.core.privacy import mask_pii
from course.core.tables import require_columns
from course.profiles import DIMENSIONS, ONLY_FOR, build_profiles, completeness
from course.widgets.live import ERROR_COLOR, live

RECENT_ORDERS = 5
PII_FIELDS = ["phone", "email", "id_number"]
SECTIONS = {
    "card_section_profile": ["customer_type", "gender", "age_band", "industry", "city", "channel",
                             "join_date", "phone", "email", "id_number"],
    "card_section_behaviour": ["purchases", "net_spend", "last_purchase", "favourite_category"],
    "card_section_needs": ["satisfaction", "voiced_need"],
    "card_section_value": ["tier", "rfm_segment", "churned"],
}


@dataclass(frozen=True, eq=False)
class CardBase:
    profiles: pd.DataFrame  # one row per customer, PII masked, indexed by customer_id
    orders: pd.DataFrame  # sorted by customer, newest first within a customer
    order_rows: dict  # customer_id → (start, stop) rows in ``orders``
    complaints: pd.DataFrame  # same layout as orders
    complaint_rows: dict
    as_of: pd.Timestamp


def _by_customer(table: pd.DataFrame, date_col: str) -> tuple[pd.DataFrame, dict]:
    """The table sorted by customer (newest first) and each customer's row range: one sort
    instead of thousands of small group tables."""
    ordered = table.sort_values(["customer_id", date_col], ascending=[True, False],
                                kind="mergesort").reset_index(drop=True)
    ids = ordered["customer_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], int)
    stops = np.r_[starts[1:], len(ids)]
    return ordered, {ids[a]: (int(a), int(b)) for a, b in zip(starts, stops)}


def prepare(customers: pd.DataFrame, orders: pd.DataFrame, surveys=None, complaints=None,
            feedback=None, as_of="2025-01-01", profiles=None) -> CardBase:
    """Build every profile once (PII masked) and group the orders and complaints by customer.

    ``profiles`` may pass a ``build_profiles`` result made earlier (same tables, same as_of) to
    save rebuilding it.
    """
    as_of = pd.Timestamp(as_of)
    if profiles is None:
        profiles = build_profiles(customers, orders, surveys, complaints, feedback, as_of=as_of)
    else:
        require_columns(profiles, ["customer_id", "customer_type", "last_purchase", "nps"], "profiles",
                        "profiles")
        profiles = profiles.copy()
    profiles["completeness"] = completeness(profiles).to_numpy()
    profiles = mask_pii(profiles, [c for c in PII_FIELDS if c in profiles.columns])
    order_table, order_rows = _by_customer(orders[orders["order_date"] < as_of], "order_date")
    if complaints is None:
        complaints = pd.DataFrame({"customer_id": [], "created_at": pd.to_datetime([]), "category": []})
    require_columns(complaints, ["customer_id", "created_at", "category"], "profiles", "complaints")
    complaint_table, complaint_rows = _by_customer(complaints, "created_at")
    return CardBase(profiles.set_index("customer_id", drop=False), order_table, order_rows,
                    complaint_table, complaint_rows, as_of)


@dataclass(frozen=True, eq=False)
class CardView:
    customer_id: str
    profile: dict  # field → shown text (PII masked)
    recent_orders: pd.DataFrame
    complaints: pd.DataFrame
    nps: float | None
    completeness: float
    html: str


def card_view(base: CardBase, customer_id: str) -> CardView:
    """The card of one customer; an unknown id raises CourseError with a readable message."""
    cid = str(customer_id).strip().upper()
    if cid not in base.profiles.index:
        raise CourseError("profiles.card_unknown", customer_id=customer_id, n=len(base.profiles))
    row = base.profiles.loc[cid]
    shown = {f: _text(f, row.get(f)) for fields in SECTIONS.values() for f in fields
             if f in row.index and _applies(f, row)}
    start, stop = base.order_rows.get(cid, (0, 0))
    order_cols = [c for c in ["order_date", "amount", "category", "channel"] if c in base.orders.columns]
    recent = base.orders.iloc[start:min(stop, start + RECENT_ORDERS)][order_cols].reset_index(drop=True)
    start, stop = base.complaint_rows.get(cid, (0, 0))
    cols = [c for c in ["created_at", "category", "severity", "outcome"] if c in base.complaints.columns]
    complaints = base.complaints.iloc[start:stop][cols].reset_index(drop=True)
    nps = None if pd.isna(row.get("nps")) else float(row["nps"])
    return CardView(
        customer_id=cid, profile=shown, recent_orders=recent, complaints=complaints, nps=nps,
        completeness=float(row["completeness"]),
        html=_card_html(row, shown, recent, complaints, nps, base.as_of),
    )


def _applies(field: str, row) -> bool:
    kind = ONLY_FOR.get(field)
    return kind is None or row.get("customer_type") == kind


def _text(field: str, value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return t("profiles.card_blank")
    if isinstance(value, (bool, np.bool_)):
        return t("profiles.answer_yes") if value else t("profiles.answer_no")
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if field == "net_spend":
        return f"{float(value):,.2f}"
    return str(value)


def nps_group(score: float) -> str:
    """推荐者 9–10, 中立者 7–8, 贬损者 0–6."""
    key = "card_promoter" if score >= 9 else "card_passive" if score >= 7 else "card_detractor"
    return t(f"profiles.{key}")


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------
_CELL = "padding:2px 8px;border-bottom:1px solid #eee;font-size:13px;"


def _section(title: str, pairs) -> str:
    rows = "".join(
        f'<tr><td style="{_CELL}color:#5C6770;white-space:nowrap">{html.escape(k)}</td>'
        f'<td style="{_CELL}">{html.escape(v)}</td></tr>' for k, v in pairs
    )
    return (f'<div style="min-width:230px;flex:1"><div style="font-weight:bold;color:#2F6690;'
            f'margin:4px 0">{html.escape(title)}</div><table style="border-collapse:collapse">'
            f"{rows}</table></div>")


def _small_table(frame: pd.DataFrame, empty_key: str) -> str:
    if frame.empty:
        return f'<div style="font-size:13px;color:#5C6770">{html.escape(t(empty_key))}</div>'
    head = "".join(f'<th style="{_CELL}text-align:left">{html.escape(t("profiles.col_" + c))}</th>'
                   for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{html.escape(_text(c, v))}</td>'
                         for c, v in rec.items()) + "</tr>"
        for _, rec in frame.iterrows()
    )
    return f'<table style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


def _card_html(row, shown: dict, recent, complaints, nps, as_of) -> str:
    sections = []
    for key, fields in SECTIONS.items():
        pairs = [(t(f"profiles.field_{f}"), shown[f]) for f in fields if f in shown]
        if key == "card_section_needs":
            pairs.insert(0, (t("profiles.card_section_needs"),
                             t("profiles.card_nps", nps=int(nps), group=nps_group(nps))
                             if nps is not None else t("profiles.card_no_nps")))
        if key == "card_section_behaviour" and not pd.isna(row.get("last_purchase")):
            days = (as_of - row["last_purchase"]).days
            pairs = [(k, v + f"（{t('profiles.card_days', days=days)}）" if k == t(
                "profiles.field_last_purchase") else v) for k, v in pairs]
        sections.append(_section(t(f"profiles.{key}"), pairs))
    pct = float(row["completeness"])
    bar = (f'<div style="display:flex;align-items:center;gap:6px;font-size:13px">'
           f'<div style="width:160px;height:10px;background:#E3E7EC"><div style="width:{pct:.0f}%;'
           f'height:100%;background:#2F6690"></div></div>'
           f'{html.escape(t("profiles.card_completeness", pct=f"{pct:.0f}%"))}</div>')
    title = t("profiles.card_title", name=str(row.get("name", "")).strip(), customer_id=row["customer_id"])
    return (
        '<div style="border:1px solid #ccd3da;border-radius:6px;padding:10px 14px;max-width:820px">'
        f'<div style="font-size:16px;font-weight:bold">{html.escape(title)}</div>{bar}'
        f'<div style="display:flex;flex-wrap:wrap;gap:10px">{"".join(sections)}</div>'
        f'<div style="display:flex;flex-wrap:wrap;gap:16px;margin-top:6px"><div>'
        f'<div style="font-weight:bold;color:#2F6690">{html.escape(t("profiles.card_section_orders"))}</div>'
        f'{_small_table(recent, "profiles.card_no_orders")}</div><div>'
        f'<div style="font-weight:bold;color:#2F6690">{html.escape(t("profiles.card_section_complaints"))}</div>'
        f'{_small_table(complaints, "profiles.card_no_complaints")}</div></div></div>'
    )


# ----------------------------------------------------------------------------------------------
# The widget
# ----------------------------------------------------------------------------------------------
def profile_card(customers: pd.DataFrame, orders: pd.DataFrame, surveys=None, complaints=None,
                 feedback=None, customer_id: str | None = None, profiles=None):
    """An interactive profile card (an ``ipywidgets.VBox``): a customer-id box, a button, the card.

    The box carries ``.controls`` (customer_id, show), ``.card`` (HTML) and ``.view`` (the last
    ``CardView``) for trainers and tests. ``profiles``: see ``prepare``.
    """
    import ipywidgets as w

    base = prepare(customers, orders, surveys, complaints, feedback, profiles=profiles)
    first = customer_id or str(base.profiles.index[0])
    controls = {"customer_id": w.Text(description=t("profiles.card_customer"), value=first,
                                      continuous_update=False),
                "show": w.Button(description=t("profiles.card_show"), button_style="primary")}
    card = w.HTML()
    box = w.VBox([w.HBox(list(controls.values())), card])
    box.controls, box.card, box.base, box.view = controls, card, base, None

    def update(_change=None):
        try:
            view = card_view(base, controls["customer_id"].value)
        except CourseError as err:  # an unknown id: a red line, the box stays usable
            card.value = f'<span style="color:{ERROR_COLOR}">{html.escape(str(err))}</span>'
            box.view = None
            return
        card.value, box.view = view.html, view

    return live(box, [controls["customer_id"]], update, clicks=[controls["show"]])


__all__ = ["CardBase", "CardView", "prepare", "card_view", "nps_group", "profile_card", "DIMENSIONS"]
