"""What the trainer sees, computed from the stored events and submissions (pure functions, so the
dashboard, the progress JSON and the tests agree)."""
from __future__ import annotations

import json
import time
from functools import cache

from course.core import paths

STUCK_FAILS, STUCK_WINDOW = 3, 600.0  # ≥ 3 failed checks on one question within 10 minutes


@cache
def _exercise_questions(name: str, mtime: float) -> tuple[str, ...]:
    meta = json.loads((paths.exercises_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]["course"]
    return tuple(q["id"] for q in meta["questions"])


def exercises() -> dict[str, tuple[str, ...]]:
    """Every exercise the class has, with its question ids in order."""
    found = {}
    for path in sorted(paths.exercises_dir().glob("[0-9][0-9]-*.ipynb")):
        try:
            found[path.stem] = _exercise_questions(path.stem, path.stat().st_mtime)
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def question_states(questions, events) -> dict[str, dict]:
    """account -> {status per question, attempts per question, stuck questions} from the events."""
    now = time.time()
    out: dict[str, dict] = {}
    for account, question, verdict, received in events:
        if question not in questions:
            continue
        entry = out.setdefault(account, {"status": {}, "attempts": {}, "fails": {}})
        entry["attempts"][question] = entry["attempts"].get(question, 0) + 1
        if verdict == "passed":
            entry["status"][question] = "passed"
            entry["fails"][question] = []
        elif verdict == "failed":
            entry["status"][question] = "failed"
            entry["fails"].setdefault(question, []).append(received)
    for entry in out.values():
        entry["stuck"] = [q for q, times in entry.pop("fails").items()
                          if entry["status"].get(q) == "failed"
                          and sum(1 for x in times if now - x <= STUCK_WINDOW) >= STUCK_FAILS]
    return out


def progress(store, exercise: str, questions) -> dict:
    """The progress JSON of the issue: display names, submitted, passed/failed/unanswered."""
    states = question_states(questions, store.events(exercise))
    submitted = {s["account"] for s in store.current_submissions(exercise)}
    trainees = []
    for trainee in store.trainees():
        status = states.get(trainee["account"], {}).get("status", {})
        trainees.append({"name": trainee["name"], "submitted": trainee["account"] in submitted,
                         "questions": {q: status.get(q, "unanswered") for q in questions}})
    return {"exercise": exercise, "trainees": trainees}


def overview(store, exercise: str, questions) -> dict:
    """Everything the dashboard draws for one exercise."""
    states = question_states(questions, store.events(exercise))
    current = {s["account"]: s for s in store.current_submissions(exercise)}
    history = store.submission_history(exercise)
    rows = []
    for trainee in store.trainees():
        state = states.get(trainee["account"], {"status": {}, "attempts": {}, "stuck": []})
        sub = current.get(trainee["account"])
        rows.append({"account": trainee["account"], "name": trainee["name"], "has_pin": trainee["has_pin"],
                     "questions": {q: state["status"].get(q, "unanswered") for q in questions},
                     "attempts": {q: state["attempts"].get(q, 0) for q in questions},
                     "stuck": state["stuck"], "submitted": sub is not None,
                     "submitted_at": sub["received"] if sub else None,
                     "submissions": history.get(trainee["account"], 0)})
    stats = {}
    for q in questions:
        tried = [r for r in rows if r["attempts"][q] > 0]
        passed = sum(1 for r in rows if r["questions"][q] == "passed")
        stats[q] = {"passed": passed, "tried": len(tried), "attempts": sum(r["attempts"][q] for r in rows),
                    "pass_rate": round(passed / len(rows), 3) if rows else 0.0}
    return {"exercise": exercise, "questions": list(questions), "trainees": rows, "stats": stats,
            "submitted": sum(1 for r in rows if r["submitted"]), "now": time.time()}
