"""The role-play engine: pure functions from (scenario, state) to a new state, a score, a replay.

    state = start(scenario)
    options(scenario, state)              # the replies on offer now
    state = choose(scenario, state, 0)    # a new state; the old one is unchanged
    is_finished(scenario, state)
    score(scenario, state)                # seven steps, four principles, final mood → 0–100
    replay(scenario, state)               # every turn explained, with the recommended reply
    all_paths(scenario)                   # every way through the scenario (tests, trainer overview)

Scoring (transparent on purpose — trainees may ask how the number came about):

* 70 points for the seven handling steps: 10 for each step practised by at least one reply;
* 20 points for the four principles: 5 for each principle upheld at least once and never broken;
* 10 points for the customer's final mood (mood / 10).

The ending caps the total: a lost customer scores at most 49 (a fail), an escalated or partly
resolved complaint at most 69 — good words do not count for much when the customer still walks.
"""
from __future__ import annotations

from dataclasses import dataclass

from course.core.i18n import CourseError, t
from course.roleplay.model import (
    MOOD_MAX,
    MOOD_MIN,
    PRINCIPLES,
    STEPS,
    Choice,
    Node,
    Scenario,
    State,
    Turn,
)

STEP_POINTS, PRINCIPLE_POINTS, MOOD_POINTS = 10, 5, 10
OUTCOME_CAPS = {"lost": 49, "escalated": 69, "partial": 69}
MAX_SCORE = STEP_POINTS * len(STEPS) + PRINCIPLE_POINTS * len(PRINCIPLES) + MOOD_POINTS
# Grade bands (lower bound, catalog key), best first.
GRADES = ((85, "grade_excellent"), (70, "grade_good"), (50, "grade_pass"), (0, "grade_weak"))
# Mood bands (lower bound, catalog key), calmest first.
MOODS = ((80, "mood_pleased"), (60, "mood_calm"), (40, "mood_uneasy"), (20, "mood_angry"),
         (0, "mood_furious"))


# ----------------------------------------------------------------------------------------------
# Playing
# ----------------------------------------------------------------------------------------------
def start(scenario: Scenario) -> State:
    return State(scenario=scenario.id, node=scenario.start, mood=scenario.start_mood)


def current(scenario: Scenario, state: State) -> Node:
    _same(scenario, state)
    return scenario.nodes[state.node]


def options(scenario: Scenario, state: State) -> tuple[Choice, ...]:
    """The replies on offer now (empty once the conversation has ended)."""
    return current(scenario, state).choices


def is_finished(scenario: Scenario, state: State) -> bool:
    return current(scenario, state).is_ending


def clamp_mood(mood: int) -> int:
    return max(MOOD_MIN, min(MOOD_MAX, mood))


def next_node(choice: Choice, mood: int) -> str:
    """Where a reply leads, given the customer's mood *after* it."""
    for rule in choice.next:
        if rule.min_mood is None or mood >= rule.min_mood:
            return rule.to
    return choice.next[-1].to  # unreachable for validated scenarios: the last rule is the default


def choose(scenario: Scenario, state: State, index: int) -> State:
    """The state after the trainee picks reply number ``index`` (0-based)."""
    node = current(scenario, state)
    if node.is_ending:
        raise CourseError("roleplay.already_finished")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(node.choices):
        raise CourseError("roleplay.bad_choice", index=index, high=len(node.choices) - 1)
    choice = node.choices[index]
    mood = clamp_mood(state.mood + choice.mood)
    turn = Turn(node=node.id, choice=index, mood_before=state.mood, mood_after=mood)
    return State(scenario=state.scenario, node=next_node(choice, mood), mood=mood,
                 turns=state.turns + (turn,))


def play(scenario: Scenario, picks) -> State:
    """Start and pick the replies ``picks`` (0-based indexes) one after another."""
    state = start(scenario)
    for index in picks:
        state = choose(scenario, state, index)
    return state


def all_paths(scenario: Scenario) -> list[State]:
    """The end state of every possible way through the scenario (depth-first, choice order)."""
    finished, stack = [], [start(scenario)]
    while stack:
        state = stack.pop()
        node = scenario.nodes[state.node]
        if node.is_ending:
            finished.append(state)
            continue
        # reversed so that the first choice is explored first
        stack.extend(choose(scenario, state, i) for i in reversed(range(len(node.choices))))
    return finished


# ----------------------------------------------------------------------------------------------
# Scoring and replay
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    steps: dict  # step id -> practised (bool), in the order of STEPS
    principles: dict  # principle id -> "upheld" | "broken" | "missing"
    step_points: int
    principle_points: int
    mood_points: int
    raw_total: int  # steps + principles + mood, before the ending's cap
    total: int
    outcome: str | None  # the ending reached (None while the conversation goes on)
    final_mood: int

    @property
    def capped(self) -> bool:
        return self.total < self.raw_total

    @property
    def grade(self) -> str:
        return next(t(f"roleplay.{key}") for low, key in GRADES if self.total >= low)


def chosen(scenario: Scenario, state: State) -> list[Choice]:
    _same(scenario, state)
    return [scenario.nodes[turn.node].choices[turn.choice] for turn in state.turns]


def score(scenario: Scenario, state: State) -> Score:
    picks = chosen(scenario, state)
    practised = {step for c in picks for step in c.steps}
    upheld = {p for c in picks for p in c.upholds}
    broken = {p for c in picks for p in c.breaks}
    steps = {step: step in practised for step in STEPS}
    principles = {
        p: "broken" if p in broken else ("upheld" if p in upheld else "missing") for p in PRINCIPLES
    }
    step_points = STEP_POINTS * sum(steps.values())
    principle_points = PRINCIPLE_POINTS * sum(v == "upheld" for v in principles.values())
    mood_points = round(MOOD_POINTS * state.mood / MOOD_MAX)
    node = scenario.nodes[state.node]
    raw_total = step_points + principle_points + mood_points
    return Score(
        steps=steps,
        principles=principles,
        step_points=step_points,
        principle_points=principle_points,
        mood_points=mood_points,
        raw_total=raw_total,
        total=min(raw_total, OUTCOME_CAPS.get(node.ending, MAX_SCORE)),
        outcome=node.ending,
        final_mood=state.mood,
    )


def choice_value(choice: Choice) -> int:
    """How good a reply is, for recommending one: its mood change, plus 8 for each step and
    principle it practises, minus 15 for each principle it breaks."""
    return choice.mood + 8 * (len(choice.steps) + len(choice.upholds)) - 15 * len(choice.breaks)


def recommended(node: Node) -> int:
    """The index of the best reply at a node (the first one on a tie)."""
    values = [choice_value(c) for c in node.choices]
    return values.index(max(values))


@dataclass(frozen=True)
class ReplayRow:
    turn: int  # 1-based
    prompt: str  # what the customer said (or the scene)
    reply: str
    mood_before: int
    mood_after: int
    steps: tuple[str, ...]
    upholds: tuple[str, ...]
    breaks: tuple[str, ...]
    why: str
    best: bool  # the trainee picked the recommended reply
    better_reply: str  # the recommended reply when another was picked, else ""
    better_why: str


def replay(scenario: Scenario, state: State) -> list[ReplayRow]:
    rows = []
    for number, turn in enumerate(state.turns, 1):
        node = scenario.nodes[turn.node]
        picked = node.choices[turn.choice]
        best = recommended(node)
        # An equally good alternative is no "better" reply.
        is_best = turn.choice == best or choice_value(picked) >= choice_value(node.choices[best])
        rows.append(ReplayRow(
            turn=number,
            prompt=node.say or node.scene,
            reply=picked.reply,
            mood_before=turn.mood_before,
            mood_after=turn.mood_after,
            steps=picked.steps,
            upholds=picked.upholds,
            breaks=picked.breaks,
            why=picked.why,
            best=is_best,
            better_reply="" if is_best else node.choices[best].reply,
            better_why="" if is_best else node.choices[best].why,
        ))
    return rows


def mood_label(mood: int) -> str:
    return next(t(f"roleplay.{key}") for low, key in MOODS if mood >= low)


def step_label(step: str) -> str:
    return t(f"roleplay.step_{step}")


def principle_label(principle: str) -> str:
    return t(f"roleplay.principle_{principle}")


def outcome_label(outcome: str) -> str:
    return t(f"roleplay.outcome_{outcome}")


def _same(scenario: Scenario, state: State) -> None:
    if state.scenario != scenario.id or state.node not in scenario.nodes:
        raise CourseError("roleplay.state_mismatch", state=state.scenario, scenario=scenario.id)


# ----------------------------------------------------------------------------------------------
# Overview for trainers: how many ways through each scenario, and how they end
# ----------------------------------------------------------------------------------------------
def path_table(scenario: Scenario):
    """One row per possible path: ``path`` (1-based reply numbers, e.g. "1-3-2"), ``outcome``,
    ``total`` and ``final_mood``."""
    import pandas as pd

    rows = []
    for state in all_paths(scenario):
        result = score(scenario, state)
        rows.append({
            "path": "-".join(str(turn.choice + 1) for turn in state.turns),
            "outcome": outcome_label(result.outcome),
            "total": result.total,
            "final_mood": result.final_mood,
        })
    return pd.DataFrame(rows)


def scenario_overview(scenarios=None):
    """One row per scenario: ``scenario`` (its id), ``paths``, ``resolved_share`` (share of paths that
    end with the complaint resolved), ``best`` and ``worst`` score. The table shows each scenario by
    its Chinese title (``attrs["value_labels"]``, see course.core.display); the frame keeps the ids."""
    import pandas as pd

    from course.roleplay.loader import load_scenarios

    scenarios = load_scenarios() if scenarios is None else scenarios
    rows = []
    for scenario in scenarios.values():
        results = [score(scenario, s) for s in all_paths(scenario)]
        rows.append({
            "scenario": scenario.id,
            "paths": len(results),
            "resolved_share": sum(r.outcome == "resolved" for r in results) / len(results),
            "best": max(r.total for r in results),
            "worst": min(r.total for r in results),
        })
    overview = pd.DataFrame(rows)
    overview.attrs["value_labels"] = {"scenario": {s.id: s.title for s in scenarios.values()}}
    return overview
