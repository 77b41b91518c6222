"""The README's course map is checked against the lessons' own metadata (the single source):
every lesson has its row, with the module id, the title, the path and the 1-day mark it declares."""
from __future__ import annotations

import re

import pytest
from conftest import REPO

from course.trainer.lessons import read_lessons

LESSONS = [lesson for lesson in read_lessons() if re.fullmatch(r"M\d\d", lesson.module)]
ROW = re.compile(r"^\| (M\d\d) (.+?)(（可选）)? \| `notebooks/([^`]+)` \|\s*(✔?)\s*\|", re.M)


def readme_rows() -> dict[str, tuple[str, str, bool]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return {m[0]: (m[1], m[3], m[4] == "✔") for m in ROW.findall(text)}


def test_found_the_lessons():
    assert len(LESSONS) >= 15


def test_no_row_without_a_lesson():
    assert sorted(readme_rows()) == sorted(lesson.module for lesson in LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.module)
def test_row_matches_the_lesson_metadata(lesson):
    title, file, one_day = readme_rows()[lesson.module]
    assert title == lesson.title
    assert file == lesson.path.name
    assert one_day == bool(lesson.meta.get("core"))
