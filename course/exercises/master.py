"""Reading a master exercise notebook (``solutions/NN-slug.ipynb``).

A question starts with a raw cell whose first line is ``# BEGIN QUESTION`` followed by YAML::

    # BEGIN QUESTION
    id: q1
    points: 2
    kind: number          # choice | number | text | table
    tolerance: 0.5        # number, table
    options: [A, B, C, D] # choice;  multiple: true for several letters
    columns: [customer_id, segment]   # table: the columns that are graded
    key: customer_id      # table: rows are matched on this column
    accept: [...]         # text: other accepted answers
    title: 计算 R 的平均值
    hints: [第一级提示, 第二级提示]
    explain: 参考答案的思路说明

It runs until the next question, a raw ``# END QUESTION`` cell, or the end of the notebook. In its
code cells, ``expr  # SOLUTION`` lines and ``# BEGIN SOLUTION`` … ``# END SOLUTION`` blocks are the
reference solution, replaced in the exercise by a prompt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from course.exercises.answers import KINDS
from course.core.i18n import CourseError, choices

BEGIN, END = "# BEGIN QUESTION", "# END QUESTION"
SOLUTION_LINE = re.compile(r"^(?P<indent>\s*)(?P<body>.*?)\s*#\s*SOLUTION\s*$")
SOLUTION_BEGIN = re.compile(r"^(?P<indent>\s*)#\s*BEGIN SOLUTION\s*$")
SOLUTION_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
ASSIGNMENT = re.compile(r"^(?P<target>[A-Za-z_][\w\.\[\]'\"]*\s*=)(?!=)")
QUESTION_ID = re.compile(r"^q\d+[a-z]?$")
SPEC_KEYS = {"id", "points", "kind", "tolerance", "rel_tolerance", "options", "multiple", "columns",
             "key", "accept", "title", "hints", "explain", "rows", "level", "varies", "feedback",
             "scenario"}


@dataclass
class Question:
    spec: dict
    cells: list = field(default_factory=list)  # the master cells of this question, in order

    @property
    def id(self) -> str:
        return self.spec["id"]

    @property
    def points(self) -> float:
        return float(self.spec["points"])

    def solution_code(self) -> str:
        return "\n\n".join(c.source for c in self.cells if c.cell_type == "code").strip()


@dataclass
class Master:
    name: str
    path: Path
    notebook: object
    preamble: list  # cells before the first question
    questions: list[Question]
    epilogue: list  # cells after an explicit END QUESTION that closes the last question

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]


def _is_header(cell) -> bool:
    return cell.cell_type == "raw" and cell.source.lstrip().startswith(BEGIN)


def _is_end(cell) -> bool:
    return cell.cell_type == "raw" and cell.source.strip() == END


def _parse_spec(cell, path: Path) -> dict:
    body = cell.source.lstrip()[len(BEGIN):]
    try:
        spec = yaml.safe_load(body) or {}
    except yaml.YAMLError as error:
        raise CourseError("master.bad_yaml", path=path.name, detail=str(error).splitlines()[0]) from None
    qid = str(spec.get("id", ""))
    if not QUESTION_ID.match(qid):
        raise CourseError("master.bad_id", path=path.name, id=qid or "—")
    unknown = sorted(set(spec) - SPEC_KEYS)
    if unknown:
        raise CourseError("master.unknown_keys", path=path.name, id=qid, keys=choices(unknown),
                          valid=choices(sorted(SPEC_KEYS)))
    if spec.get("kind") not in KINDS:
        raise CourseError("master.bad_kind", path=path.name, id=qid, kind=spec.get("kind"), valid=choices(KINDS))
    if not isinstance(spec.get("points"), (int, float)) or spec["points"] <= 0:
        raise CourseError("master.bad_points", path=path.name, id=qid)
    hints = spec.get("hints") or []
    if len(hints) != 2:
        raise CourseError("master.need_two_hints", path=path.name, id=qid)
    if spec["kind"] == "table" and not spec.get("columns"):
        raise CourseError("master.table_columns", path=path.name, id=qid)
    return spec


def read_master(path: Path) -> Master:
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    preamble, questions, epilogue = [], [], []
    current: Question | None = None
    for cell in notebook.cells:
        if _is_header(cell):
            current = Question(_parse_spec(cell, path))
            questions.append(current)
        elif _is_end(cell):
            current = None
        elif current is not None:
            current.cells.append(cell)
        elif questions:
            epilogue.append(cell)
        else:
            preamble.append(cell)
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if not questions:
        raise CourseError("master.no_questions", path=path.name)
    if duplicates:
        raise CourseError("master.duplicate_ids", path=path.name, ids=choices(duplicates))
    for question in questions:
        if not any(c.cell_type == "code" and _has_solution(c.source) for c in question.cells):
            raise CourseError("master.no_solution", path=path.name, id=question.id)
    return Master(path.stem, path, notebook, preamble, questions, epilogue)


def _has_solution(source: str) -> bool:
    lines = source.splitlines()
    return any(SOLUTION_LINE.match(line) or SOLUTION_BEGIN.match(line) for line in lines)


def strip_solution(source: str, prompt: str, question_id: str) -> str:
    """The code a trainee starts from: solution lines become ``name = ...``; a block becomes a
    prompt, plus ``qN = ...`` where the block assigned the answer, so the trainee sees where it goes."""
    out, block = [], None
    assigns_answer = re.compile(rf"^\s*{re.escape(question_id)}\s*=(?!=)")
    for line in source.splitlines():
        if block is not None:
            if SOLUTION_END.match(line):
                out.append(f"{block['indent']}# {prompt}")
                if block["assigns"]:
                    out.append(f"{block['indent']}{question_id} = ...")
                block = None
            elif assigns_answer.match(line):
                block["assigns"] = True
            continue
        begin = SOLUTION_BEGIN.match(line)
        if begin:
            block = {"indent": begin["indent"], "assigns": False}
            continue
        marked = SOLUTION_LINE.match(line)
        if marked:
            assignment = ASSIGNMENT.match(marked["body"])
            if assignment:
                out.append(f"{marked['indent']}{assignment['target']} ...  # {prompt}")
            continue
        out.append(line)
    return "\n".join(out)
