"""Scenario trainer: read what a customer said, pick the customer type and a response strategy,
get immediate feedback with the reasoning (the clues in the words, the type's psychology, the
recommended response).

The logic is a few pure functions over an immutable ``TrainerState`` (unit-tested directly):

    state = new_state(dialogues, n=8, seed=1)   # a deterministic deck of snippets
    state = submit(state, "犹豫不决", strategy)  # judge the current card
    state = advance(state)                       # next card
    view  = render(state)                        # card, feedback and score as HTML / text

``scenario_trainer(dialogues)`` wires them to two dropdowns and three buttons.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, t
from course.core.tables import require_columns
from course.psychology import (
    TYPES,
    check_type,
    clues,
    customer_types_table,
    strategy_options,
    type_for_strategy,
)

DEFAULT_SIZE, MAX_SIZE = 8, 50
POINTS_TYPE, POINTS_STRATEGY = 1, 1
OK_COLOR, BAD_COLOR, INFO_COLOR = "#e8f5e9", "#fdecea", "#e3f2fd"


def make_deck(dialogues: pd.DataFrame, n: int = DEFAULT_SIZE, seed: int = 1) -> pd.DataFrame:
    """``n`` snippets, never the same words twice; the same ``seed`` always gives the same deck.

    The deck cycles through the types: any 8 consecutive cards from the start show 8 different
    types (as long as the data has them), so a short round still covers every type.
    """
    require_columns(dialogues, ["dialogue_id", "customer_type", "channel", "scenario", "utterance"],
                    "psychology", "dialogues")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_SIZE:
        raise CourseError("psychology.bad_size", n=n, high=MAX_SIZE)
    pool = dialogues.drop_duplicates("utterance")
    if pool.empty:
        raise CourseError("psychology.empty_deck")
    for name in pool["customer_type"].astype(str).unique():
        check_type(name)
    # Round robin over the types (in a shuffled order) so that 8 cards show 8 different types.
    rng = np.random.default_rng(seed)
    shuffled = pool.iloc[rng.permutation(len(pool))]
    type_order = {ty: i for i, ty in enumerate(rng.permutation(TYPES))}
    keys = pd.DataFrame({"round": shuffled.groupby("customer_type", observed=True).cumcount().to_numpy(),
                         "type": shuffled["customer_type"].astype(str).map(type_order).to_numpy()})
    order = np.lexsort((keys["type"].to_numpy(), keys["round"].to_numpy()))[:n]
    deck = shuffled.iloc[order]
    return deck[["dialogue_id", "customer_type", "channel", "scenario", "utterance"]].reset_index(drop=True)


@dataclass(frozen=True)
class Judgement:
    """The verdict on one card."""

    customer_type: str  # the label in the data
    picked_type: str
    picked_strategy: str
    type_ok: bool
    strategy_ok: bool
    lines: tuple  # the feedback sentences, in order

    @property
    def points(self) -> int:
        return POINTS_TYPE * self.type_ok + POINTS_STRATEGY * self.strategy_ok


def judge(utterance: str, customer_type: str, picked_type: str, picked_strategy: str) -> Judgement:
    """Compare the trainee's picks with the label and explain the right answer."""
    check_type(customer_type)
    check_type(picked_type)
    fits = type_for_strategy(picked_strategy)  # also rejects an unknown strategy
    type_ok, strategy_ok = picked_type == customer_type, fits == customer_type
    lines = [
        t("psychology.trainer_type_right", type=customer_type) if type_ok
        else t("psychology.trainer_type_wrong", picked=picked_type, type=customer_type),
        t("psychology.trainer_strategy_right", strategy=picked_strategy) if strategy_ok
        else t("psychology.trainer_strategy_wrong", picked=picked_strategy, fits=fits),
    ]
    found = clues(utterance, customer_type)
    lines.append(t("psychology.trainer_clues", clues="、".join(found)) if found
                 else t("psychology.trainer_no_clues"))
    about = customer_types_table().set_index("customer_type").loc[customer_type]
    lines.append(t("psychology.trainer_why", signals=about["signals"], psychology=about["psychology"]))
    lines.append(t("psychology.trainer_how", strategy=about["strategy"], avoid=about["avoid"]))
    return Judgement(customer_type, picked_type, picked_strategy, type_ok, strategy_ok, tuple(lines))


@dataclass(frozen=True, eq=False)
class TrainerState:
    deck: pd.DataFrame
    position: int = 0  # index of the card on screen
    results: tuple = ()  # one Judgement or None per card

    @property
    def total(self) -> int:
        return len(self.deck)

    @property
    def current(self):
        return self.deck.iloc[self.position]

    @property
    def answered(self) -> int:
        return sum(r is not None for r in self.results)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.results if r is not None)

    @property
    def done(self) -> bool:
        return self.answered == self.total


def new_state(dialogues: pd.DataFrame, n: int = DEFAULT_SIZE, seed: int = 1) -> TrainerState:
    deck = make_deck(dialogues, n, seed)
    return TrainerState(deck=deck, position=0, results=(None,) * len(deck))


def submit(state: TrainerState, picked_type: str, picked_strategy: str) -> TrainerState:
    """Judge the current card (once: a card already answered keeps its first verdict)."""
    if state.results[state.position] is not None:
        return state
    card = state.current
    verdict = judge(card["utterance"], card["customer_type"], picked_type, picked_strategy)
    results = list(state.results)
    results[state.position] = verdict
    return replace(state, results=tuple(results))


def advance(state: TrainerState) -> TrainerState:
    """The next card (stays on the last one)."""
    return replace(state, position=min(state.position + 1, state.total - 1))


@dataclass(frozen=True)
class TrainerView:
    card_html: str
    feedback_html: str
    score_text: str
    done: bool


def render(state: TrainerState) -> TrainerView:
    """The card on screen, the feedback for it (if answered) and the running score."""
    card = state.current
    progress = t("psychology.trainer_progress", position=state.position + 1, total=state.total,
                 channel=card["channel"], scenario=card["scenario"])
    card_html = (
        '<div style="max-width:640px;border:1px solid #c9d6e2;border-radius:8px;padding:10px 14px;'
        'background:#fafcfe">'
        f'<div style="font-size:12px;color:#5c6770;margin-bottom:6px">{html.escape(progress)}</div>'
        f'<div style="font-size:16px;line-height:1.6">「{html.escape(str(card["utterance"]))}」</div>'
        "</div>"
    )
    verdict = state.results[state.position]
    if verdict is None:
        feedback_html = _box(INFO_COLOR, [t("psychology.trainer_prompt")])
    else:
        color = OK_COLOR if verdict.type_ok and verdict.strategy_ok else BAD_COLOR
        feedback_html = _box(color, list(verdict.lines))
    possible = (POINTS_TYPE + POINTS_STRATEGY) * state.total
    if state.done:
        score = t("psychology.trainer_done", types=sum(r.type_ok for r in state.results),
                  strategies=sum(r.strategy_ok for r in state.results), points=state.points,
                  possible=possible)
    else:
        score = t("psychology.trainer_score", points=state.points,
                  possible=(POINTS_TYPE + POINTS_STRATEGY) * state.answered,
                  answered=state.answered, total=state.total)
    return TrainerView(card_html=card_html, feedback_html=feedback_html, score_text=score,
                       done=state.done)


def _box(color: str, lines: list[str]) -> str:
    body = "".join(f"<div style='margin-top:3px'>{html.escape(line)}</div>" for line in lines)
    return f"<div style='max-width:640px;background:{color};padding:8px 12px;border-radius:6px'>{body}</div>"


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over new_state / submit / advance / render
# ----------------------------------------------------------------------------------------------
def scenario_trainer(dialogues: pd.DataFrame, n: int = DEFAULT_SIZE, seed: int = 1):
    """The interactive trainer (``ipywidgets.VBox``) with ``.type_picker``, ``.strategy_picker``,
    ``.buttons`` (submit, next, restart), ``.state`` and ``.view`` for trainers and tests."""
    import ipywidgets as w

    start = new_state(dialogues, n, seed)
    style = {"description_width": "6em"}
    type_picker = w.Dropdown(description=t("psychology.trainer_pick_type"), options=["", *TYPES],
                             value="", style=style, layout=w.Layout(width="260px"))
    strategy_picker = w.Dropdown(description=t("psychology.trainer_pick_strategy"),
                                 options=["", *strategy_options()], value="", style=style,
                                 layout=w.Layout(width="520px"))
    submit_button = w.Button(description=t("psychology.trainer_submit"), button_style="primary")
    next_button = w.Button(description=t("psychology.trainer_next"))
    restart_button = w.Button(description=t("psychology.trainer_restart"))
    card, feedback, score = w.HTML(), w.HTML(), w.HTML()
    box = w.VBox([card, type_picker, strategy_picker,
                  w.HBox([submit_button, next_button, restart_button]), feedback, score])
    box.type_picker, box.strategy_picker = type_picker, strategy_picker
    box.buttons = {"submit": submit_button, "next": next_button, "restart": restart_button}
    box.card, box.feedback, box.score = card, feedback, score

    def show(state: TrainerState, message: str | None = None) -> None:
        box.state, box.view = state, render(state)
        card.value = box.view.card_html
        feedback.value = _box(BAD_COLOR, [message]) if message else box.view.feedback_html
        score.value = html.escape(box.view.score_text)
        next_button.disabled = state.position >= state.total - 1

    def on_submit(_button=None) -> None:
        if box.state.results[box.state.position] is not None:
            show(box.state, t("psychology.trainer_already"))
        elif not type_picker.value or not strategy_picker.value:
            show(box.state, t("psychology.trainer_need_both"))
        else:
            show(submit(box.state, type_picker.value, strategy_picker.value))

    def on_next(_button=None) -> None:
        type_picker.value = strategy_picker.value = ""
        show(advance(box.state))

    def on_restart(_button=None) -> None:
        type_picker.value = strategy_picker.value = ""
        show(start)

    submit_button.on_click(on_submit)
    next_button.on_click(on_next)
    restart_button.on_click(on_restart)
    box.submit, box.next, box.restart = on_submit, on_next, on_restart
    show(start)
    return box


__all__ = ["Judgement", "TrainerState", "TrainerView", "make_deck", "judge", "new_state", "submit",
           "advance", "render", "scenario_trainer"]
