"""``python -m course assign``: generate ``exercises/NN-slug.ipynb`` from each master in solutions/.

The exercise keeps the narrative and scaffold code, replaces solutions with a prompt, adds a
``check("qN")`` cell after each question, and carries the public checks (shape rules and salted
fingerprints of the reference answer) in its metadata. Hidden checks stay with the grader.
"""
from __future__ import annotations

import argparse
import base64
import copy
import json
import sys
from pathlib import Path

import nbformat

from course.core import paths
from course.exercises.answers import fingerprint
from course.core.i18n import CourseError, t
from course.exercises.master import Master, Question, read_master, strip_solution
from course.exercises.reference import compute_answers, is_current, read_answers, write_answers

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PUBLIC_KEYS = ("id", "kind", "points", "title", "options", "multiple", "columns", "key", "tolerance")


def salt(exercise: str, question_id: str) -> str:
    return f"{exercise}:{question_id}"


def public_spec(master: Master, question: Question, reference: dict) -> dict:
    spec = {k: question.spec[k] for k in PUBLIC_KEYS if k in question.spec}
    if question.spec["kind"] == "table":
        spec["rows"] = question.spec.get("rows", len(reference["rows"]))
    spec["hints"] = list(question.spec["hints"])
    reveal = {"code": question.solution_code(), "explain": question.spec.get("explain", "")}
    # base64 only keeps the answer from catching the eye in the file; show_answer() decodes it
    spec["answer"] = base64.b64encode(json.dumps(reveal, ensure_ascii=False).encode("utf-8")).decode("ascii")
    spec["digests"] = fingerprint(question.spec, reference, salt(master.name, question.id))
    return spec


def _meta(cell, question_id: str, role: str, editable: bool):
    cell.metadata["course"] = {"question": question_id, "role": role}
    if not editable:
        cell.metadata["editable"] = False
        cell.metadata["deletable"] = False
    return cell


def _copy(cell):
    cell = copy.deepcopy(cell)
    cell.metadata.pop("execution", None)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def build_exercise(master: Master, stored: dict) -> nbformat.NotebookNode:
    answers = stored["answers"]
    questions = [public_spec(master, q, answers[q.id]) for q in master.questions]
    nb = nbformat.v4.new_notebook()
    # only what every trainee's Jupyter needs: nothing that depends on the author's machine
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    nb.metadata["course"] = {
        "exercise": master.name,
        "generated_from": f"solutions/{master.path.name}",
        "source_hash": stored["source_hash"],
        "total_points": sum(q.points for q in master.questions),
        "questions": questions,
    }
    nb.cells = [_copy(c) for c in master.preamble]
    prompt = t("assign.code_prompt")
    for number, question in enumerate(master.questions, start=1):
        title = question.spec.get("title", "")
        header = nbformat.v4.new_markdown_cell(
            t("assign.header", number=number, id=question.id, points=f"{question.points:g}",
              title=f" · {title}" if title else ""), id=f"{question.id}-header")
        nb.cells.append(_meta(header, question.id, "header", editable=False))
        for cell in question.cells:
            cell = _copy(cell)
            stripped = strip_solution(cell.source, prompt, question.id) if cell.cell_type == "code" else None
            if stripped is not None and stripped != cell.source:
                cell.source = stripped
                nb.cells.append(_meta(cell, question.id, "answer", editable=True))
            elif cell.cell_type == "code":
                nb.cells.append(_meta(cell, question.id, "given", editable=True))
            else:
                nb.cells.append(_meta(cell, question.id, "prompt", editable=False))
        check = nbformat.v4.new_code_cell(f'check("{question.id}")', id=f"{question.id}-check")
        nb.cells.append(_meta(check, question.id, "check", editable=True))
    nb.cells += [_copy(c) for c in master.epilogue]
    return nb


def render(nb) -> str:
    return nbformat.writes(nb) + "\n"


def masters(names: list[str] | None = None) -> list[Path]:
    found = sorted(paths.solutions_dir().glob("[0-9][0-9]-*.ipynb"))
    if names:
        wanted = {Path(n).stem for n in names}
        found = [p for p in found if p.stem in wanted]
    return found


def exercise_path(name: str) -> Path:
    return paths.exercises_dir() / f"{name}.ipynb"


def problems_in_sync(path: Path) -> list[str]:
    """What is out of date for one master, without starting a kernel."""
    master = read_master(path)
    stored = read_answers(master.name)
    if not is_current(master, stored):
        return [t("assign.stale_answers", name=master.name)]
    target = exercise_path(master.name)
    if not target.exists() or target.read_text(encoding="utf-8") != render(build_exercise(master, stored)):
        return [t("assign.stale_exercise", name=master.name)]
    return []


def assign(path: Path) -> Path:
    master = read_master(path)
    stored = read_answers(master.name)
    if not is_current(master, stored):
        print(t("assign.running_master", name=master.name), flush=True)
        stored = compute_answers(master)
        write_answers(stored)
    target = exercise_path(master.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(build_exercise(master, stored)), encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course assign", description=t("cli.assign"))
    parser.add_argument("names", nargs="*", help=t("assign.arg_names"))
    parser.add_argument("--check", action="store_true", help=t("assign.arg_check"))
    args = parser.parse_args(argv)
    found = masters(args.names)
    if not found:
        print(t("assign.no_masters", folder=paths.solutions_dir()), file=sys.stderr)
        return 1
    try:
        if args.check:
            problems = [p for path in found for p in problems_in_sync(path)]
            for problem in problems:
                print("❌ " + problem, file=sys.stderr)
            if not problems:
                print(t("assign.in_sync", count=len(found)))
            return 1 if problems else 0
        for path in found:
            print("✅ " + t("assign.written", path=paths.shown(assign(path))))
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 1
    return 0
