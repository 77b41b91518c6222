"""Two tracks in every exercise (issue 15 items 1 and 8).

Contract: core questions carry ≥ 70 % of the points, there are ≥ 6 of them and none asks for a
table; a core question's solution is ONE line ``qN = <expression>  # SOLUTION`` (no block), so the
trainee's only code is typing a value; a core number is displayed by the exercise's provided
cells (text or HTML output), with enough digits to pass grading.

"Values shown on screen" are obtained here by running the blank exercise and reading the outputs
of every cell that is not an answer cell; for each core number the test takes a number token from
those outputs (as displayed, e.g. ``1,234.5`` or ``12.3%``) that the grader accepts. Choices, texts
and record codes are decisions or codes the trainee types: the reference value is used.
Then the blank exercise with only ``qN = <that value>`` typed into the core answer cells must earn
every core point; the master earns full marks and the blank exercise 0.
"""
import copy
import re

import nbformat
import pytest

from course.exercises.answers import compare
from course.exercises.assign import build_exercise, masters, write_variant
from course.exercises.master import SOLUTION_BEGIN, SOLUTION_LINE, read_master
from course.exercises.reference import read_answers

MASTERS = masters()
IDS = [p.stem for p in MASTERS]
NUMBER = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?%?")


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_core_track_has_the_points_and_no_code(path):
    master = read_master(path)
    missing = [q.id for q in master.questions if "level" not in q.spec]
    assert not missing, f"{master.name}: no level on {missing}"
    core = [q for q in master.questions if q.level == "core"]
    total, core_points = sum(q.points for q in master.questions), sum(q.points for q in core)
    assert core_points >= 0.7 * total, f"{master.name}: core has {core_points:g} of {total:g} points"
    assert len(core) >= 6, f"{master.name}: {len(core)} core questions"
    assert not [q.id for q in core if q.spec["kind"] == "table"], f"{master.name}: a core table question"
    for question in core:
        lines = [line for c in question.cells if c.cell_type == "code" for line in c.source.splitlines()]
        assert not any(SOLUTION_BEGIN.match(line) for line in lines), f"{master.name} {question.id}: a block"
        marked = [line for line in lines if SOLUTION_LINE.match(line)]
        assert len(marked) == 1 and re.match(rf"^\s*{question.id}\s*=(?!=)", marked[0]), \
            f"{master.name} {question.id}: the solution must be one line assigning {question.id}"


def _shown_text(notebook) -> str:
    """Everything the provided cells display: streams, plain text and HTML."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or cell.metadata.get("course", {}).get("role") in ("answer", "check"):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            data = output.get("data", {})
            parts += [data.get("text/plain", ""), data.get("text/html", "")]
    return "\n".join(parts)


def _read_number(token: str) -> float:
    return float(token.replace(",", "").rstrip("%"))


def _shown_value(question, reference: dict, shown: str):
    """The value a trainee would type for one core question (None when a number is not on screen)."""
    if question.spec["kind"] != "number":
        return reference.get("value")
    for token in NUMBER.findall(shown):
        value = _read_number(token)
        if compare(question.spec, {"type": "number", "value": value}, reference).passed:
            return value
    return None


def _typed(blank, question_id: str, value) -> None:
    cell = next(c for c in blank.cells if c.metadata.get("course", {}).get("question") == question_id
                and c.metadata["course"]["role"] == "answer")
    pattern = re.compile(rf"^(\s*){question_id}\s*=\s*\.\.\..*$", re.MULTILINE)
    assert pattern.search(cell.source), f"{question_id}: no `{question_id} = ...` line to type into"
    cell.source = pattern.sub(lambda m: f"{m.group(1)}{question_id} = {value!r}", cell.source, count=1)


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_master_full_blank_zero_and_typing_the_shown_values_earns_the_core(path, tmp_path):
    from nbclient import NotebookClient

    from course.exercises.grading.cli import grade

    master = read_master(path)
    stored = read_answers(master.name)
    blank = build_exercise(master, stored)
    ran = copy.deepcopy(blank)
    NotebookClient(ran, kernel_name="python3", timeout=180, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = _shown_text(ran)
    core = [q for q in master.questions if q.level == "core"]
    typed, unseen = copy.deepcopy(blank), []
    for question in core:
        value = _shown_value(question, stored["answers"][question.id], shown)
        if value is None:
            unseen.append(question.id)
            continue
        _typed(typed, question.id, value)
    assert not unseen, f"{master.name}: core answers not displayed by any provided cell: {unseen}"
    folder = tmp_path / "class"
    write_variant(master.name, 0, folder / "master.ipynb", as_master=True)
    nbformat.write(blank, folder / "blank.ipynb")
    nbformat.write(typed, folder / "typed.ipynb")
    results = {r["trainee"]: r for r in grade(master.name, [folder], tmp_path / "out", workers=2,
                                                show_progress=False, no_sandbox=True)}
    assert all(r["points"] == r["max_points"] for r in results["master"]["rows"]), results["master"]["rows"]
    assert sum(r["points"] for r in results["blank"]["rows"]) == 0
    short = [(r["question"], r["message"]) for r in results["typed"]["rows"]
             if r["level"] == "core" and r["points"] < r["max_points"]]
    assert not short, f"{master.name}: typing the shown values misses {short}"
