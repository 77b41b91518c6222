"""``python -m course assign``: generate ``exercises/NN-slug.ipynb`` from each master in solutions/.

The exercise keeps the narrative and scaffold code, replaces solutions with a prompt, adds a
``check("qN")`` cell after each question, and carries the public checks (shape rules and salted
fingerprints of the reference answer) in its metadata. Hidden checks stay with the grader.

Variants (issue 19): ``python -m course assign NAME --variant K --out FILE`` writes trainee variant
K: the ``parameters`` cell says ``variant = K`` (what papermill would inject), choice options are
rotated with the answer letters remapped, fingerprints come from variant K's reference answers,
and the notebook metadata records ``course.variant``. ``--master`` writes variant K of the master
(full marks), for tests and the trainer's answer sheet. ``write_roster`` writes one exercise per
trainee from a roster (``trainee,variant``), for ``release`` and the classroom.
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
from course.core.i18n import CourseError, t
from course.exercises.answers import fingerprint, salt
from course.exercises.master import Master, Question, read_master, strip_solution
from course.exercises.reference import (
    compute_answers,
    is_current,
    read_answers,
    reference_answers,
    write_answers,
)
from course.exercises.variants import shuffle_cells, variant_feedback

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PUBLIC_KEYS = ("id", "kind", "points", "title", "options", "multiple", "columns", "key", "tolerance",
               "level", "scenario")


def public_spec(master: Master, question: Question, reference: dict, variant: int = 0,
                code: str | None = None) -> dict:
    spec = {k: question.spec[k] for k in PUBLIC_KEYS if k in question.spec}
    spec["level"] = question.level
    if question.spec["kind"] == "table":
        spec["rows"] = question.spec.get("rows", len(reference["rows"]))
    spec["hints"] = list(question.spec["hints"])
    reveal = {"code": question.solution_code() if code is None else code,
              "explain": question.spec.get("explain", "")}
    feedback = variant_feedback(master, question, variant)
    if feedback:
        reveal["feedback"] = feedback
    # base64 only keeps the answer from catching the eye in the file; show_answer() decodes it
    spec["answer"] = base64.b64encode(json.dumps(reveal, ensure_ascii=False).encode("utf-8")).decode("ascii")
    spec["digests"] = fingerprint(question.spec, reference, salt(master.name, question.id, variant))
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


def _parameters(master: Master, cells: list, variant: int) -> list:
    """The preamble with the parameters cell saying ``variant = K`` (papermill's value), locked."""
    if not variant:
        return cells
    if master.parameters is None:
        raise CourseError("master.no_parameters", path=master.path.name)
    target = master.notebook.cells[master.parameters]
    index = next((i for i, c in enumerate(master.preamble) if c is target), None)
    if index is None:  # the parameters cell must come before the first question
        raise CourseError("master.no_parameters", path=master.path.name)
    cells[index].source = f"variant = {variant}"
    cells[index].metadata["editable"] = False
    cells[index].metadata["deletable"] = False
    return cells


def _header(question: Question, number: int) -> str:
    title = question.spec.get("title", "")
    level = t(f"assign.level_{question.level}")
    return t("assign.header", number=number, id=question.id, points=f"{question.points:g}",
             title=f" · {title}" if title else "") + f" · {level}"


# what an answer cell says to type: a core answer is a value read off the screen, not code
CORE_PROMPTS = {"number": "assign.core_prompt_number", "choice": "assign.core_prompt_choice",
                "text": "assign.core_prompt_text", "record": "assign.core_prompt_record"}


def answer_prompt(question: Question) -> str:
    if question.level == "core" and question.spec.get("kind") in CORE_PROMPTS:
        return t(CORE_PROMPTS[question.spec["kind"]])
    return t("assign.code_prompt")


def build_exercise(master: Master, stored: dict, variant: int = 0, as_master: bool = False) -> nbformat.NotebookNode:
    """The trainee exercise (or, with ``as_master``, the master) of one variant."""
    answers = stored["answers"]
    code = {q.id: "\n\n".join(c.source for c in shuffle_cells(master, q, variant, [_copy(c) for c in q.cells])
                                if c.cell_type == "code").strip() for q in master.questions}
    questions = [public_spec(master, q, answers[q.id], variant, code[q.id]) for q in master.questions]
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
    if variant:
        nb.metadata["course"]["variant"] = variant
    if as_master:
        nb.metadata["course"]["master"] = True
    nb.cells = _parameters(master, [_copy(c) for c in master.preamble], variant)
    for number, question in enumerate(master.questions, start=1):
        prompt = answer_prompt(question)
        header = nbformat.v4.new_markdown_cell(_header(question, number), id=f"{question.id}-header")
        nb.cells.append(_meta(header, question.id, "header", editable=False))
        if question.level == "advanced":
            note = nbformat.v4.new_markdown_cell(t("assign.advanced_note"), id=f"{question.id}-level")
            nb.cells.append(_meta(note, question.id, "prompt", editable=False))
        for cell in shuffle_cells(master, question, variant, [_copy(c) for c in question.cells]):
            if as_master:
                nb.cells.append(_meta(cell, question.id, "answer" if cell.cell_type == "code" else "prompt",
                                      editable=cell.cell_type == "code"))
                continue
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


def write_variant(name: str, variant: int, out: Path, as_master: bool = False) -> Path:
    """Write trainee variant ``variant`` of exercise ``name`` (or of its master) to ``out``."""
    found = masters([name])
    if not found:
        raise CourseError("grading.unknown_exercise", name=name,
                          valid="、".join(p.stem for p in masters()) or "—")
    master = read_master(found[0])
    stored = reference_answers(master, variant) if variant else _current_answers(master)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(build_exercise(master, stored, variant, as_master)), encoding="utf-8")
    return out


def read_roster(path: Path) -> dict[str, int]:
    """trainee -> variant, from a CSV with columns ``trainee,variant`` (UTF-8, with or without BOM)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise CourseError("assign.roster_unreadable", path=str(path), detail=error.strerror or str(error)) from None
    roster = {}
    for number, row in enumerate(rows, start=2):
        trainee, variant = (row.get("trainee") or "").strip(), (row.get("variant") or "").strip()
        if not trainee or not variant.isdigit():
            raise CourseError("assign.roster_bad_row", path=str(path), line=number)
        roster[trainee] = int(variant)
    return roster


def write_roster(name: str, roster: dict[str, int], folder: Path) -> list[Path]:
    """One exercise per trainee (``folder/<trainee>/<name>.ipynb``), for release and the classroom."""
    return [write_variant(name, variant, Path(folder) / trainee / f"{name}.ipynb")
            for trainee, variant in sorted(roster.items())]


def _current_answers(master: Master) -> dict:
    stored = read_answers(master.name)
    if not is_current(master, stored):
        print(t("assign.running_master", name=master.name), flush=True)
        stored = compute_answers(master)
        write_answers(stored)
    return stored


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
    stored = _current_answers(master)
    target = exercise_path(master.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(build_exercise(master, stored)), encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course assign", description=t("cli.assign"))
    parser.add_argument("names", nargs="*", help=t("assign.arg_names"))
    parser.add_argument("--check", action="store_true", help=t("assign.arg_check"))
    parser.add_argument("--variant", type=int, default=None, help=t("assign.arg_variant"))
    parser.add_argument("--out", type=Path, default=None, help=t("assign.arg_out"))
    parser.add_argument("--master", action="store_true", help=t("assign.arg_master"))
    parser.add_argument("--check-variants", type=int, default=None, metavar="N", help=t("assign.arg_check_variants"))
    args = parser.parse_args(argv)
    found = masters(args.names)
    if not found:
        print(t("assign.no_masters", folder=paths.solutions_dir()), file=sys.stderr)
        return 1
    try:
        for master in [read_master(path) for path in found]:  # every master parses before any write
            for warning in master.warnings:
                print("⚠️ " + warning, file=sys.stderr)
        if args.check_variants is not None:  # issue 19: are the variants a class hands out sound?
            from course.exercises.variant_check import check_variants

            problems = check_variants([read_master(path) for path in found], args.check_variants)
            if problems:
                print("❌ " + t("assign.variants_unsound", problems=len(problems)), file=sys.stderr)
                return 1
            print("✅ " + t("assign.variants_sound", exercises=len(found), count=args.check_variants))
            return 0
        if args.variant is not None or args.out is not None or args.master:
            if len(found) != 1 or args.out is None or (args.variant or 0) < 0:
                print("❌ " + t("assign.variant_usage"), file=sys.stderr)
                return 2
            written = write_variant(found[0].stem, args.variant or 0, args.out, args.master)
            print("✅ " + t("assign.written", path=paths.shown(written)))
            return 0
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
