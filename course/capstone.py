"""The capstone (module M12): one page that turns the earlier modules' results into an action plan,
exported as HTML and Excel.

Nothing here re-computes what another module already does. The notebook runs RFM (M07), CLV (M08),
the campaign planner (M09) and the complaint analytics (M10); this module only joins their tables
and writes them down::

    by_segment = segment_values(segmented, values)   # RFM segments × CLV future profit
    save       = save_list(priority_values, segmented, top=10)  # retention_priority + segment
    plan = action_plan(segments=segment_summary(segmented), segment_value=by_segment,
                       campaign=plan_campaign(...), save=save, sla=sla_summary(complaints),
                       pareto=category_pareto(complaints),
                       recovery=repurchase_by_recovery(complaints), budget=20_000, offer=50)
    plan.add_action("……", target="……", owner="……", due="……", measure="……")
    plan.save("my_plan")      # → my_plan/action_plan.html and my_plan/action_plan.xlsx

Every section holds a few computed sentences (``findings``) and one table with English column
names; Chinese headers and number formats are applied only when the plan is shown or exported.
"""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from course.campaign import retention_priority
from course.core.i18n import CourseError, choices, has, t
from course.core.tables import require_columns
from course.rfm import SEGMENT_ACTIONS, SEGMENTS

SECTION_KEYS = ["segments", "value", "campaign", "save", "complaints", "actions"]
ACTION_COLUMNS = ["priority", "action", "target", "owner", "due", "measure"]

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
_EXCEL_FORMATS = {"int": "0", "money": "#,##0", "pct": "0.0%", "ratio": "0.00", "one": "0.0"}

# What each input table must hold (checked before anything is computed).
_NEEDS = {
    "segments": ["segment", "customers", "customer_share", "revenue_share", "avg_recency", "action"],
    "segment_value": ["segment", "customers", "current_profit", "future_profit", "future_share"],
    "campaign": ["plan", "contacted", "responders", "cost", "profit", "roi"],
    "save": ["customer_id", "segment", "satisfaction", "clv", "churn_risk", "expected_loss"],
    "sla": ["metric", "rate"],
    "pareto": ["category", "complaints", "share", "cum_share", "vital_few"],
    "recovery": ["recovery", "complaints", "repurchase_rate"],
}


# ----------------------------------------------------------------------------------------------
# Joining RFM, CLV and the retention list
# ----------------------------------------------------------------------------------------------
def _require(table, what: str, columns) -> None:
    require_columns(table, columns, "capstone", what)


def segment_values(segmented: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """One row per RFM segment (all eight): customers, current_profit, future_profit (sums, 元)
    and future_share, the segment's share of all future profit.

    ``segmented`` comes from ``rfm_segments``, ``values`` from ``course.clv.customer_values``;
    customers present in only one of the two are left out.
    """
    _require(segmented, "segmented", ["customer_id", "segment"])
    _require(values, "values", ["customer_id", "current_profit", "future_profit"])
    joined = segmented[["customer_id", "segment"]].merge(
        values[["customer_id", "current_profit", "future_profit"]], on="customer_id", how="inner")
    segment = pd.Categorical(joined["segment"], categories=SEGMENTS, ordered=True)
    groups = joined.groupby(segment, observed=False)
    future = groups["future_profit"].sum().to_numpy(dtype=float)
    total = future.sum()
    return pd.DataFrame({
        "segment": pd.Categorical(SEGMENTS, categories=SEGMENTS, ordered=True),
        "customers": groups.size().to_numpy(dtype=np.int64),
        "current_profit": groups["current_profit"].sum().to_numpy(dtype=float),
        "future_profit": future,
        "future_share": future / total if total else np.full(len(future), np.nan),
    })


def save_list(values: pd.DataFrame, segmented: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """``retention_priority(values, top)`` (largest expected loss first) with each customer's RFM
    ``segment`` added next to the id."""
    _require(segmented, "segmented", ["customer_id", "segment"])
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise CourseError("capstone.bad_top", top=top)
    ranked = retention_priority(values, top=int(top))
    segment = ranked["customer_id"].map(segmented.set_index("customer_id")["segment"])
    out = ranked.copy()
    out.insert(1, "segment", segment.astype(object).to_numpy())
    return out


# ----------------------------------------------------------------------------------------------
# The plan
# ----------------------------------------------------------------------------------------------
@dataclass
class PlanSection:
    key: str                 # one of SECTION_KEYS
    title: str               # Chinese heading
    findings: list[str]      # a few computed sentences
    table: pd.DataFrame      # English column names; see COLUMNS for how each is shown


@dataclass(repr=False)
class ActionPlan:
    company: str
    as_of: str
    author: str
    sections: list[PlanSection] = field(default_factory=list)

    def __repr__(self) -> str:  # the notebook shows the HTML; this is the plain-text fallback
        return f"{self.title}（{self.subtitle}）：" + "、".join(s.title for s in self.sections)

    @property
    def title(self) -> str:
        return t("capstone.plan_title", company=self.company)

    @property
    def subtitle(self) -> str:
        if self.author:
            return t("capstone.plan_subtitle_author", as_of=self.as_of, author=self.author)
        return t("capstone.plan_subtitle", as_of=self.as_of)

    def section(self, key: str) -> PlanSection:
        for section in self.sections:
            if section.key == key:
                return section
        raise CourseError("capstone.unknown_section", key=key, valid=choices(SECTION_KEYS))

    @property
    def actions(self) -> pd.DataFrame:
        return self.section("actions").table

    def add_action(self, action: str, target: str = "", owner: str = "", due: str = "",
                   measure: str = "") -> pd.DataFrame:
        """Append one action of your own to the action list (next priority number)."""
        texts = {"action": action, "target": target, "owner": owner, "due": due,
                 "measure": measure}
        for name, text in texts.items():
            if not isinstance(text, str):
                raise CourseError("capstone.not_text", name=name, kind=type(text).__name__)
        if not action.strip():
            raise CourseError("capstone.empty_action")
        section = self.section("actions")
        row = {"priority": len(section.table) + 1, **{k: v.strip() for k, v in texts.items()}}
        section.table = pd.concat([section.table, pd.DataFrame([row])], ignore_index=True)
        return section.table

    # -- output -------------------------------------------------------------------------------
    def to_html(self, full: bool = True) -> str:
        """The plan as HTML: a complete page (``full=True``) or a fragment for the notebook."""
        return render_html(self, full=full)

    def _repr_html_(self) -> str:
        return render_html(self, full=False)

    def save(self, folder="my_plan", name: str = "action_plan") -> list[Path]:
        """Write ``<folder>/<name>.html`` and ``<folder>/<name>.xlsx``; the folder is created if
        needed. Returns the two paths."""
        if not isinstance(name, str) or not name.strip() or any(c in name for c in '/\\:*?"<>|'):
            raise CourseError("capstone.bad_name", name=name)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        html_path = folder / f"{name}.html"
        html_path.write_text(self.to_html(full=True), encoding="utf-8")
        xlsx_path = write_excel(self, folder / f"{name}.xlsx")
        return [html_path, xlsx_path]


def _fmt_money(value: float) -> str:
    return f"{value:,.0f}"


def _fmt_pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def _row(table: pd.DataFrame, column: str, value) -> pd.Series | None:
    hit = table[table[column].astype(str) == str(value)]
    return None if hit.empty else hit.iloc[0]


def _segments_section(segments: pd.DataFrame) -> PlanSection:
    best = segments.sort_values("revenue_share", ascending=False, kind="stable").iloc[0]
    findings = [t("capstone.find_seg_top", segment=best["segment"], customers=int(best["customers"]),
                  customer_share=_fmt_pct(best["customer_share"]),
                  revenue_share=_fmt_pct(best["revenue_share"]))]
    for name in (SEGMENTS[2], SEGMENTS[3]):  # 重要保持 / 重要挽留: valuable but drifting away
        row = _row(segments, "segment", name)
        if row is not None and row["customers"] > 0:
            findings.append(t("capstone.find_seg_drift", segment=name,
                              customers=int(row["customers"]),
                              revenue_share=_fmt_pct(row["revenue_share"]),
                              recency=f"{row['avg_recency']:.0f}"))
    table = segments[["segment", "customers", "customer_share", "revenue_share", "action"]]
    return PlanSection("segments", t("capstone.section_segments"), findings,
                       table.reset_index(drop=True))


def _value_section(by_segment: pd.DataFrame) -> PlanSection:
    best = by_segment.sort_values("future_profit", ascending=False, kind="stable").iloc[0]
    drifting = by_segment[by_segment["segment"].astype(str).isin([SEGMENTS[2], SEGMENTS[3]])]
    findings = [
        t("capstone.find_value_top", segment=best["segment"], share=_fmt_pct(best["future_share"]),
          amount=_fmt_money(best["future_profit"])),
        t("capstone.find_value_drift", amount=_fmt_money(drifting["future_profit"].sum()),
          share=_fmt_pct(drifting["future_share"].sum())),
    ]
    table = by_segment[["segment", "customers", "current_profit", "future_profit", "future_share"]]
    return PlanSection("value", t("capstone.section_value"), findings, table.reset_index(drop=True))


def _campaign_section(summary: pd.DataFrame, budget, offer) -> PlanSection:
    precise, everyone = summary.iloc[0], summary.iloc[-1]
    findings = []
    if budget is not None and offer is not None:
        findings.append(t("capstone.find_campaign_setup", budget=_fmt_money(budget),
                          offer=_fmt_money(offer)))
    findings.append(t("capstone.find_campaign_precise", contacted=int(precise["contacted"]),
                      responders=f"{precise['responders']:.0f}", cost=_fmt_money(precise["cost"]),
                      profit=_fmt_money(precise["profit"]), roi=f"{precise['roi']:.2f}"))
    if len(summary) > 1:
        findings.append(t("capstone.find_campaign_everyone", contacted=int(everyone["contacted"]),
                          cost=_fmt_money(everyone["cost"]), profit=_fmt_money(everyone["profit"])))
    table = summary[["plan", "contacted", "responders", "cost", "profit", "roi"]]
    return PlanSection("campaign", t("capstone.section_campaign"), findings,
                       table.reset_index(drop=True))


def _save_section(save: pd.DataFrame) -> PlanSection:
    findings = [t("capstone.find_save_total", n=len(save),
                  loss=_fmt_money(save["expected_loss"].sum()))]
    counts = save["segment"].dropna().astype(str).value_counts()
    if len(counts):
        findings.append(t("capstone.find_save_segment", segment=counts.index[0],
                          k=int(counts.iloc[0]), n=len(save)))
    table = save[["customer_id", "segment", "satisfaction", "clv", "churn_risk", "expected_loss"]]
    return PlanSection("save", t("capstone.section_save"), findings, table.reset_index(drop=True))


def _complaints_section(sla: pd.DataFrame, pareto: pd.DataFrame,
                        recovery: pd.DataFrame) -> PlanSection:
    rate = sla.set_index("metric")["rate"]
    findings = [t("capstone.find_sla", response=_fmt_pct(rate.get("response_ok", np.nan)),
                  resolution=_fmt_pct(rate.get("resolution_ok", np.nan)),
                  within=_fmt_pct(rate.get("within_sla", np.nan)))]
    if len(pareto):
        vital = pareto[pareto["vital_few"].astype(bool)]
        findings.append(t("capstone.find_pareto", top=pareto["category"].iloc[0],
                          share=_fmt_pct(pareto["share"].iloc[0]),
                          vital=choices(vital["category"]), n=len(vital),
                          cum=_fmt_pct(vital["cum_share"].iloc[-1] if len(vital) else np.nan)))
    if len(recovery) >= 2:  # rows 0 and 1: resolved within the service levels / resolved late
        fast, slow = recovery.iloc[0], recovery.iloc[1]
        findings.append(t("capstone.find_recovery", fast_label=fast["recovery"],
                          fast=_fmt_pct(fast["repurchase_rate"]), slow_label=slow["recovery"],
                          slow=_fmt_pct(slow["repurchase_rate"])))
    table = pareto[["category", "complaints", "share", "cum_share", "vital_few"]]
    return PlanSection("complaints", t("capstone.section_complaints"), findings,
                       table.reset_index(drop=True))


def draft_actions(segments: pd.DataFrame, summary: pd.DataFrame, save: pd.DataFrame,
                  sla: pd.DataFrame, pareto: pd.DataFrame, offer=None) -> pd.DataFrame:
    """A first draft of the action list, one row per action, filled in from the findings."""
    rows = []
    if len(save):
        rows.append(("act_save", dict(n=len(save), loss=_fmt_money(save["expected_loss"].sum()))))
    precise = summary.iloc[0]
    if precise["contacted"] > 0:
        rows.append(("act_campaign", dict(
            offer=_fmt_money(offer) if offer is not None else "",
            contacted=int(precise["contacted"]),
            rate=_fmt_pct(precise["responders"] / precise["contacted"]))))
    if len(pareto):
        rows.append(("act_quality", dict(category=pareto["category"].iloc[0],
                                         share=_fmt_pct(pareto["share"].iloc[0]))))
    rate = sla.set_index("metric")["rate"]
    rows.append(("act_sla", dict(resolution=_fmt_pct(rate.get("resolution_ok", np.nan)))))
    best = _row(segments, "segment", SEGMENTS[0])
    if best is not None and best["customers"] > 0:
        rows.append(("act_value", dict(customers=int(best["customers"]),
                                       action=SEGMENT_ACTIONS[SEGMENTS[0]])))
    records = []
    for number, (key, fields) in enumerate(rows, start=1):
        record = {"priority": number}
        for part in ACTION_COLUMNS[1:]:
            record[part] = t(f"capstone.{key}_{part}", **fields)
        records.append(record)
        if key == "act_campaign" and offer is None:  # no offer given: do not print a blank amount
            record["action"] = t("capstone.act_campaign_action_no_offer")
    return pd.DataFrame(records, columns=ACTION_COLUMNS)


def action_plan(*, segments: pd.DataFrame, segment_value: pd.DataFrame, campaign,
                save: pd.DataFrame, sla: pd.DataFrame, pareto: pd.DataFrame,
                recovery: pd.DataFrame, budget=None, offer=None, company: str = "悦家优选",
                as_of: str = "2025-01-01", author: str = "") -> ActionPlan:
    """Assemble the one-page plan from the earlier modules' tables.

    segments: ``segment_summary``; segment_value: ``segment_values``; campaign: the result of
    ``plan_campaign`` (or its ``.summary``); save: ``save_list``; sla: ``sla_summary``; pareto:
    ``category_pareto``; recovery: ``repurchase_by_recovery``. budget and offer (元) are only
    written into the text. The action list starts with a draft you can extend with
    ``plan.add_action(...)``.
    """
    summary = getattr(campaign, "summary", campaign)
    inputs = {"segments": segments, "segment_value": segment_value, "campaign": summary,
              "save": save, "sla": sla, "pareto": pareto, "recovery": recovery}
    for what, table in inputs.items():
        _require(table, what, _NEEDS[what])
    if summary.empty:
        raise CourseError("capstone.empty_table", what="campaign")
    for what in ("segments", "segment_value"):
        if inputs[what].empty:
            raise CourseError("capstone.empty_table", what=what)
    actions = draft_actions(segments, summary, save, sla, pareto, offer)
    plan = ActionPlan(company=str(company), as_of=str(as_of), author=str(author or ""))
    plan.sections = [
        _segments_section(segments),
        _value_section(segment_value),
        _campaign_section(summary, budget, offer),
        _save_section(save),
        _complaints_section(sla, pareto, recovery),
        PlanSection("actions", t("capstone.section_actions"), [t("capstone.find_actions")],
                    actions),
    ]
    return plan


# ----------------------------------------------------------------------------------------------
# Showing values
# ----------------------------------------------------------------------------------------------
def header(column: str) -> str:
    """The Chinese column header (the English name when the catalog has none)."""
    key = f"capstone.col_{column}"
    return t(key) if has(key) else column


def display_value(value, kind: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "money":
        return _fmt_money(float(value))
    if kind == "pct":
        return _fmt_pct(float(value))
    if kind == "ratio":
        return f"{float(value):.2f}"
    if kind == "one":
        return f"{float(value):.1f}"
    if kind == "flag":
        return t("capstone.flag_yes") if bool(value) else t("capstone.flag_no")
    return str(value)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table as text, with Chinese headers: what the HTML page shows."""
    out = pd.DataFrame({header(c): [display_value(v, COLUMNS.get(c, "text")) for v in table[c]]
                        for c in table.columns})
    return out


_CSS = """
.capstone-plan{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',
 sans-serif;font-size:12px;color:#222;max-width:1100px;margin:0 auto;line-height:1.45}
.capstone-plan h1{font-size:20px;margin:0 0 2px}
.capstone-plan .sub{color:#666;margin:0 0 10px}
.capstone-plan .grid{display:grid;grid-template-columns:1fr 1fr;gap:10px 16px}
.capstone-plan section{break-inside:avoid}
.capstone-plan section.wide{grid-column:1 / -1}
.capstone-plan h2{font-size:14px;margin:6px 0 4px;padding-left:6px;border-left:4px solid #E07A1F}
.capstone-plan ul{margin:2px 0 6px;padding-left:18px}
.capstone-plan table{border-collapse:collapse;width:100%}
.capstone-plan th,.capstone-plan td{border:1px solid #d0d4da;padding:2px 5px;text-align:left;
 vertical-align:top}
.capstone-plan th{background:#eef2f7;white-space:nowrap}
.capstone-plan td.num{text-align:right;white-space:nowrap}
@page{size:A4;margin:8mm}
@media print{.capstone-plan{font-size:9px;line-height:1.3}.capstone-plan h1{font-size:15px}
 .capstone-plan h2{font-size:11px;margin:3px 0 2px}.capstone-plan .grid{gap:4px 12px}
 .capstone-plan th,.capstone-plan td{padding:1px 4px}.capstone-plan ul{margin:1px 0 3px}}
"""
_WIDE = {"segments", "actions"}


def _html_table(table: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(header(c))}</th>" for c in table.columns)
    body = []
    for row in table.itertuples(index=False, name=None):
        cells = []
        for column, value in zip(table.columns, row):
            kind = COLUMNS.get(column, "text")
            css = " class='num'" if kind not in ("text", "flag") else ""
            cells.append(f"<td{css}>{html.escape(display_value(value, kind))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(plan: ActionPlan, full: bool = True) -> str:
    parts = [f"<h1>{html.escape(plan.title)}</h1>", f"<p class='sub'>{html.escape(plan.subtitle)}</p>",
             "<div class='grid'>"]
    for section in plan.sections:
        wide = " class='wide'" if section.key in _WIDE else ""
        items = "".join(f"<li>{html.escape(text)}</li>" for text in section.findings)
        parts.append(f"<section{wide} data-section='{section.key}'><h2>{html.escape(section.title)}"
                     f"</h2><ul>{items}</ul>{_html_table(section.table)}</section>")
    parts.append("</div>")
    body = f"<style>{_CSS}</style><div class='capstone-plan'>{''.join(parts)}</div>"
    if not full:
        return body
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(plan.title)}</title></head><body>{body}</body></html>\n")


# ----------------------------------------------------------------------------------------------
# Excel
# ----------------------------------------------------------------------------------------------
def text_width(text: str) -> int:
    """Display width: a Chinese character takes two columns, a Latin one takes one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def sheet_name(key: str) -> str:
    return t(f"capstone.sheet_{key}")


def write_excel(plan: ActionPlan, path) -> Path:
    """One overview sheet (title, findings, actions) plus one sheet per section's table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    head_fill = PatternFill("solid", fgColor="DCE6F0")
    book = Workbook()
    overview = book.active
    overview.title = sheet_name("overview")
    overview.append([plan.title])
    overview["A1"].font = Font(bold=True, size=14)
    overview.append([plan.subtitle])
    for section in plan.sections:
        overview.append([])
        overview.append([section.title])
        overview.cell(overview.max_row, 1).font = Font(bold=True, size=12)
        for text in section.findings:
            overview.append([f"· {text}"])
            overview.cell(overview.max_row, 1).alignment = Alignment(wrap_text=True)
    overview.column_dimensions["A"].width = 110

    for section in plan.sections:
        sheet = book.create_sheet(sheet_name(section.key))
        columns = list(section.table.columns)
        sheet.append([header(c) for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
        for row in section.table.itertuples(index=False, name=None):
            sheet.append([_excel_value(v, COLUMNS.get(c, "text")) for c, v in zip(columns, row)])
        for index, column in enumerate(columns, start=1):
            kind = COLUMNS.get(column, "text")
            letter = get_column_letter(index)
            shown = [display_value(v, kind) for v in section.table[column]]
            widest = max([text_width(header(column))] + [text_width(s) for s in shown])
            sheet.column_dimensions[letter].width = min(max(widest + 2, 8), 60)
            for cell in sheet[letter][1:]:
                if kind in _EXCEL_FORMATS:
                    cell.number_format = _EXCEL_FORMATS[kind]
                elif widest > 58:  # long sentences wrap instead of running off the page
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


# ----------------------------------------------------------------------------------------------
# The skill-KPI target sheet for the trainee's own team (seed 004: four skill modules)
# ----------------------------------------------------------------------------------------------
# (skill module, KPI code, kind): every name and how it is measured come from the catalog
KPI_ROWS = [
    ("insight", "profile_completeness", "pct"),
    ("insight", "needs_updated", "pct"),
    ("communication", "response_within_1h", "pct"),
    ("communication", "cross_dept_claimed", "pct"),
    ("communication", "first_contact_resolution", "pct"),
    ("service", "resolution_within_24h", "pct"),
    ("service", "csat", "pct"),
    ("loyalty", "nps", "one"),
    ("loyalty", "repurchase", "pct"),
]
KPI_COLUMNS = ["skill", "kpi", "current", "target", "gap", "measure", "owner"]


def _kpi_code(name: str) -> str:
    """A KPI's code from its code or its Chinese name (what a trainee types)."""
    names = {code: t(f"capstone.kpi_{code}") for _, code, _ in KPI_ROWS}
    for code, shown in names.items():
        if name in (code, shown):
            return code
    raise CourseError("capstone.kpi_unknown", name=name, valid=choices(names.values()))


def _kpi_values(values) -> dict[str, float]:
    out = {}
    for name, value in (values or {}).items():
        code = _kpi_code(str(name))
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or pd.isna(value):
            raise CourseError("capstone.kpi_bad_value", name=name, value=value)
        out[code] = float(value)
    return out


def kpi_current(complaints: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None) -> dict:
    """The KPIs the company data can already measure: response, resolution, first-contact
    resolution and repurchase from the complaint log; CSAT and NPS from the surveys."""
    from course.complaints import sla_summary
    from course.satisfaction import csat_score, nps

    found = {}
    if complaints is not None:
        rates = sla_summary(complaints).set_index("metric")["rate"]
        found["response_within_1h"] = float(rates["response_ok"])
        found["resolution_within_24h"] = float(rates["resolution_ok"])
        found["first_contact_resolution"] = float(rates["first_contact_resolved"])
        if "repurchased" in complaints.columns:
            found["repurchase"] = float(complaints["repurchased"].mean())
    if surveys is not None:
        found["csat"] = float(csat_score(surveys["csat"])) / 100
        found["nps"] = float(nps(surveys["nps"]))
    return found


def kpi_sheet(current=None, targets=None, owners=None) -> pd.DataFrame:
    """One row per KPI of the four skill modules: now, target, the gap to close, how it is
    measured and who owns it. Keys may be the KPI's Chinese name or its code; a KPI nobody
    filled in stays blank (NaN) rather than getting an invented number."""
    now, goal = _kpi_values(current), _kpi_values(targets)
    who = {_kpi_code(str(k)): str(v) for k, v in (owners or {}).items()}
    rows = []
    for skill, code, _ in KPI_ROWS:
        a, b = now.get(code), goal.get(code)
        rows.append({"skill": t(f"capstone.kpi_skill_{skill}"), "kpi": t(f"capstone.kpi_{code}"),
                     "current": a, "target": b,
                     "gap": None if a is None or b is None else b - a,
                     "measure": t(f"capstone.kpi_measure_{code}"), "owner": who.get(code, "")})
    table = pd.DataFrame(rows, columns=KPI_COLUMNS)
    table.attrs["kinds"] = [kind for _, _, kind in KPI_ROWS]
    return table


def show_kpi_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    """The sheet as trainees read it: Chinese headers, shares as %, blanks as —."""
    kinds = sheet.attrs.get("kinds") or ["pct"] * len(sheet)
    out = sheet.copy().astype(object)
    for column in ("current", "target", "gap"):
        out[column] = [display_value(v, k) for v, k in zip(sheet[column], kinds)]
    return out.rename(columns={c: header(c) for c in out.columns})


def save_kpi_sheet(sheet: pd.DataFrame, folder, name: str = "kpi_sheet") -> Path:
    """Write the sheet to ``folder/name.xlsx`` with Chinese headers and number formats; blank
    cells stay blank so the team can fill them in Excel."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    if not isinstance(name, str) or not name.strip() or any(c in name for c in '/\\:*?"<>|'):
        raise CourseError("capstone.bad_name", name=name)
    kinds = sheet.attrs.get("kinds") or ["pct"] * len(sheet)
    book = Workbook()
    page = book.active
    page.title = t("capstone.sheet_kpi")
    page.append([header(c) for c in sheet.columns])
    for cell in page[1]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F0")
    for (_, row), kind in zip(sheet.iterrows(), kinds):
        page.append([_excel_value(row[c], kind if c in ("current", "target", "gap") else "text")
                     for c in sheet.columns])
        for cell in page[page.max_row][2:5]:
            cell.number_format = _EXCEL_FORMATS[kind]
    for index, column in enumerate(sheet.columns, start=1):
        widest = max([text_width(header(column))] + [text_width(v) for v in sheet[column].astype(str)])
        page.column_dimensions[page.cell(1, index).column_letter].width = min(max(widest + 2, 8), 60)
    page.freeze_panes = "A2"
    path = Path(folder) / f"{name}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _excel_value(value, kind: str):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "flag":
        return t("capstone.flag_yes") if bool(value) else t("capstone.flag_no")
    if kind == "int":
        return int(value)
    if kind in _EXCEL_FORMATS:
        return float(value)
    return str(value)


__all__ = [
    "SECTION_KEYS", "ACTION_COLUMNS", "segment_values", "save_list", "draft_actions",
    "action_plan", "ActionPlan", "PlanSection", "header", "display_table", "render_html",
    "write_excel", "text_width", "sheet_name", "KPI_ROWS", "kpi_current", "kpi_sheet",
    "show_kpi_sheet", "save_kpi_sheet",
]
