"""release --assessment: the exercises carry no answer in any form, check() is no oracle, and
show_answer says the answers come after the session; practice mode (the default) is unchanged."""
import base64
import json
import zipfile

import pytest

from course.exercises import check as checker
from course.trainer import release


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    root = tmp_path_factory.mktemp("release")
    return (release.build(root / "practice.zip"),
            release.build(root / "assessment.zip", assessment=True), root)


def _exercises(path):
    with zipfile.ZipFile(path) as bundle:
        return {name: json.loads(bundle.read(name)) for name in bundle.namelist()
                if name.startswith("exercises/") and name.endswith(".ipynb")}


def _solution_lines(question):
    code = json.loads(base64.b64decode(question["answer"]).decode("utf-8"))["code"]
    return {"".join(line.split("#", 1)[0].split()) for line in code.splitlines()} - {""}


def test_assessment_exercises_carry_no_answer_in_any_form(bundles):
    practice, assessment, _ = bundles
    shipped, original = _exercises(assessment), _exercises(practice)
    assert shipped and set(shipped) == set(original)
    for name, nb in shipped.items():
        meta = nb["metadata"]["course"]
        assert meta["mode"] == "assessment"
        before = {q["id"]: q for q in original[name]["metadata"]["course"]["questions"]}
        for question in meta["questions"]:
            assert "answer" not in question and "feedback" not in question and question["digests"] == []
            lines = {line for line in _solution_lines(before[question["id"]]) if len(line) >= 4}
            for hint in question["hints"]:
                assert not any(line in "".join(hint.split()) for line in lines), (name, question["id"], hint)
        raw = json.dumps(nb, ensure_ascii=False)
        for question in before.values():
            assert question["answer"] not in raw
    assert release.audit(assessment, assessment=True) == []


def test_practice_mode_stays_the_default(bundles):
    practice, _, _ = bundles
    questions = [q for nb in _exercises(practice).values() for q in nb["metadata"]["course"]["questions"]]
    assert questions and all("answer" in q for q in questions)
    assert any(q["digests"] for q in questions)


def test_check_is_no_oracle_and_show_answer_waits(bundles, monkeypatch):
    _, assessment, root = bundles
    folder = root / "unpacked"
    with zipfile.ZipFile(assessment) as bundle:
        bundle.extractall(folder)
    monkeypatch.setenv("COURSE_EXERCISES_DIR", str(folder / "exercises"))
    name, nb = next((n, nb) for n, nb in _exercises(assessment).items()
                    if any(q["kind"] == "number" for q in nb["metadata"]["course"]["questions"]))
    exercise = nb["metadata"]["course"]["exercise"]
    question = next(q for q in nb["metadata"]["course"]["questions"] if q["kind"] == "number")
    checker.start_exercise(exercise)
    verdicts = {value: checker.check(question["id"], {question["id"]: value}).ok for value in (1, 7.5, -12345)}
    assert set(verdicts.values()) == {True}  # any number passes: the shape is all check() knows
    shown = repr(checker.show_answer(question["id"]))
    assert "课后" in shown


def test_the_assessment_audit_catches_an_answer_left_behind(bundles):
    practice, _, _ = bundles
    name, nb = next(iter(_exercises(practice).items()))
    problems = release.notebook_problems(name, json.dumps(nb).encode("utf-8"), assessment=True)
    assert problems
