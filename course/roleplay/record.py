"""Record codes: a short code for the path a trainee took through a role-play, e.g. ``K7-2131-X4``.

The simulator shows the code at the end; the trainee types it as an answer (``kind: record``); the
grader decodes it and replays the path through the engine, so the score always comes from the
engine and never from a number someone typed.

Layout: ``TAG-PICKS-CHECK``. TAG (2 symbols) names the scenario, PICKS is one digit per turn (the
1-based reply number in the scenario file, not the shuffled button letter), CHECK (2 symbols) is a
hash of scenario and picks, so a mistyped code is caught (1 in 1024 slips through) instead of
being replayed as another path. The symbols leave out 0/O and 1/I, which are easy to confuse.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from course.core.i18n import CourseError
from course.roleplay.engine import all_paths, is_finished, play, score
from course.roleplay.model import STEPS, Scenario, State

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, no 0 O 1 I
CODE = re.compile(r"^([2-9A-Z]{2})-([1-9]+)-([2-9A-Z]{2})$")


def _symbols(text: str) -> str:
    number = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")
    return ALPHABET[number % 32] + ALPHABET[(number // 32) % 32]


def scenario_tag(scenario_id: str) -> str:
    return _symbols(f"scenario|{scenario_id}")


def record_code(scenario: Scenario, state: State) -> str:
    """The code of the path taken so far (the widget shows it once the conversation has ended)."""
    picks = "".join(str(turn.choice + 1) for turn in state.turns)
    if any(turn.choice >= 9 for turn in state.turns):  # the format has one digit per turn
        raise CourseError("roleplay.record_too_many_choices", scenario=scenario.id)
    return f"{scenario_tag(scenario.id)}-{picks}-{_symbols(f'{scenario.id}|{picks}')}"


def normalise_code(code: str) -> str:
    """Upper case, half-width, dashes kept, spaces dropped; O and I read as 0 and 1 are not fixed
    on purpose: the checksum catches them."""
    text = unicodedata.normalize("NFKC", str(code)).upper()
    text = re.sub(r"[\s]+", "", text).replace("—", "-").replace("－", "-")
    return text


def read_record(code: str, scenario: Scenario) -> State:
    """The finished state a record code stands for, or a Chinese CourseError saying what is wrong."""
    text = normalise_code(code)
    match = CODE.match(text)
    if not match:
        raise CourseError("roleplay.record_bad_format", code=code)
    tag, picks, check = match.groups()
    if tag != scenario_tag(scenario.id):
        raise CourseError("roleplay.record_other_scenario", code=code, title=scenario.title)
    if check != _symbols(f"{scenario.id}|{picks}"):
        raise CourseError("roleplay.record_checksum", code=code)
    try:
        state = play(scenario, [int(d) - 1 for d in picks])
    except CourseError:
        raise CourseError("roleplay.record_bad_path", code=code) from None
    if not is_finished(scenario, state):
        raise CourseError("roleplay.record_unfinished", code=code)
    return state


@lru_cache(maxsize=32)
def _best_total(scenario: Scenario) -> int:
    return max(score(scenario, state).total for state in all_paths(scenario))


def grade_record(code: str, scenario: Scenario) -> tuple[float, dict]:
    """(share of the points, details) for a record code: the replayed score over the best score
    any path through this scenario can reach, so the best path earns full marks."""
    state = read_record(code, scenario)
    result = score(scenario, state)
    best = _best_total(scenario)
    share = min(1.0, result.total / best) if best else 0.0
    details = {"steps": sum(result.steps.values()), "of_steps": len(STEPS), "total": result.total,
               "best": best, "outcome": result.outcome}
    return round(share, 4), details


__all__ = ["grade_record", "normalise_code", "read_record", "record_code", "scenario_tag"]
