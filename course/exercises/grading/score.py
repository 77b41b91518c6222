"""From a run's exported answers to one gradebook row per question, judged in this process."""
from __future__ import annotations

from course.core.i18n import t
from course.exercises.answers import compare, is_blank, read_choice
from course.exercises.grading.runner import RunResult
from course.exercises.master import Master
from course.exercises.variants import variant_feedback

STATUSES = ("correct", "partial", "wrong", "unanswered", "error", "timeout", "unreadable")


def _row(question, status: str, points: float, message: str) -> dict:
    return {"question": question.id, "level": question.level, "points": round(points, 2),
            "max_points": question.points, "status": status, "message": message}


def _explained(master: Master, question, variant: int, answer: dict, message: str) -> str:
    """The grade's message plus the master's explanation of each option the trainee picked."""
    if question.spec["kind"] != "choice":
        return message
    feedback = variant_feedback(master, question, variant)
    letters = read_choice(answer) or ""
    notes = [t("check.option_feedback", letter=letter, text=feedback[letter]) for letter in letters if letter in feedback]
    return " ".join([message, *notes])


def _cells_of(notebook, question_id: str) -> set[int]:
    return {i for i, cell in enumerate(notebook.cells)
            if cell.get("metadata", {}).get("course", {}).get("question") == question_id}


def _stopped(question, notebook, run: RunResult) -> dict | None:
    """A question whose own cell was stopped (time or output limit): what it assigned before is not
    a finished answer, so it earns nothing."""
    mine = _cells_of(notebook, question.id)
    for problem in run.problems:
        if problem.index in mine and problem.status == "timeout":
            return _row(question, "timeout", 0, t("grading.cell_timeout", cell=problem.index + 1,
                                                 seconds=problem.detail))
        if problem.index in mine and problem.status == "flood":
            return _row(question, "error", 0, t("grading.cell_error", cell=problem.index + 1,
                                               detail=problem.detail))
    return None


def _failure(question, notebook, run: RunResult) -> dict | None:
    """Why a question has no answer, when its own cells failed or the whole run did."""
    mine = _cells_of(notebook, question.id)
    for problem in run.problems:
        if problem.index in mine:
            return _row(question, "error", 0, t("grading.cell_error", cell=problem.index + 1,
                                               detail=problem.detail))
    if run.fatal == "notebook_timeout":
        return _row(question, "timeout", 0, t("grading.notebook_timeout"))
    if run.fatal:
        return _row(question, "error", 0, t(f"grading.fatal_{run.fatal}"))
    return None


def score_run(master: Master, reference: dict, notebook, run: RunResult, variant: int = 0) -> list[dict]:
    """One row per question; ``reference`` holds the answers of ``variant`` (the one graded)."""
    rows = []
    for question in master.questions:
        answer = run.answers.get(question.id, {"type": "missing"})
        stopped = _stopped(question, notebook, run)
        if stopped:
            rows.append(stopped)
        elif not is_blank(answer):
            verdict = compare(question.spec, answer, reference[question.id])
            status = "correct" if verdict.passed else ("partial" if verdict.score > 0 else "wrong")
            message = _explained(master, question, variant, answer, verdict.message)
            rows.append(_row(question, status, question.points * verdict.score, message))
        elif failed := _failure(question, notebook, run):
            rows.append(failed)
        elif answer.get("type") == "missing":
            rows.append(_row(question, "unanswered", 0, t("grading.missing_variable", id=question.id)))
        else:
            rows.append(_row(question, "unanswered", 0, t("answers.blank")))
    return rows


def unreadable_rows(master: Master, reason: str) -> list[dict]:
    return [_row(q, "unreadable", 0, reason) for q in master.questions]
