"""SPIN questioning (module M03): a question bank, a labelling quiz and a call-plan check.

    spin_quiz(bank, scenario="家庭换新", per_type=2, seed=0)   # a balanced, shuffled set of questions
    score_labels(quiz, {"SQ0003": "S", ...})                   # which labels are right, and why
    check_plan(bank, ["SQ0003", "SQ0042", ...])                # does a call plan run S → P → I → N?

``bank`` is ``load("spin_questions")``: question_id, scenario, spin (S/P/I/N), question, explanation.

The plan rules (after Neil Rackham's SPIN Selling): a call plan uses questions of one scenario;
it contains all four kinds; it never steps back in the order S → P → I → N (so it opens with
S and closes with N); it does not ask more than ``MAX_SITUATION`` background questions, because
too many of them bore the customer; and it asks no question twice.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t

SPIN_TYPES = ["S", "P", "I", "N"]
BANK_COLUMNS = ["question_id", "scenario", "spin", "question", "explanation"]
MAX_SITUATION = 2
_RANK = {k: i for i, k in enumerate(SPIN_TYPES)}


def spin_name(letter: str) -> str:
    """The Chinese name of a SPIN type, e.g. 'S' -> '背景问题（S）'."""
    if letter not in _RANK:
        raise CourseError("spin.bad_label", label=letter, valid=choices(SPIN_TYPES))
    return t(f"spin.name_{letter}")


def _check_bank(bank) -> pd.DataFrame:
    if not isinstance(bank, pd.DataFrame):
        raise CourseError("spin.not_a_table", kind=type(bank).__name__)
    missing = [c for c in BANK_COLUMNS if c not in bank.columns]
    if missing:
        raise CourseError("spin.missing_columns", missing=choices(missing), found=choices(bank.columns))
    return bank


def scenarios(bank: pd.DataFrame) -> list[str]:
    """The scenarios of the bank, in order of first appearance."""
    return list(pd.unique(_check_bank(bank)["scenario"].astype(str)))


def _check_scenario(bank: pd.DataFrame, scenario) -> None:
    valid = scenarios(bank)
    if scenario not in valid:
        raise CourseError("spin.unknown_scenario", scenario=scenario, valid=choices(valid))


# ----------------------------------------------------------------------------------------------
# The labelling quiz
# ----------------------------------------------------------------------------------------------
def spin_quiz(bank: pd.DataFrame, scenario: str | None = None, per_type: int = 2,
              seed: int = 0) -> pd.DataFrame:
    """``per_type`` questions of each SPIN kind (from one scenario, or all), shuffled by ``seed``.

    Same arguments, same quiz: the draw uses its own random generator.
    """
    _check_bank(bank)
    if isinstance(per_type, bool) or not isinstance(per_type, (int, np.integer)) or per_type < 1:
        raise CourseError("spin.bad_per_type", value=per_type)
    pool = bank
    if scenario is not None:
        _check_scenario(bank, scenario)
        pool = bank[bank["scenario"].astype(str) == scenario]
    rng = np.random.default_rng(seed)
    picked = []
    for kind in SPIN_TYPES:
        rows = pool[pool["spin"].astype(str) == kind].sort_values("question_id")
        if len(rows) < per_type:
            raise CourseError("spin.too_few", kind=kind, have=len(rows), want=per_type)
        picked.append(rows.iloc[np.sort(rng.choice(len(rows), size=per_type, replace=False))])
    quiz = pd.concat(picked)
    quiz = quiz.iloc[rng.permutation(len(quiz))]
    return quiz[BANK_COLUMNS].reset_index(drop=True)


def _normalise_label(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip().upper()
    return text if text in _RANK else "?"


def score_labels(quiz: pd.DataFrame, labels) -> pd.DataFrame:
    """One row per quiz question: question_id, question, answer, spin, correct, explanation.

    ``labels`` maps question_id -> 'S'/'P'/'I'/'N' (a dict), or lists them in quiz order. A missing
    or empty label counts as unanswered (``answer`` None, ``correct`` False); a label that is no
    SPIN letter is shown as '?'.
    """
    _check_bank(quiz)
    ids = quiz["question_id"].astype(str).tolist()
    if isinstance(labels, Mapping):
        unknown = [k for k in labels if str(k) not in set(ids)]
        if unknown:
            raise CourseError("spin.unknown_question", ids=choices(unknown[:5]))
        given = [labels.get(q) for q in ids]
    elif isinstance(labels, Sequence) and not isinstance(labels, str):
        if len(labels) != len(ids):
            raise CourseError("spin.label_count", got=len(labels), want=len(ids))
        given = list(labels)
    else:
        raise CourseError("spin.bad_labels", kind=type(labels).__name__)
    answers = [_normalise_label(v) if v != "" else None for v in given]
    truth = quiz["spin"].astype(str).tolist()
    return pd.DataFrame(
        {
            "question_id": ids,
            "question": quiz["question"].tolist(),
            "answer": answers,
            "spin": truth,
            "correct": [a == s for a, s in zip(answers, truth)],
            "explanation": quiz["explanation"].tolist(),
        }
    )


# ----------------------------------------------------------------------------------------------
# The call plan
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanCheck:
    """The verdict on a call plan: ``ok`` when ``problems`` is empty."""

    question_ids: list
    sequence: list  # the SPIN letter of each planned question, in order
    problems: list  # Chinese sentences, one per problem found

    @property
    def ok(self) -> bool:
        return not self.problems


def check_plan(bank: pd.DataFrame, question_ids) -> PlanCheck:
    """Check a planned order of questions against the SPIN rules (see the module docstring)."""
    _check_bank(bank)
    if isinstance(question_ids, str) or not isinstance(question_ids, Sequence):
        raise CourseError("spin.bad_plan", kind=type(question_ids).__name__)
    ids = [str(q) for q in question_ids if q is not None and str(q) != ""]
    by_id = bank.set_index(bank["question_id"].astype(str))
    unknown = [q for q in ids if q not in by_id.index]
    if unknown:
        raise CourseError("spin.unknown_question", ids=choices(unknown[:5]))
    if not ids:
        return PlanCheck([], [], [t("spin.plan_empty")])
    sequence = [str(by_id.at[q, "spin"]) for q in ids]
    problems = []
    repeated = sorted({q for q in ids if ids.count(q) > 1})
    if repeated:
        problems.append(t("spin.plan_repeated", ids=choices(repeated)))
    used = sorted({str(by_id.at[q, "scenario"]) for q in ids})
    if len(used) > 1:
        problems.append(t("spin.plan_mixed", scenarios=choices(used)))
    missing = [k for k in SPIN_TYPES if k not in sequence]
    if missing:
        problems.append(t("spin.plan_missing", kinds=choices(spin_name(k) for k in missing)))
    for pos in range(1, len(sequence)):
        before, now = sequence[pos - 1], sequence[pos]
        if _RANK[now] < _RANK[before]:
            problems.append(t("spin.plan_backwards", pos=pos + 1, now=spin_name(now),
                              before=spin_name(before), why=t(f"spin.why_back_{now}")))
    situation = sequence.count("S")
    if situation > MAX_SITUATION:
        problems.append(t("spin.plan_too_many_s", count=situation, limit=MAX_SITUATION))
    return PlanCheck(ids, sequence, problems)


__all__ = ["SPIN_TYPES", "MAX_SITUATION", "PlanCheck", "spin_name", "scenarios", "spin_quiz",
           "score_labels", "check_plan"]
