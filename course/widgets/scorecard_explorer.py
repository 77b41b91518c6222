"""Scorecard explorer: change the indicator bins and the grade cut-offs, watch grades and bad rates.

``scorecard_view(base, binning, cutoffs, rules, sample)`` is a pure function computing everything
the widget shows; ``scorecard_explorer(apps)`` wires it to controls. The chart is HTML/CSS bars
(instant, no font set-up). ``prepare_scorecard(apps)`` splits the applications once; a scorecard
fitted for one binning is kept in ``base.cards`` (fitting is deterministic, so this cache never
changes a result, it only saves ~20 ms when a trainer flips back and forth).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.plotting import ACCENT_COLOR, BASE_COLOR
from course.credit import (
    DEFAULT_CUTS,
    DEFAULT_GRADE_CUTS,
    DEFAULT_RULES,
    GRADES,
    TARGET,
    Scorecard,
    adjust_grades,
    assign_grades,
    auc,
    fit_scorecard,
    grade_report,
    psi,
    quantile_cuts,
    split_applications,
    stability_label,
)
from course.widgets.live import live, show_view
from course.widgets.text_table import widget_table_html

BINNINGS = ["default", 3, 4, 5]
SAMPLES = ["holdout", "train"]


@dataclass
class ScorecardBase:
    train: pd.DataFrame
    holdout: pd.DataFrame
    cards: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # (binning, sample) -> np.ndarray


@dataclass
class ScorecardView:
    binning: object
    cutoffs: tuple
    rules: bool
    sample: str
    card: Scorecard
    report: pd.DataFrame
    auc: float
    psi: float
    monotone: bool
    caption: str
    table_html: str
    chart_html: str


def prepare_scorecard(apps: pd.DataFrame) -> ScorecardBase:
    train, holdout = split_applications(apps)
    return ScorecardBase(train=train, holdout=holdout)


def _card(base: ScorecardBase, binning) -> Scorecard:
    if binning not in BINNINGS:
        raise CourseError("credit.bad_binning", binning=binning, valid=choices(BINNINGS))
    if binning not in base.cards:
        cuts = DEFAULT_CUTS if binning == "default" else quantile_cuts(base.train, binning)
        card = base.cards[binning] = fit_scorecard(base.train, cuts=cuts)
        for name in SAMPLES:
            base.scores[(binning, name)] = card.score(getattr(base, name)).to_numpy()
    return base.cards[binning]


def scorecard_view(base: ScorecardBase, binning="default", cutoffs=DEFAULT_GRADE_CUTS,
                   rules: bool = True, sample: str = "holdout") -> ScorecardView:
    """Grades, bad rates, AUC and PSI of one setting, with the caption and the HTML."""
    if sample not in SAMPLES:
        raise CourseError("credit.bad_sample", sample=sample, valid=choices(SAMPLES))
    card = _card(base, binning)
    apps = getattr(base, sample)
    scores = base.scores[(binning, sample)]
    grades = assign_grades(pd.Series(scores, index=apps.index), cutoffs)
    if rules:
        grades = adjust_grades(apps, grades, DEFAULT_RULES)["grade_final"]
    report = grade_report(grades, apps[TARGET])
    score_auc = auc(scores, apps[TARGET])
    shift = psi(base.scores[(binning, "train")], base.scores[(binning, "holdout")], cutoffs)
    rates = report["bad_rate"].dropna().to_numpy()
    monotone = bool(np.all(np.diff(rates) >= 0))
    caption = t("credit.explorer_caption", sample=t(f"credit.sample_{sample}"), n=len(apps),
                auc=score_auc, psi=shift, stability=stability_label(shift),
                rules=t("credit.explorer_rules_on" if rules else "credit.explorer_rules_off"))
    caption += " " + t("credit.explorer_monotone" if monotone else "credit.explorer_not_monotone")
    return ScorecardView(binning=binning, cutoffs=tuple(cutoffs), rules=rules, sample=sample,
                         card=card, report=report, auc=score_auc, psi=shift, monotone=monotone,
                         caption=caption, table_html=_table_html(report),
                         chart_html=_chart_html(report))


def _pct(value) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def _table_html(report: pd.DataFrame) -> str:
    heads = [t("credit.explorer_col_" + h) for h in ("grade", "applications", "share", "bad_rate")]
    rows = [(rec.grade, f"{rec.applications:,}", _pct(rec.share), _pct(rec.bad_rate))
            for rec in report.itertuples(index=False)]
    return widget_table_html(heads, rows, right=(1, 2, 3))


def _bar(value, widest: float, color: str) -> str:
    width = 0.0 if pd.isna(value) or widest <= 0 else 100.0 * value / widest
    return ('<div style="display:flex;align-items:center;height:11px;margin:1px 0">'
            f'<div style="width:{width * 0.8:.1f}%;height:100%;background:{color}"></div>'
            f'<span style="font-size:11px;margin-left:4px">{_pct(value)}</span></div>')


def _chart_html(report: pd.DataFrame) -> str:
    both = pd.concat([report["share"], report["bad_rate"]])
    widest = float(both.max()) if both.notna().any() else 0.0
    legend = (f'<span style="color:{BASE_COLOR}">■</span> '
              f'{html.escape(t("credit.explorer_legend_share"))}　'
              f'<span style="color:{ACCENT_COLOR}">■</span> '
              f'{html.escape(t("credit.explorer_legend_bad"))}')
    rows = "".join(
        '<div style="display:flex;align-items:center;margin:3px 0">'
        f'<div style="width:3em;font-size:13px">{rec.grade}</div><div style="flex:1">'
        f"{_bar(rec.share, widest, BASE_COLOR)}{_bar(rec.bad_rate, widest, ACCENT_COLOR)}"
        "</div></div>" for rec in report.itertuples(index=False))
    return ('<div style="max-width:560px"><div style="font-weight:bold;margin-bottom:2px">'
            f'{html.escape(t("credit.explorer_chart_title"))}</div>'
            f'<div style="font-size:12px;margin-bottom:4px">{legend}</div>{rows}</div>')


def scorecard_explorer(apps: pd.DataFrame):
    """An interactive scorecard explorer (``ipywidgets.VBox``) on the credit applications.

    The box carries ``.controls`` (binning, cut_A … cut_D, rules, sample), ``.caption``, ``.chart``,
    ``.table`` and ``.view`` (the last ``ScorecardView``).
    """
    import ipywidgets as w

    base = prepare_scorecard(apps)
    binning_options = [(t("credit.explorer_binning_default"), "default")] + [
        (t("credit.explorer_binning_q", n=n), n) for n in BINNINGS[1:]]
    controls = {
        "binning": w.Dropdown(description=t("credit.explorer_binning"), options=binning_options,
                              value="default"),
        "sample": w.Dropdown(description=t("credit.explorer_sample"),
                             options=[(t(f"credit.sample_{s}"), s) for s in SAMPLES],
                             value="holdout"),
        "rules": w.Checkbox(description=t("credit.explorer_rules"), value=True),
    }
    for grade, cut in zip(GRADES, DEFAULT_GRADE_CUTS):
        controls[f"cut_{grade}"] = w.IntSlider(
            description=t("credit.explorer_cut", grade=grade), min=300, max=750, step=5,
            value=cut, continuous_update=False, style={"description_width": "initial"})
    caption, chart, table = w.HTML(), w.HTML(), w.HTML()
    cut_box = w.VBox([controls[f"cut_{g}"] for g in GRADES[:-1]])
    box = w.VBox([w.HBox([controls["binning"], controls["sample"], controls["rules"]]), cut_box,
                  caption, chart, table])
    box.controls, box.caption, box.chart, box.table, box.base = controls, caption, chart, table, base
    box.view = None

    def update(_change=None):
        cutoffs = [controls[f"cut_{g}"].value for g in GRADES[:-1]]
        # e.g. cut-offs out of order show as a red caption
        show_view(box, lambda: scorecard_view(base, controls["binning"].value, cutoffs,
                                              controls["rules"].value, controls["sample"].value),
                  caption, chart, table)

    return live(box, controls.values(), update)


__all__ = ["BINNINGS", "SAMPLES", "ScorecardBase", "ScorecardView", "prepare_scorecard",
           "scorecard_view", "scorecard_explorer"]
