"""The complaint-handling role-play simulator (module M10).

Scenarios are data (``scenarios/*.yaml``), validated when loaded (``loader``); the engine is pure
functions on frozen states (``engine``); the widget in ``course.widgets.roleplay`` only draws.
"""
from course.roleplay.engine import (
    MAX_SCORE,
    OUTCOME_CAPS,
    Score,
    all_paths,
    choice_value,
    choose,
    is_finished,
    mood_label,
    options,
    outcome_label,
    path_table,
    play,
    principle_label,
    recommended,
    replay,
    scenario_overview,
    score,
    start,
    step_label,
)
from course.roleplay.loader import load_scenario, load_scenarios, parse_scenario
from course.roleplay.model import OUTCOMES, PRINCIPLES, STEPS, Scenario, State

__all__ = [
    "MAX_SCORE", "OUTCOME_CAPS", "OUTCOMES", "PRINCIPLES", "STEPS", "Scenario", "Score", "State",
    "all_paths", "choice_value", "choose", "is_finished", "load_scenario", "load_scenarios",
    "mood_label", "options", "outcome_label", "parse_scenario", "path_table", "play",
    "principle_label", "recommended", "replay", "scenario_overview", "score", "start",
    "step_label",
]
