"""Complaint role-play: the customer speaks, the trainee picks a reply, the mood moves; at the end a
score against the seven steps and the four principles, and a replay that explains every choice.

``roleplay_view(scenario, state)`` is a pure function that renders everything as HTML strings;
``roleplay_simulator()`` wires it to a scenario picker, a restart button and one button per reply.

Replies are shown in a fixed shuffled order per node (seeded by scenario and node id), so the best
reply is not always "A" and every trainee in the room sees the same letters.
"""
from __future__ import annotations

import hashlib
import html
import random
import string
from dataclasses import dataclass

from course.core.i18n import CourseError, choices, t
from course.roleplay.engine import (
    MAX_SCORE,
    Score,
    choose,
    current,
    mood_label,
    outcome_label,
    principle_label,
    replay,
    score,
    start,
    step_label,
)
from course.roleplay.loader import load_scenario, load_scenarios
from course.roleplay.model import MOOD_MAX, Scenario, State
from course.roleplay.record import record_code

_CELL = "padding:3px 8px;border-bottom:1px solid #e3e7ec;"
_OK, _BAD, _MUTED = "#2b8a3e", "#c92a2a", "#868e96"


def display_order(scenario_id: str, node_id: str, count: int) -> list[int]:
    """The choice indexes in the order they are shown (same for everyone, not always best-first)."""
    seed = int(hashlib.sha256(f"{scenario_id}/{node_id}".encode()).hexdigest()[:12], 16)
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return order


@dataclass(frozen=True)
class RoleplayView:
    finished: bool
    letters: tuple[str, ...]  # button labels, in display order
    indexes: tuple[int, ...]  # the choice index behind each letter
    header_html: str
    mood_html: str
    transcript_html: str
    options_html: str
    report_html: str  # empty until the conversation has ended
    score: Score | None
    record: str = ""  # the record code, once the conversation has ended


def roleplay_view(scenario: Scenario, state: State) -> RoleplayView:
    node = current(scenario, state)
    order = display_order(scenario.id, node.id, len(node.choices)) if node.choices else []
    letters = tuple(string.ascii_uppercase[: len(order)])
    finished = node.is_ending
    result = score(scenario, state) if finished else None
    return RoleplayView(
        finished=finished,
        letters=letters,
        indexes=tuple(order),
        header_html=_header(scenario),
        mood_html=_mood(state.mood),
        transcript_html=_transcript(scenario, state),
        options_html=_options(node, order, letters),
        report_html=_report(scenario, state, result) if finished else "",
        score=result,
        record=record_code(scenario, state) if finished else "",
    )


# ----------------------------------------------------------------------------------------------
# HTML pieces (inline styles only: they survive JupyterLab, Voila and exported HTML alike)
# ----------------------------------------------------------------------------------------------
def _e(text) -> str:
    return html.escape(str(text))


def _header(scenario: Scenario) -> str:
    return (
        f'<div style="max-width:720px"><div style="font-size:16px;font-weight:bold">{_e(scenario.title)}</div>'
        f'<div style="font-size:13px;margin:4px 0"><b>{_e(t("roleplay.widget_customer"))}</b>'
        f"{_e(scenario.customer)}</div>"
        f'<div style="font-size:13px;color:#495057">{_e(scenario.setting)}</div></div>'
    )


def _mood_color(mood: int) -> str:
    # red (furious) → amber → green (pleased)
    if mood < 20:
        return "#c92a2a"
    if mood < 40:
        return "#e8590c"
    if mood < 60:
        return "#f59f00"
    if mood < 80:
        return "#74b816"
    return "#2b8a3e"


def _mood(mood: int) -> str:
    width = 100 * mood / MOOD_MAX
    caption = t("roleplay.widget_mood", mood=mood, high=MOOD_MAX, label=mood_label(mood))
    return (
        '<div style="max-width:420px;margin:6px 0">'
        f'<div style="font-size:13px">{_e(caption)}</div>'
        '<div style="background:#e9ecef;height:10px;border-radius:5px">'
        f'<div style="width:{width:.0f}%;height:100%;border-radius:5px;background:{_mood_color(mood)}">'
        "</div></div></div>"
    )


def _bubble(who: str, text: str, side: str, colour: str) -> str:
    align = "flex-end" if side == "right" else "flex-start"
    return (
        f'<div style="display:flex;justify-content:{align};margin:4px 0">'
        f'<div style="max-width:80%;background:{colour};padding:6px 10px;border-radius:8px;font-size:13px">'
        f'<div style="font-size:11px;color:#495057">{_e(who)}</div>{_e(text)}</div></div>'
    )


def _prompt(node) -> str:
    if node.say:
        return _bubble(t("roleplay.widget_customer_says"), node.say, "left", "#fff4e6")
    return f'<div style="font-size:13px;color:#495057;font-style:italic;margin:6px 0">{_e(node.scene)}</div>'


def _delta(before: int, after: int) -> str:
    change = after - before
    colour = _OK if change > 0 else (_BAD if change < 0 else _MUTED)
    return (f'<div style="text-align:right;font-size:11px;color:{colour}">'
            f"{_e(t('roleplay.widget_mood_change', change=f'{change:+d}', mood=after, label=mood_label(after)))}"
            "</div>")


def _transcript(scenario: Scenario, state: State) -> str:
    parts = []
    for turn in state.turns:
        node = scenario.nodes[turn.node]
        parts.append(_prompt(node))
        parts.append(_bubble(t("roleplay.widget_you"), node.choices[turn.choice].reply, "right", "#e7f5ff"))
        parts.append(_delta(turn.mood_before, turn.mood_after))
    node = scenario.nodes[state.node]
    parts.append(_prompt(node))
    if node.is_ending:
        parts.append(
            '<div style="border-left:4px solid #2f6690;padding:6px 10px;margin:8px 0;font-size:13px">'
            f"<b>{_e(t('roleplay.widget_ending', outcome=outcome_label(node.ending)))}</b> "
            f"{_e(node.summary)}</div>"
        )
    return f'<div style="max-width:720px">{"".join(parts)}</div>'


def _options(node, order, letters) -> str:
    if not order:
        return ""
    rows = "".join(
        f'<div style="margin:3px 0;font-size:13px"><b>{letter}.</b> {_e(node.choices[i].reply)}</div>'
        for letter, i in zip(letters, order)
    )
    return (f'<div style="max-width:720px;margin-top:6px"><div style="font-weight:bold;font-size:13px">'
            f'{_e(t("roleplay.widget_pick"))}</div>{rows}</div>')


def _mark(ok: bool | None) -> str:
    if ok is None:
        return f'<span style="color:{_MUTED}">—</span>'
    return f'<span style="color:{_OK}">✔</span>' if ok else f'<span style="color:{_BAD}">✘</span>'


def _report(scenario: Scenario, state: State, result: Score) -> str:
    steps = "".join(
        f'<tr><td style="{_CELL}">{_e(step_label(s))}</td><td style="{_CELL}">{_mark(ok)}</td></tr>'
        for s, ok in result.steps.items()
    )
    marks = {"upheld": True, "broken": False, "missing": None}
    principles = "".join(
        f'<tr><td style="{_CELL}">{_e(principle_label(p))}</td><td style="{_CELL}">{_mark(marks[v])} '
        f'{_e(t("roleplay.principle_" + v))}</td></tr>'
        for p, v in result.principles.items()
    )
    summary = t("roleplay.widget_total", total=result.total, high=MAX_SCORE, grade=result.grade,
                outcome=outcome_label(result.outcome))
    detail = t("roleplay.widget_points", steps=result.step_points, principles=result.principle_points,
               mood=result.mood_points)
    cap = (f'<div style="font-size:12px;color:{_BAD}">{_e(t("roleplay.widget_capped", raw=result.raw_total, total=result.total))}</div>'
           if result.capped else "")
    tables = (
        '<div style="display:flex;gap:24px;flex-wrap:wrap">'
        f'<table style="border-collapse:collapse;font-size:13px"><thead><tr><th style="{_CELL}text-align:left">'
        f'{_e(t("roleplay.widget_steps"))}</th><th style="{_CELL}"></th></tr></thead><tbody>{steps}</tbody></table>'
        f'<table style="border-collapse:collapse;font-size:13px"><thead><tr><th style="{_CELL}text-align:left">'
        f'{_e(t("roleplay.widget_principles"))}</th><th style="{_CELL}"></th></tr></thead><tbody>{principles}</tbody></table>'
        "</div>"
    )
    return (
        '<div style="max-width:720px;margin-top:10px;border-top:2px solid #2f6690;padding-top:6px">'
        f'<div style="font-size:16px;font-weight:bold">{_e(summary)}</div>'
        f'<div style="font-size:12px;color:#495057;margin-bottom:6px">{_e(detail)}</div>{cap}'
        f"{_record(scenario, state)}{tables}{_replay(scenario, state)}</div>"
    )


def _record(scenario: Scenario, state: State) -> str:
    """The record code of this path, for the exercise's ``kind: record`` question."""
    code = record_code(scenario, state)
    return (f'<div style="margin:6px 0;padding:6px 10px;background:#fff9db;border-radius:6px">'
            f'<b>{_e(t("roleplay.record_label", code=""))}</b>'
            f'<code style="font-size:18px;letter-spacing:2px;user-select:all">{_e(code)}</code>'
            f'<div style="font-size:12px;color:#495057">{_e(t("roleplay.record_note"))}</div></div>')


def _tags(row) -> str:
    tags = [step_label(s) for s in row.steps] + [
        t("roleplay.widget_upholds", name=principle_label(p)) for p in row.upholds]
    bad = [t("roleplay.widget_breaks", name=principle_label(p)) for p in row.breaks]
    good_html = "".join(f'<span style="background:#ebfbee;color:{_OK};padding:0 5px;margin-right:4px;'
                        f'border-radius:3px">{_e(x)}</span>' for x in tags)
    bad_html = "".join(f'<span style="background:#fff5f5;color:{_BAD};padding:0 5px;margin-right:4px;'
                       f'border-radius:3px">{_e(x)}</span>' for x in bad)
    return f'<div style="font-size:11px;margin:2px 0">{good_html}{bad_html}</div>'


def _replay(scenario: Scenario, state: State) -> str:
    rows = []
    for row in replay(scenario, state):
        better = ""
        if not row.best:
            better = (f'<div style="font-size:12px;margin-top:3px;color:#1864ab"><b>'
                      f'{_e(t("roleplay.widget_better"))}</b>{_e(row.better_reply)}'
                      f'<div style="color:#495057">{_e(row.better_why)}</div></div>')
        rows.append(
            '<div style="margin:8px 0;padding:6px 8px;background:#f8f9fa;border-radius:6px;font-size:13px">'
            f'<div style="font-size:12px;color:#495057">{_e(t("roleplay.widget_turn", turn=row.turn))} · '
            f'{_e(t("roleplay.widget_mood_move", before=row.mood_before, after=row.mood_after))}</div>'
            f'<div style="color:#495057">{_e(row.prompt)}</div>'
            f'<div><b>{_e(t("roleplay.widget_you"))}：</b>{_e(row.reply)}</div>{_tags(row)}'
            f'<div style="font-size:12px">{_mark(row.best)} {_e(row.why)}</div>{better}</div>'
        )
    return (f'<div style="margin-top:8px"><div style="font-weight:bold">{_e(t("roleplay.widget_replay"))}</div>'
            f'{"".join(rows)}</div>')


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over roleplay_view
# ----------------------------------------------------------------------------------------------
def roleplay_simulator(scenario: str | None = None):
    """The role-play simulator (an ``ipywidgets.VBox``); ``scenario`` is an id or a file path.

    The box carries ``.picker``, ``.restart``, ``.buttons`` (current reply buttons), ``.view`` (the
    last ``RoleplayView``), ``.state`` and ``.pick(letter)`` for trainers and tests.
    """
    import ipywidgets as w

    scenarios = dict(load_scenarios())
    if scenario is not None and scenario not in scenarios:
        extra = load_scenario(scenario)
        scenarios[extra.id] = extra
        scenario = extra.id
    first = scenario or next(iter(scenarios))
    picker = w.Dropdown(description=t("roleplay.widget_scenario"),
                        options=[(s.title, sid) for sid, s in scenarios.items()], value=first,
                        style={"description_width": "initial"})
    restart = w.Button(description=t("roleplay.widget_restart"), icon="refresh")
    header, mood, transcript, opts, report = (w.HTML() for _ in range(5))
    buttons = w.HBox()
    box = w.VBox([w.HBox([picker, restart]), header, mood, transcript, opts, buttons, report])
    box.picker, box.restart = picker, restart
    box.state = start(scenarios[first])

    def render():
        current_scenario = scenarios[picker.value]
        view = roleplay_view(current_scenario, box.state)
        box.view = view
        header.value, mood.value = view.header_html, view.mood_html
        transcript.value, opts.value, report.value = view.transcript_html, view.options_html, view.report_html
        made = []
        for letter in view.letters:
            button = w.Button(description=letter, layout=w.Layout(width="60px"))
            button.on_click(lambda _b, letter=letter: box.pick(letter))
            made.append(button)
        buttons.children = made
        box.buttons = made

    def pick(letter: str):
        view = box.view
        if letter not in view.letters:
            raise CourseError("roleplay.bad_letter", letter=letter, valid=choices(view.letters) or "—")
        box.state = choose(scenarios[picker.value], box.state, view.indexes[view.letters.index(letter)])
        render()

    def reset(_change=None):
        box.state = start(scenarios[picker.value])
        render()

    box.pick = pick
    picker.observe(reset, names="value")
    restart.on_click(reset)
    render()
    return box


__all__ = ["RoleplayView", "display_order", "roleplay_view", "roleplay_simulator"]
