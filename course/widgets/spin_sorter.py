"""SPIN question sorter: label each question S, P, I or N and get the verdict and the reason at once.

``sorter_view(quiz, labels)`` is a pure function (scores and renders the answers given so far);
``spin_sorter(bank)`` wires it to a scenario picker and one S/P/I/N toggle per question.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import t
from course.spin import SPIN_TYPES, scenarios, score_labels, spin_name, spin_quiz
from course.widgets.live import live

RIGHT_COLOR, WRONG_COLOR = "#2F9E44", "#C92A2A"


@dataclass(frozen=True, eq=False)
class SorterView:
    """What the sorter shows for one set of labels."""

    results: pd.DataFrame  # score_labels(quiz, labels)
    answered: int
    correct: int
    total: int
    score_text: str
    feedback_html: list  # one HTML snippet per question: empty until it is answered


def sorter_view(quiz: pd.DataFrame, labels) -> SorterView:
    """Score the labels given so far (unanswered questions stay silent)."""
    results = score_labels(quiz, labels)
    answered_mask = results["answer"].notna()
    answered, correct = int(answered_mask.sum()), int(results["correct"].sum())
    feedback = []
    for rec, done in zip(results.itertuples(index=False), answered_mask):
        if not done:
            feedback.append("")
            continue
        if rec.correct:
            head = f'<span style="color:{RIGHT_COLOR};font-weight:bold">{html.escape(t("spin.sorter_right"))}</span>'
        else:
            verdict = t("spin.sorter_wrong", truth=spin_name(rec.spin))
            head = f'<span style="color:{WRONG_COLOR};font-weight:bold">{html.escape(verdict)}</span>'
        feedback.append(f'<div style="font-size:12px">{head} {html.escape(str(rec.explanation))}</div>')
    score_text = t("spin.sorter_score", answered=answered, total=len(results), correct=correct)
    return SorterView(results, answered, correct, len(results), score_text, feedback)


def spin_sorter(bank: pd.DataFrame, scenario: str | None = None, per_type: int = 2, seed: int = 0):
    """An interactive sorter (an ``ipywidgets.VBox``) over the question bank.

    Changing the scenario draws a new balanced quiz. The box carries ``.scenario``, ``.toggles``
    (one ToggleButtons per question), ``.score``, ``.quiz`` and ``.view`` for trainers and tests.
    """
    import ipywidgets as w

    spin_quiz(bank, scenario, per_type, seed)  # fail early, in Chinese, on a bad bank or scenario
    options = [(t("spin.sorter_all"), None)] + [(s, s) for s in scenarios(bank)]
    picker = w.Dropdown(description=t("spin.sorter_scenario"), options=options, value=scenario)
    score = w.HTML()
    rows = w.VBox()
    box = w.VBox([w.HTML(html.escape(t("spin.sorter_caption"))), picker, rows, score])
    box.scenario, box.score, box.rows = picker, score, rows

    def update(_change=None):
        view = sorter_view(box.quiz, [tg.value for tg in box.toggles])
        for fb, snippet in zip(box.feedback, view.feedback_html):
            fb.value = snippet
        score.value = f"<b>{html.escape(view.score_text)}</b>"
        box.view = view

    def draw(_change=None):
        box.quiz = spin_quiz(bank, picker.value, per_type, seed)
        box.toggles, box.feedback, children = [], [], []
        for i, rec in enumerate(box.quiz.itertuples(index=False), start=1):
            toggle = w.ToggleButtons(options=SPIN_TYPES, value=None, style={"button_width": "36px"})
            feedback = w.HTML()
            box.toggles.append(toggle)
            box.feedback.append(feedback)
            children.append(w.VBox([w.HTML(f"<b>{i}.</b> {html.escape(rec.question)}"), toggle, feedback]))
        rows.children = children
        live(box, box.toggles, update)  # each new quiz gets new toggles

    picker.observe(draw, names="value")
    box.draw = draw
    draw()
    return box


__all__ = ["SorterView", "sorter_view", "spin_sorter"]
