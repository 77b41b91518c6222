"""Survey checker: trainees type a draft questionnaire, the flaws of each question are flagged.

``survey_view(text)`` is the pure function (a caption and an HTML table of questions with their
flags and advice); ``survey_checker()`` puts a text box and a check button over it. The check runs
on the button, not on every keystroke, so a half-typed question is not judged.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import t
from course.survey_design import check_survey
from course.widgets.live import live, show_view

FLAG_COLOR, OK_COLOR = "#b00020", "#2e7d32"

SAMPLE = """1. 您对我们贴心的售后服务满意吗？ | 非常满意 / 满意 / 比较满意 / 不满意
2. 您对送货速度和安装质量满意吗？ | 满意 / 一般 / 不满意
3. 您是否每次都在门店购买？ | 是 / 否
4. 送货是否及时？ | 非常满意 / 满意 / 一般 / 不满意 / 非常不满意
5. 您还希望我们增加哪些服务？"""


@dataclass(frozen=True, eq=False)
class SurveyView:
    checked: pd.DataFrame
    caption: str
    chart_html: str  # the question table (named chart_html so show_view can place it)


def survey_view(text: str) -> SurveyView:
    checked = check_survey(text)
    flagged = int(checked["issues"].map(bool).sum())
    caption = t("survey_design.checker_caption", questions=len(checked), flagged=flagged)
    cell = "padding:4px 10px;border-bottom:1px solid #ddd;vertical-align:top;"
    heads = "".join(f'<th style="{cell}text-align:left">{html.escape(t("survey_design.checker_col_" + h))}</th>'
                    for h in ("number", "question", "verdict"))
    rows = []
    for r in checked.itertuples(index=False):
        if r.issues:
            names = "、".join(t(f"survey_design.issue_{c}") for c in r.issues)
            verdict = (f'<b style="color:{FLAG_COLOR}">{html.escape(names)}</b>'
                       f'<div style="font-size:12px">{html.escape(r.advice)}</div>')
        else:
            verdict = f'<span style="color:{OK_COLOR}">{html.escape(t("survey_design.checker_ok"))}</span>'
        options = f'<div style="font-size:12px;color:#555">{html.escape(r.options)}</div>' if r.options else ""
        rows.append(f'<tr><td style="{cell}">{r.number}</td><td style="{cell}">{html.escape(r.question)}'
                    f"{options}</td><td style=\"{cell}\">{verdict}</td></tr>")
    table = (f'<table style="border-collapse:collapse;font-size:13px;max-width:820px"><thead><tr>{heads}'
             f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return SurveyView(checked=checked, caption=caption, chart_html=table)


def survey_checker(text: str = SAMPLE):
    """A text box with a draft survey and a check button (an ``ipywidgets.VBox``); ``.text``,
    ``.button``, ``.caption``, ``.chart`` and ``.view`` are there for trainers and tests."""
    import ipywidgets as w

    box_text = w.Textarea(value=text, placeholder=t("survey_design.checker_placeholder"),
                          layout=w.Layout(width="820px", height="170px"))
    button = w.Button(description=t("survey_design.checker_button"), button_style="primary")
    caption, chart = w.HTML(), w.HTML()
    box = w.VBox([w.HTML(html.escape(t("survey_design.checker_help"))), box_text, button, caption, chart])
    box.text, box.button, box.caption, box.chart = box_text, button, caption, chart
    box.view = None

    def update(_click=None):
        show_view(box, lambda: survey_view(box_text.value), caption, chart)

    # checked on the button, not on every keystroke: the trainee finishes a draft first
    return live(box, [], update, clicks=[button])


__all__ = ["SAMPLE", "SurveyView", "survey_checker", "survey_view"]
