"""Reading a master exercise notebook (``solutions/NN-slug.ipynb``).

Interface for content authors (issues 15, 17, 19) — the short version
-----------------------------------------------------------------------
* **Variant parameter.** The first code cells of the master include ONE code cell tagged
  ``parameters`` (papermill's convention) whose whole source is ``variant = 0``. ``assign`` and the
  reference run inject another value after it, as papermill does. Provided cells draw their data
  through it: ``orders = load("orders", variant=variant)`` (a reproducible ~85 % sample of the
  company for variant > 0; 0 = today's full data); a value named in a prompt comes from
  ``variant_pick([...], variant)`` (first item for variant 0), another analysis date from
  ``variant_date(variant)``; both are in ``from course import …``. Start the exercise with
  ``start_exercise("07-rfm", variant=variant)``.
* **level: core | advanced** on every question. Core (基础): a number, a choice, a short text or a
  record code the trainee reads off the screen or decides from the lesson; the solution is ONE
  line ``q3 = <expression>  # SOLUTION`` (no BEGIN/END block), so the blank exercise shows
  ``q3 = ...`` and typing a value is the only code. Because the data differ per variant, that
  expression reads the value a provided cell displays (``q3 = summary.loc["冠军客户", "customers"]``),
  it is not a typed literal — except for choices, texts and record codes. A core NUMBER must appear
  in the text or HTML output of a provided cell (not only inside a widget), with enough digits to
  pass its tolerance: tests/exercises/test_tracks.py runs the blank exercise, takes the number from
  those outputs and types it. No core table question. Core ≥ 70 % of the points and ≥ 6 core
  questions per exercise. Advanced (进阶, shown as optional): code-writing questions.
* **varies: false** for a question whose answer is the same in every variant (a pure concept
  question). Such a choice question is not shuffled. Every other choice question whose options are
  listed in its prompt as ``- A. …`` lines has its options rotated per variant (the answer letter is
  remapped, in the reference answers and in ``--master`` copies), so it varies; keep options whose
  order matters (「以上都对」, ranges) in a ``varies: false`` question. ≥ 60 % of the core points must
  vary, and variants 1 and 2 must give different answers to every varying question
  (tests/exercises/test_variants.py). A ``kind: record`` question never counts as varying.
* **feedback: {B: "为什么诱人、为什么不对"}** per option (choice questions): shown by ``check()`` when
  the trainee picks that option and on the grader's feedback page. Letters are the master's letters.
* **kind: record** with ``scenario: <id>``: the trainee types the record code the role-play
  simulator shows at the end; the grader replays it through ``course.roleplay.engine``.
* Solution markers must balance: a ``# BEGIN SOLUTION`` needs its ``# END SOLUTION`` in the same cell,
  no nesting, no stray END — otherwise ``read_master`` raises a Chinese ``CourseError`` naming the
  notebook and the cell, and ``assign`` writes nothing.

The format in full
------------------
A question starts with a raw cell whose first line is ``# BEGIN QUESTION`` followed by YAML::

    # BEGIN QUESTION
    id: q1
    points: 2
    kind: number          # choice | number | text | table | record
    level: core           # core | advanced (required)
    varies: false         # only when the answer cannot change between variants
    tolerance: 0.5        # number, table
    options: [A, B, C, D] # choice;  multiple: true for several letters
    feedback: {B: 这个选项诱人在……，错在……}   # choice: why each wrong option is wrong
    columns: [customer_id, segment]   # table: the columns that are graded
    key: customer_id      # table: rows are matched on this column
    accept: [...]         # text: other accepted answers
    scenario: late_delivery   # record: the role-play scenario id
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

from course.core.i18n import CourseError, choices, t
from course.exercises.answers import KINDS

BEGIN, END = "# BEGIN QUESTION", "# END QUESTION"
SOLUTION_LINE = re.compile(r"^(?P<indent>\s*)(?P<body>.*?)\s*#\s*SOLUTION\s*$")
SOLUTION_BEGIN = re.compile(r"^(?P<indent>\s*)#\s*BEGIN SOLUTION\s*$")
SOLUTION_END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
ASSIGNMENT = re.compile(r"^(?P<target>[A-Za-z_][\w\.\[\]'\"]*\s*=)(?!=)")
QUESTION_ID = re.compile(r"^q\d+[a-z]?$")
SPEC_KEYS = {"id", "points", "kind", "tolerance", "rel_tolerance", "options", "multiple", "columns",
             "key", "accept", "title", "hints", "explain", "rows", "level", "varies", "feedback",
             "scenario"}
LEVELS = ("core", "advanced")
PARAMETERS_TAG = "parameters"  # papermill's tag for the cell whose values a run may override


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

    @property
    def level(self) -> str:
        return self.spec.get("level", "core")

    @property
    def varies(self) -> bool:
        return self.spec.get("varies", True) is not False

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
    parameters: int | None = None  # index of the papermill ``parameters`` cell, if any
    warnings: list = field(default_factory=list)  # Chinese notes that do not stop assign (yet)

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
    if "level" in spec and spec["level"] not in LEVELS:
        raise CourseError("master.bad_level", path=path.name, id=qid, level=spec["level"], valid=choices(LEVELS))
    if "varies" in spec and not isinstance(spec["varies"], bool):
        raise CourseError("master.bad_varies", path=path.name, id=qid)
    if "feedback" in spec:
        options = spec.get("options") or list("ABCD")
        feedback = spec["feedback"]
        if spec["kind"] != "choice" or not isinstance(feedback, dict) or \
                any(str(k) not in options or not isinstance(v, str) for k, v in feedback.items()):
            raise CourseError("master.bad_feedback", path=path.name, id=qid, options=choices(options))
    if spec["kind"] == "record" and not spec.get("scenario"):
        raise CourseError("master.record_scenario", path=path.name, id=qid)
    return spec


def check_markers(source: str) -> str | None:
    """Why the solution markers of one code cell do not balance (a catalog key), or None."""
    open_block = False
    for line in source.splitlines():
        if SOLUTION_BEGIN.match(line):
            if open_block:
                return "master.solution_nested"
            open_block = True
        elif SOLUTION_END.match(line):
            if not open_block:
                return "master.solution_unopened"
            open_block = False
    return "master.solution_unclosed" if open_block else None


def _parameters_cell(notebook, path: Path) -> int | None:
    tagged = [i for i, c in enumerate(notebook.cells)
              if c.cell_type == "code" and PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])]
    if len(tagged) > 1:
        raise CourseError("master.many_parameters", path=path.name, cells=choices([i + 1 for i in tagged]))
    return tagged[0] if tagged else None


def read_master(path: Path) -> Master:
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        problem = check_markers(cell.source) if cell.cell_type == "code" else None
        if problem:
            raise CourseError(problem, path=path.name, cell=number)
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
    warnings = []
    missing_level = [q.id for q in questions if "level" not in q.spec]
    if missing_level:
        warnings.append(t("master.missing_level", path=path.name, ids=choices(missing_level)))
    return Master(path.stem, path, notebook, preamble, questions, epilogue,
                  _parameters_cell(notebook, path), warnings)


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
