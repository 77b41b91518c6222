"""gradebook.xlsx: the gradebook for people — Chinese headers and values, each question with its
title — written beside gradebook.csv, whose English columns stay as they are for tools."""
from __future__ import annotations

import json
from pathlib import Path

from course.core import excel, paths
from course.core.i18n import t


def question_titles(exercise: str) -> dict[str, str]:
    """Question id -> title, from the generated exercise's metadata (empty when there is none)."""
    try:
        meta = json.loads((paths.exercises_dir() / f"{exercise}.ipynb").read_text(encoding="utf-8"))
        questions = meta["metadata"]["course"]["questions"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {q["id"]: q.get("title", "") for q in questions if isinstance(q, dict) and "id" in q}


def question_label(question: str, titles: dict[str, str]) -> str:
    title = titles.get(question)
    return f"{question} {title}" if title else question


def rows(results: list[dict]) -> list[list]:
    """The gradebook's rows, first the Chinese header row."""
    header = [t("gradebook.trainee"), t("gradebook.exercise"), t("gradebook.question"), t("gradebook.level"),
              t("gradebook.points"), t("gradebook.max_points"), t("gradebook.status"), t("gradebook.message"),
              t("gradebook.sandboxed")]
    table = [header]
    titles: dict[str, dict[str, str]] = {}
    for result in results:
        exercise = str(result.get("exercise", ""))
        names = titles.setdefault(exercise, question_titles(exercise))
        sandboxed = t("gradebook.yes") if result.get("sandboxed") is not False else t("gradebook.no")
        for row in result["rows"]:
            status = row.get("status", "")
            table.append([result.get("trainee", ""), exercise, question_label(row["question"], names),
                          t("grading.level_" + row.get("level", "core")), row.get("points", 0),
                          row.get("max_points", 0), t("grading.status_" + status) if status else "",
                          row.get("message", ""), sandboxed])
    return table


def write_gradebook_xlsx(results: list[dict], out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    sheet = book.active
    sheet.title = t("gradebook.sheet")
    for line in rows(results):
        # a trainee's text never becomes a formula in Excel
        sheet.append([("'" + v) if isinstance(v, str) and v[:1] in "=+-@" else v for v in line])
    excel.style_header(sheet)
    for letter, width in zip("ABCDEFGHI", (12, 18, 30, 12, 8, 8, 12, 50, 10)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return excel.save(book, Path(out) / "gradebook.xlsx")
