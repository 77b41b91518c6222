"""Reading the lesson notebooks the trainer tools share: which files are lessons, their
``metadata.course``, and which cells are for the trainer only.

A lesson is ``notebooks/NN-slug.ipynb`` (the start page ``00-start.ipynb`` shares the pattern but is
no lesson). Trainer notes are markdown cells tagged ``trainer-note``; they never leave the
trainer's copy.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from course.core.i18n import CourseError, choices
from course.core.paths import notebooks_dir

START_NAME = "00-start.ipynb"
TRAINER_NOTE = "trainer-note"
CASE_CARD = "case-card"
KINDS = ("讲解", "练习", "互动", "案例")


@dataclass(frozen=True)
class Lesson:
    path: Path
    meta: dict  # the notebook's metadata.course

    @property
    def slug(self) -> str:
        return self.path.stem

    @property
    def module(self) -> str:
        return self.meta["module"]

    @property
    def title(self) -> str:
        return self.meta["title"]


def lesson_paths(folder: Path | None = None) -> list[Path]:
    folder = notebooks_dir() if folder is None else Path(folder)
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.name != START_NAME)


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_lessons(folder: Path | None = None) -> list[Lesson]:
    """Every lesson with its metadata, in module order."""
    lessons = []
    for path in lesson_paths(folder):
        meta = read_notebook(path).get("metadata", {}).get("course")
        if not isinstance(meta, dict) or "module" not in meta:
            raise CourseError("trainer.no_metadata", name=path.name)
        lessons.append(Lesson(path, meta))
    return sorted(lessons, key=lambda lesson: lesson.module)


def find_lesson(name: str, folder: Path | None = None) -> Path:
    """A lesson path from ``07-rfm``, ``07-rfm.ipynb``, ``M07`` or ``07``."""
    paths = lesson_paths(folder)
    key = Path(name).stem
    for path in paths:
        if key in {path.stem, path.stem[:2], "M" + path.stem[:2]}:
            return path
    raise CourseError("trainer.unknown_lesson", name=name, valid=choices(p.stem for p in paths) or "—")


def cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_trainer_note(cell) -> bool:
    return TRAINER_NOTE in cell_tags(cell)


def strip_trainer_notes(nb):
    """A copy of the notebook without trainer-note cells (dicts and NotebookNodes alike)."""
    out = copy.deepcopy(nb)
    out["cells"] = [c for c in out["cells"] if not is_trainer_note(c)]
    return out


def cell_source(cell) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)
