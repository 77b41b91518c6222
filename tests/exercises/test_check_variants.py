"""check() per variant, in a real kernel, on the exercises `release --roster` writes (issue 19).

Assessment mode: the copy carries no fingerprint, so a right answer and a wrong answer of the right
shape get the same reply (check() is no oracle), while a wrongly shaped answer is still flagged.
Practice mode: trainee K's copy accepts K's answer and rejects K+1's on a varying question.

The answers typed in come from the reference answers of each variant (one master run each), never
from values written here.
"""
import json

import nbformat
import pytest
from nbclient import NotebookClient
from variant_fixtures import NAME, course_folders, write_master

from course.exercises.assign import assign
from course.exercises.master import read_master
from course.exercises.reference import reference_answers
from course.trainer import release

K = 1  # alice's variant; bob has K + 1


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("check-variants")
    roster = tmp / "roster.csv"
    roster.write_text(f"trainee,variant\nalice,{K}\nbob,{K + 1}\n", encoding="utf-8")
    with course_folders(tmp) as (solutions, _):
        write_master(solutions)
        assign(solutions / f"{NAME}.ipynb")
        # the trainer's command: the assessment bundle plus one exercise per trainee beside it
        assert release.main(["--out", str(tmp / "bundle.zip"), "--assessment", "--roster", str(roster)]) == 0
        release.write_trainee_exercises(roster, tmp / "practice")
        master = read_master(solutions / f"{NAME}.ipynb")
        answers = {v: reference_answers(master, v)["answers"] for v in (K, K + 1)}
    return {"tmp": tmp, "answers": answers,
            "assessment": tmp / "bundle-trainees" / "alice" / f"{NAME}.ipynb",
            "practice": tmp / "practice" / "alice" / f"{NAME}.ipynb"}


PROBE = """
import json
import pandas as pd

def _as_value(plain, plus=0):
    if plain["type"] == "table":
        table = pd.DataFrame(plain["rows"], columns=plain["columns"])
        return table.assign(customers=table["customers"] + plus) if plus else table
    return plain["value"] + plus if plus else plain["value"]

def _probe(question_id, value):
    globals()[question_id] = value  # as if typed into the answer cell
    said = check(question_id)
    return [said.ok, repr(said)]
"""


def run_checks(path, answers, cases: dict[str, tuple[str, str]]) -> dict[str, tuple[bool | None, str]]:
    """Run the trainee's notebook in a kernel (its cwd is the trainee's folder, as in the classroom),
    then type each case's value into the answer variable and call check(); (ok, text) per case.
    Each case is (question id, Python expression over ``A`` = {variant: reference answers});
    ``start`` is what start_exercise() said."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("\n".join([
        PROBE,
        f"_started = start_exercise({NAME!r})  # as the top cell of a real exercise does",
        f"A = {{int(k): v for k, v in json.loads({json.dumps(answers, ensure_ascii=False)!r}).items()}}",
        f"CASES = json.loads({json.dumps(cases, ensure_ascii=False)!r})",
        "_got = {label: _probe(q, eval(code)) for label, (q, code) in CASES.items()}",
        "print(json.dumps({'start': [_started.ok, repr(_started)], **_got}, ensure_ascii=False))",
    ])))
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return {label: tuple(v) for label, v in json.loads(printed.strip().splitlines()[-1]).items()}


def test_assessment_check_of_variant_k_confirms_the_shape_only(released):
    meta = nbformat.read(released["assessment"], as_version=4).metadata["course"]
    assert meta["mode"] == "assessment" and meta["variant"] == K
    assert all(q["digests"] == [] and "answer" not in q for q in meta["questions"])
    cases = {  # right, then wrong with the right shape (a neighbour's answer, or off by one), then badly shaped
        "q1 right": ("q1", f"_as_value(A[{K}]['q1'])"),
        "q1 neighbour": ("q1", f"_as_value(A[{K + 1}]['q1'])"),
        "q2 right": ("q2", f"_as_value(A[{K}]['q2'])"),
        "q2 neighbour": ("q2", f"_as_value(A[{K + 1}]['q2'])"),
        "q4 right": ("q4", f"_as_value(A[{K}]['q4'])"),
        "q4 off by one": ("q4", f"_as_value(A[{K}]['q4'], plus=1)"),
        "q1 text": ("q1", "'很多'"),
        "q2 no such option": ("q2", "'Z'"),
        "q4 a column short": ("q4", f"_as_value(A[{K}]['q4'])[['city']]"),
    }
    got = run_checks(released["assessment"], released["answers"], cases)
    assert got["start"][0] is None and "只检查答案的格式" in got["start"][1], got["start"]  # found K's copy
    for question, wrong in (("q1", "neighbour"), ("q2", "neighbour"), ("q4", "off by one")):
        right = got[f"{question} right"]
        assert got[f"{question} {wrong}"] == right, (question, right, got[f"{question} {wrong}"])
        assert right[0] is True and "只检查答案的格式" in right[1] and "通过公开检查" not in right[1], right
    for label in ("q1 text", "q2 no such option", "q4 a column short"):
        ok, said = got[label]
        assert ok is False and "❌" in said, (label, said)
        assert "show_answer" not in said  # no answer is on offer in an assessment
    assert "需要一个数字" in got["q1 text"][1] and "缺少列" in got["q4 a column short"][1]


def test_practice_check_of_variant_k_takes_k_and_refuses_k_plus_1(released):
    answers = released["answers"]
    assert answers[K]["q1"] != answers[K + 1]["q1"] and answers[K]["q2"] != answers[K + 1]["q2"]
    cases = {"q1 own": ("q1", f"_as_value(A[{K}]['q1'])"), "q1 neighbour": ("q1", f"_as_value(A[{K + 1}]['q1'])"),
             "q2 own": ("q2", f"_as_value(A[{K}]['q2'])"), "q2 neighbour": ("q2", f"_as_value(A[{K + 1}]['q2'])")}
    got = run_checks(released["practice"], answers, cases)
    assert got["start"][0] is None and "只检查答案的格式" not in got["start"][1], got["start"]
    for question in ("q1", "q2"):
        assert got[f"{question} own"][0] is True, got[f"{question} own"]
        assert "通过公开检查" in got[f"{question} own"][1]
        assert got[f"{question} neighbour"][0] is False, got[f"{question} neighbour"]
