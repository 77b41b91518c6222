"""Objection trainer: pick a prepared response or write your own, get feedback item by item.

``trainer_view(objection_id, response)`` is a pure function that renders the objection and, when a
response is given, the rubric's verdict as HTML; ``objection_trainer()`` wires it to a dropdown of
objections, a list of prepared responses, a text box and an "assess" button.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from course.core.i18n import t
from course.objections import BLAME_PENALTY, Assessment, assess, get_objection, objections

_CELL = "padding:3px 8px;border-bottom:1px solid #e3e7ec;vertical-align:top;"
_OK, _BAD, _MUTED = "#2b8a3e", "#c92a2a", "#868e96"


@dataclass(frozen=True)
class TrainerView:
    objection: str
    prompt_html: str
    feedback_html: str  # empty when no response was given
    assessment: Assessment | None


def _e(text) -> str:
    return html.escape(str(text))


def trainer_view(objection_id: str, response: str | None = None) -> TrainerView:
    objection = get_objection(objection_id)
    prompt = (
        '<div style="max-width:720px;font-size:13px">'
        f'<div style="font-weight:bold;font-size:15px">{_e(objection.topic)}</div>'
        f'<div style="background:#fff4e6;padding:6px 10px;border-radius:8px;margin:4px 0">'
        f'<b>{_e(t("objections.widget_customer"))}</b>{_e(objection.customer)}</div>'
        f'<div style="color:#495057"><b>{_e(t("objections.widget_technique"))}</b>{_e(objection.technique)}</div>'
        "</div>"
    )
    text = (response or "").strip()
    if not text:
        hint = "" if response is None else (
            f'<div style="color:{_MUTED};font-size:13px">{_e(t("objections.widget_empty"))}</div>')
        return TrainerView(objection.id, prompt, hint, None)
    result = assess(objection, text)
    return TrainerView(objection.id, prompt, _feedback(result), result)


def _feedback(result: Assessment) -> str:
    colour = _OK if result.score >= 80 else ("#e67700" if result.score >= 50 else _BAD)
    heads = ["item", "focus", "hit", "matches", "tip"]
    header = "".join(f'<th style="{_CELL}text-align:left">{_e(t("objections.widget_col_" + h))}</th>'
                     for h in heads)
    rows = []
    for r in result.items:
        if r.kind == "bad":
            mark = f'<span style="color:{_BAD}">✘ {r.points}</span>' if r.hit else f'<span style="color:{_OK}">✔</span>'
        else:
            mark = (f'<span style="color:{_OK}">✔ +{r.points}</span>' if r.hit
                    else f'<span style="color:{_MUTED}">— 0/{r.possible}</span>')
        rows.append(
            "<tr>"
            f'<td style="{_CELL}white-space:nowrap">{_e(r.label)}</td>'
            f'<td style="{_CELL}">{"★" if r.focus else ""}</td>'
            f'<td style="{_CELL}white-space:nowrap">{mark}</td>'
            f'<td style="{_CELL}">{_e("、".join(r.matches))}</td>'
            f'<td style="{_CELL}color:#495057">{_e(r.tip)}</td>'
            "</tr>"
        )
    short = (f'<div style="color:{_BAD};font-size:12px">{_e(t("objections.widget_too_short"))}</div>'
             if result.too_short else "")
    return (
        '<div style="max-width:720px;margin-top:8px">'
        f'<div style="font-size:16px;font-weight:bold;color:{colour}">'
        f'{_e(t("objections.widget_score", score=result.score, rating=result.rating))}</div>{short}'
        f'<table style="border-collapse:collapse;font-size:13px;margin-top:4px"><thead><tr>{header}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table>'
        f'<div style="font-size:11px;color:{_MUTED};margin-top:4px">'
        f'{_e(t("objections.widget_rule", penalty=BLAME_PENALTY))}</div></div>'
    )


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over trainer_view
# ----------------------------------------------------------------------------------------------
OWN = -1  # the radio value that means "my own words"


def objection_trainer(objection_id: str | None = None):
    """The objection trainer (an ``ipywidgets.VBox``).

    The box carries ``.picker``, ``.responses`` (radio buttons), ``.text`` (own words),
    ``.button`` and ``.view`` (the last ``TrainerView``) for trainers and tests.
    """
    import ipywidgets as w

    bank = objections()
    first = objection_id or next(iter(bank))
    get_objection(first)  # a clear Chinese error for an unknown id
    picker = w.Dropdown(description=t("objections.widget_objection"),
                        options=[(o.topic, oid) for oid, o in bank.items()], value=first)
    prompt = w.HTML()
    intro = w.HTML(f'<div style="font-size:13px">{_e(t("objections.widget_pick"))}</div>')
    responses = w.RadioButtons(layout=w.Layout(width="100%"))
    text = w.Textarea(placeholder=t("objections.widget_placeholder"),
                      layout=w.Layout(width="100%", height="80px"))
    button = w.Button(description=t("objections.widget_assess"), button_style="primary")
    feedback = w.HTML()
    box = w.VBox([picker, prompt, intro, responses, text, button, feedback])
    box.picker, box.responses, box.text, box.button = picker, responses, text, button

    def load(_change=None):
        objection = bank[picker.value]
        # Letters, not the model flag, so the list does not give away the best answer.
        responses.options = [(f"{chr(65 + i)}. {r}", i) for i, r in enumerate(objection.responses)] + [
            (t("objections.widget_own"), OWN)]
        responses.value = OWN
        text.value = ""
        box.view = trainer_view(objection.id)
        prompt.value, feedback.value = box.view.prompt_html, ""

    def pick(_change=None):
        if responses.value is not None and responses.value != OWN:
            text.value = bank[picker.value].responses[responses.value]

    def run(_button=None):
        box.view = trainer_view(picker.value, text.value)
        feedback.value = box.view.feedback_html

    picker.observe(load, names="value")
    responses.observe(pick, names="value")
    button.on_click(run)
    box.assess = run
    load()
    return box


__all__ = ["TrainerView", "trainer_view", "objection_trainer"]
