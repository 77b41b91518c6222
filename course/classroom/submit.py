"""「交作业」: ``submit()`` in the last cell of each classroom exercise sends the notebook as saved
on disk to the classroom service (with the hub token: the service knows who you are)."""
from __future__ import annotations

import json
import time
from pathlib import Path

from course.classroom.events import last_check_time, post_json, under_classroom
from course.core.i18n import t

MAX_BYTES = 20 * 1024 * 1024


def _feedback(ok, title, lines=()):
    from course.exercises.check import Feedback

    return Feedback(ok, title, list(lines))


def _notebook_path(name: str) -> Path | None:
    from course.core import paths

    for path in (Path.cwd() / f"{name}.ipynb", paths.exercises_dir() / f"{name}.ipynb"):
        if path.is_file():
            return path
    return None


def submit(exercise: str | None = None):
    """Hand in the saved notebook of the exercise started with ``start_exercise``."""
    from course.exercises.check import current_exercise

    name = exercise or current_exercise()
    if not name:
        return _feedback(False, t("classroom.submit_not_started"), [t("check.not_started_fix")])
    if not under_classroom():
        return _feedback(False, t("classroom.submit_no_hub"), [t("classroom.submit_no_hub_fix")])
    path = _notebook_path(name)
    if path is None:
        return _feedback(False, t("classroom.submit_no_file", name=name), [t("classroom.submit_save_fix")])
    size = path.stat().st_size
    if size > MAX_BYTES:
        return _feedback(False, t("classroom.submit_too_big", mb=MAX_BYTES // 2**20),
                         [t("classroom.submit_too_big_fix")])
    if path.stat().st_mtime < last_check_time():
        return _feedback(False, t("classroom.submit_not_saved"), [t("classroom.submit_save_fix")])
    text = path.read_text(encoding="utf-8-sig")
    try:
        found = json.loads(text).get("metadata", {}).get("course", {}).get("exercise")
    except (ValueError, AttributeError):
        found = None
    if found != name:
        return _feedback(False, t("classroom.submit_wrong_exercise", found=found or "—", expected=name))
    try:
        status, answer = post_json("api/submit", {"exercise": name, "notebook": text}, timeout=30)
    except OSError:
        return _feedback(False, t("classroom.submit_unreachable"), [t("classroom.submit_retry")])
    if status != 200:
        return _feedback(False, answer.get("error") or t("classroom.http_error", code=status))
    when = time.strftime("%H:%M:%S", time.localtime(answer["received"]))
    return _feedback(True, "✅ " + t("classroom.submit_done", name=name, time=when, count=answer["count"]),
                     [t("classroom.submit_replace_note")])
