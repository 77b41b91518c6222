"""The plan: its sections (a few computed sentences and one table each), the draft action list,
and ``action_plan``, which assembles them from the earlier modules' tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from course.capstone.display import fmt_money, fmt_pct
from course.capstone.joins import require
from course.capstone.page import render_html
from course.capstone.workbook import check_file_name, write_excel
from course.core.i18n import CourseError, choices, t
from course.rfm import SEGMENT_ACTIONS, SEGMENTS

SECTION_KEYS = ["segments", "value", "campaign", "save", "complaints", "actions"]
ACTION_COLUMNS = ["priority", "action", "target", "owner", "due", "measure"]

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


@dataclass
class PlanSection:
    key: str                 # one of SECTION_KEYS
    title: str               # Chinese heading
    findings: list[str]      # a few computed sentences
    table: pd.DataFrame      # English column names; display.COLUMNS says how each is shown


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
        check_file_name(name)
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        html_path = folder / f"{name}.html"
        html_path.write_text(self.to_html(full=True), encoding="utf-8")
        xlsx_path = write_excel(self, folder / f"{name}.xlsx")
        return [html_path, xlsx_path]


def _row(table: pd.DataFrame, column: str, value) -> pd.Series | None:
    hit = table[table[column].astype(str) == str(value)]
    return None if hit.empty else hit.iloc[0]


def _segments_section(segments: pd.DataFrame) -> PlanSection:
    best = segments.sort_values("revenue_share", ascending=False, kind="stable").iloc[0]
    findings = [t("capstone.find_seg_top", segment=best["segment"], customers=int(best["customers"]),
                  customer_share=fmt_pct(best["customer_share"]),
                  revenue_share=fmt_pct(best["revenue_share"]))]
    for name in (SEGMENTS[2], SEGMENTS[3]):  # 重要保持 / 重要挽留: valuable but drifting away
        row = _row(segments, "segment", name)
        if row is not None and row["customers"] > 0:
            findings.append(t("capstone.find_seg_drift", segment=name,
                              customers=int(row["customers"]),
                              revenue_share=fmt_pct(row["revenue_share"]),
                              recency=f"{row['avg_recency']:.0f}"))
    table = segments[["segment", "customers", "customer_share", "revenue_share", "action"]]
    return PlanSection("segments", t("capstone.section_segments"), findings,
                       table.reset_index(drop=True))


def _value_section(by_segment: pd.DataFrame) -> PlanSection:
    best = by_segment.sort_values("future_profit", ascending=False, kind="stable").iloc[0]
    drifting = by_segment[by_segment["segment"].astype(str).isin([SEGMENTS[2], SEGMENTS[3]])]
    findings = [
        t("capstone.find_value_top", segment=best["segment"], share=fmt_pct(best["future_share"]),
          amount=fmt_money(best["future_profit"])),
        t("capstone.find_value_drift", amount=fmt_money(drifting["future_profit"].sum()),
          share=fmt_pct(drifting["future_share"].sum())),
    ]
    table = by_segment[["segment", "customers", "current_profit", "future_profit", "future_share"]]
    return PlanSection("value", t("capstone.section_value"), findings, table.reset_index(drop=True))


def _campaign_section(summary: pd.DataFrame, budget, offer) -> PlanSection:
    precise, everyone = summary.iloc[0], summary.iloc[-1]
    findings = []
    if budget is not None and offer is not None:
        findings.append(t("capstone.find_campaign_setup", budget=fmt_money(budget),
                          offer=fmt_money(offer)))
    findings.append(t("capstone.find_campaign_precise", contacted=int(precise["contacted"]),
                      responders=f"{precise['responders']:.0f}", cost=fmt_money(precise["cost"]),
                      profit=fmt_money(precise["profit"]), roi=f"{precise['roi']:.2f}"))
    if len(summary) > 1:
        findings.append(t("capstone.find_campaign_everyone", contacted=int(everyone["contacted"]),
                          cost=fmt_money(everyone["cost"]), profit=fmt_money(everyone["profit"])))
    table = summary[["plan", "contacted", "responders", "cost", "profit", "roi"]]
    return PlanSection("campaign", t("capstone.section_campaign"), findings,
                       table.reset_index(drop=True))


def _save_section(save: pd.DataFrame) -> PlanSection:
    findings = [t("capstone.find_save_total", n=len(save),
                  loss=fmt_money(save["expected_loss"].sum()))]
    counts = save["segment"].dropna().astype(str).value_counts()
    if len(counts):
        findings.append(t("capstone.find_save_segment", segment=counts.index[0],
                          k=int(counts.iloc[0]), n=len(save)))
    table = save[["customer_id", "segment", "satisfaction", "clv", "churn_risk", "expected_loss"]]
    return PlanSection("save", t("capstone.section_save"), findings, table.reset_index(drop=True))


def _complaints_section(sla: pd.DataFrame, pareto: pd.DataFrame,
                        recovery: pd.DataFrame) -> PlanSection:
    rate = sla.set_index("metric")["rate"]
    findings = [t("capstone.find_sla", response=fmt_pct(rate.get("response_ok", np.nan)),
                  resolution=fmt_pct(rate.get("resolution_ok", np.nan)),
                  within=fmt_pct(rate.get("within_sla", np.nan)))]
    if len(pareto):
        vital = pareto[pareto["vital_few"].astype(bool)]
        findings.append(t("capstone.find_pareto", top=pareto["category"].iloc[0],
                          share=fmt_pct(pareto["share"].iloc[0]),
                          vital=choices(vital["category"]), n=len(vital),
                          cum=fmt_pct(vital["cum_share"].iloc[-1] if len(vital) else np.nan)))
    if len(recovery) >= 2:  # rows 0 and 1: resolved within the service levels / resolved late
        fast, slow = recovery.iloc[0], recovery.iloc[1]
        findings.append(t("capstone.find_recovery", fast_label=fast["recovery"],
                          fast=fmt_pct(fast["repurchase_rate"]), slow_label=slow["recovery"],
                          slow=fmt_pct(slow["repurchase_rate"])))
    table = pareto[["category", "complaints", "share", "cum_share", "vital_few"]]
    return PlanSection("complaints", t("capstone.section_complaints"), findings,
                       table.reset_index(drop=True))


def draft_actions(segments: pd.DataFrame, summary: pd.DataFrame, save: pd.DataFrame,
                  sla: pd.DataFrame, pareto: pd.DataFrame, offer=None) -> pd.DataFrame:
    """A first draft of the action list, one row per action, filled in from the findings."""
    rows = []
    if len(save):
        rows.append(("act_save", dict(n=len(save), loss=fmt_money(save["expected_loss"].sum()))))
    precise = summary.iloc[0]
    if precise["contacted"] > 0:
        rows.append(("act_campaign", dict(
            offer=fmt_money(offer) if offer is not None else "",
            contacted=int(precise["contacted"]),
            rate=fmt_pct(precise["responders"] / precise["contacted"]))))
    if len(pareto):
        rows.append(("act_quality", dict(category=pareto["category"].iloc[0],
                                         share=fmt_pct(pareto["share"].iloc[0]))))
    rate = sla.set_index("metric")["rate"]
    rows.append(("act_sla", dict(resolution=fmt_pct(rate.get("resolution_ok", np.nan)))))
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
        require(table, what, _NEEDS[what])
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
