"""Reference answers: what the master notebook's solutions evaluate to.

They are derived by running the master through the grader's own runner and kept in
``solutions/answers/NN-slug.json`` with a hash of what they were derived from (the master's cells
and the datasets), so ``assign --check`` can tell a stale copy without starting a kernel.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from pathlib import Path

from course.core import paths
from course.exercises.answers import gate
from course.core.i18n import CourseError
from course.exercises.master import Master


def answers_path(name: str) -> Path:
    return paths.solutions_dir() / "answers" / f"{name}.json"


def source_hash(master: Master) -> str:
    digest = hashlib.sha256()
    for cell in master.notebook.cells:
        if cell.cell_type in ("code", "raw"):
            digest.update(cell.cell_type.encode() + b"\0" + cell.source.encode("utf-8") + b"\0")
    data_dir = paths.datasets_dir()
    for data_file in sorted(data_dir.glob("*.csv")):
        digest.update(data_file.name.encode("utf-8") + b"\0" + data_file.read_bytes())
    return digest.hexdigest()


def read_answers(name: str) -> dict | None:
    path = answers_path(name)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def is_current(master: Master, stored: dict | None) -> bool:
    return bool(stored) and stored.get("source_hash") == source_hash(master)


def compute_answers(master: Master) -> dict:
    """Run the master in a fresh kernel and return its validated reference answers."""
    from course.exercises.grading.runner import Limits, run_notebook

    notebook = copy.deepcopy(master.notebook)
    result = asyncio.run(run_notebook(notebook, master.question_ids, Limits(cell_seconds=120)))
    if result.fatal or result.problems:
        details = "; ".join(p.detail for p in result.problems) or result.fatal
        raise CourseError("master.run_failed", path=master.path.name, detail=details)
    for question in master.questions:
        verdict = gate(question.spec, result.answers.get(question.id))
        if not verdict.passed:
            raise CourseError("master.bad_reference", path=master.path.name, id=question.id,
                              detail=verdict.message)
    return {"exercise": master.name, "source_hash": source_hash(master), "answers": result.answers}


def write_answers(stored: dict) -> Path:
    path = answers_path(stored["exercise"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
