"""Instant feedback in the trainee's notebook: ``start_exercise("07-rfm")`` then ``check("q1")``.

Only the public checks run here (shape rules and a salted fingerprint of the reference answer), so
the notebook never holds the hidden checks. Failing again reveals hint 1, then hint 2, then points to
``show_answer``. Grades never come from here: the grader judges answers in its own process.

Per variant (issue 19): the fingerprints are those of the trainee's own variant, so a neighbour's
answer fails. An assessment exercise (``release --assessment``) carries no fingerprint at all:
check() confirms the shape only, and says so, so a right and a wrong answer of the right shape get
the same reply and check() is no oracle.
"""
from __future__ import annotations

import base64
import html
import json
import sys
from collections import Counter
from pathlib import Path

from course.core import paths
from course.core.errors_help import stale_feedback
from course.core.i18n import choices, t
from course.exercises.answers import public_verdict, read_choice, salt, to_plain

_state: dict = {"name": None, "variant": 0, "assessment": False, "questions": {}, "failures": Counter()}


class Feedback:
    """A message that shows as styled HTML in Jupyter and as plain text elsewhere."""

    def __init__(self, ok: bool | None, title: str, lines: list[str]):
        self.ok, self.title, self.lines = ok, title, lines

    def __repr__(self) -> str:
        return "\n".join([self.title, *self.lines])

    def _repr_html_(self) -> str:
        colour = {True: "#e8f5e9", False: "#fdecea", None: "#e3f2fd"}[self.ok]
        body = "".join(f"<div style='margin-top:4px'>{html.escape(line)}</div>" for line in self.lines)
        return (f"<div style='background:{colour};padding:8px 12px;border-radius:6px'>"
                f"<b>{html.escape(self.title)}</b>{body}</div>")


def _open_notebook() -> list[Path]:
    """The notebook this kernel runs, when Jupyter says so (a trainee's own variant file)."""
    import os

    found = []
    try:
        from IPython import get_ipython

        session = (get_ipython().user_ns if get_ipython() else {}).get("__session__")
    except ImportError:
        session = None
    for value in (session, os.environ.get("JPY_SESSION_NAME")):
        if isinstance(value, str) and value.endswith(".ipynb"):
            found.append(Path(value))
    return found


def _exercise_meta(name: str, variant: int = 0) -> dict | None:
    """The public checks of exercise ``name`` for ``variant``: from the open notebook, exercises/,
    or a copy beside the notebook (a master of the same name has no such metadata and is passed
    over; so is a file of another variant)."""
    candidates = [*_open_notebook(), paths.exercises_dir() / f"{name}.ipynb", Path.cwd() / f"{name}.ipynb",
                  Path.cwd().parent / "exercises" / f"{name}.ipynb"]
    for path in candidates:
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["course"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if isinstance(meta, dict) and meta.get("exercise") == name and "questions" in meta \
                and meta.get("variant", 0) == variant:
            return meta
    return None


def start_exercise(name: str, variant: int | None = None) -> Feedback:
    """Load the public checks; ``variant`` defaults to the notebook's ``variant`` variable (0)."""
    if variant is None:
        found = _namespace().get("variant", 0)
        variant = found if isinstance(found, int) and not isinstance(found, bool) else 0
    meta = _exercise_meta(name, variant)
    if meta is None:
        return Feedback(False, t("check.not_found", name=name), [t("check.not_found_fix")])
    assessment = meta.get("mode") == "assessment"
    _state.update(name=name, variant=variant, assessment=assessment,
                  questions={q["id"]: q for q in meta["questions"]}, failures=Counter())
    return Feedback(None, t("check.ready", name=name, count=len(meta["questions"]),
                            points=f"{meta['total_points']:g}"),
                    [t("check.shape_only_note") if assessment else t("check.how_to")])


def current_exercise() -> str | None:
    """The exercise ``start_exercise`` loaded in this kernel; None before it ran."""
    return _state["name"]


def failed_tries(question_id: str) -> int | None:
    """How often ``check(question_id)`` has failed since ``start_exercise``; None when the started
    exercise has no such question (or none was started)."""
    if question_id not in _state["questions"]:
        return None
    return _state["failures"][question_id]


def _namespace() -> dict:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    return shell.user_ns if shell is not None else sys._getframe(2).f_globals


def _question(question_id: str) -> dict | Feedback:
    if not _state["name"]:
        return Feedback(False, t("check.not_started"), [t("check.not_started_fix")])
    question = _state["questions"].get(question_id)
    if question is None:
        return Feedback(False, t("check.unknown_question", id=question_id),
                        [t("check.valid_questions", ids=choices(_state["questions"]))])
    return question


def check(question_id: str, namespace: dict | None = None) -> Feedback:
    """Public checks of one answer; ``namespace`` defaults to the notebook's variables."""
    question = _question(question_id)
    if isinstance(question, Feedback):
        return question
    stale = stale_feedback(question_id) if namespace is None else None  # its answer cell just failed
    if stale:
        return Feedback(False, "❌ " + stale[0], stale[1])
    namespace = _namespace() if namespace is None else namespace
    plain = to_plain(namespace[question_id]) if question_id in namespace else {"type": "missing"}
    verdict = public_verdict(question, plain, question["digests"], salt(_state["name"], question_id, _state["variant"]))
    explained = _option_feedback(question, plain)
    if verdict.passed and _state["assessment"] and question.get("kind") != "record":
        # no fingerprint was shipped: say plainly that only the shape was checked
        return Feedback(True, "✅ " + t("check.shape_passed", id=question_id), [t("check.shape_only_note")])
    if verdict.passed:
        extra = [verdict.message] if question.get("kind") == "record" else []
        return Feedback(True, "✅ " + t("check.passed", id=question_id), [*extra, *explained, t("check.honest_note")])
    _state["failures"][question_id] += 1
    tries = _state["failures"][question_id]
    hints = question["hints"]
    lines = [verdict.message, *explained, t("check.hint", level=1, text=hints[0])]
    if tries >= 2:
        lines.append(t("check.hint", level=2, text=hints[1]))
    if tries >= 3 and not _state["assessment"]:  # an assessment exercise shows no answer until after
        lines.append(t("check.answer_offer", id=question_id))
    return Feedback(False, "❌ " + t("check.failed", id=question_id), lines)


check = __import__("course.classroom.events", fromlist=["reported"]).reported(check)  # classroom hub only


def _option_feedback(question: dict, plain: dict) -> list[str]:
    """The master's explanation of each option the trainee picked (why it tempts, why it is wrong)."""
    if question.get("kind") != "choice":
        return []
    letters = read_choice(plain) if plain.get("type") in ("text", "list") else None
    if not letters or "answer" not in question:  # an assessment exercise carries no explanations
        return []
    feedback = json.loads(base64.b64decode(question["answer"]).decode("utf-8")).get("feedback", {})
    return [t("check.option_feedback", letter=letter, text=feedback[letter]) for letter in letters if letter in feedback]


def show_answer(question_id: str) -> Feedback:
    question = _question(question_id)
    if isinstance(question, Feedback):
        return question
    if "answer" not in question:  # an assessment exercise (release --assessment) carries none
        return Feedback(None, t("check.answer_title", id=question_id), [t("trainer.assessment_answer_later")])
    reveal = json.loads(base64.b64decode(question["answer"]).decode("utf-8"))
    lines = [t("check.answer_code"), reveal["code"]]
    if reveal.get("explain"):
        lines += [t("check.answer_explain"), reveal["explain"]]
    return Feedback(None, t("check.answer_title", id=question_id), lines)
