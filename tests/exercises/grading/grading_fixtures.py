"""Builds submissions of a real exercise, each named by the behaviour it tests.

Answers are taken from the master's own solution cells (matched by cell id), so no expected output
is typed in here; a "wrong" answer is the right one deliberately spoiled.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from course.core.paths import exercises_dir, solutions_dir


def _solved_exercise(name: str):
    master = nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4)
    exercise = nbformat.read(exercises_dir() / f"{name}.ipynb", as_version=4)
    by_id = {cell.id: cell for cell in master.cells}
    for cell in exercise.cells:
        if cell.metadata.get("course", {}).get("role") == "answer":
            cell.source = by_id[cell.id].source
    return exercise


def _answer_cell(nb, question_id: str):
    return next(c for c in nb.cells if c.metadata.get("course", {}).get("question") == question_id
                and c.metadata["course"]["role"] == "answer")


def spoil(nb, question_id: str, wrong_value: str):
    _answer_cell(nb, question_id).source += f"\n{question_id} = {wrong_value}"
    return nb


TAMPER = """import builtins, math
import pandas as pd, numpy as np
import course, course.exercises.answers
check = lambda *a, **k: print("✅ 全部通过")
pd.DataFrame.__eq__ = lambda self, other: True
pd.DataFrame.equals = lambda self, other: True
np.isclose = lambda *a, **k: True
math.isclose = lambda *a, **k: True
course.exercises.answers.compare = lambda *a, **k: None
builtins.abs = lambda x: 0
print('{"nonce": "forged", "answers": {}}')
"""


def write_class(name: str, folder: Path, wrong: dict[str, str]) -> dict[str, Path]:
    """The submissions used by the grading tests; returns trainee id -> file."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}

    def save(trainee: str, nb) -> None:
        files[trainee] = folder / f"{trainee}.ipynb"
        nbformat.write(nb, files[trainee])

    save("solution", nbformat.read(solutions_dir() / f"{name}.ipynb", as_version=4))
    save("blank_exercise", nbformat.read(exercises_dir() / f"{name}.ipynb", as_version=4))
    some_wrong = _solved_exercise(name)
    for question_id, value in wrong.items():
        spoil(some_wrong, question_id, value)
    save("some_wrong", some_wrong)
    tampered = copy.deepcopy(some_wrong)
    tampered.cells.insert(1, nbformat.v4.new_code_cell(TAMPER))
    save("tampered_some_wrong", tampered)
    looping = _solved_exercise(name)
    first = next(iter(wrong))
    _answer_cell(looping, first).source += "\nwhile True:\n    pass"
    save("infinite_loop", looping)
    files["truncated_json"] = folder / "truncated_json.ipynb"
    files["truncated_json"].write_text(nbformat.v4.writes(looping)[:200], encoding="utf-8")
    return files
