"""The variant and level machinery on a small synthetic master (issues 15 and 19)."""
import csv
import json

import nbformat
import pytest
from variant_fixtures import NAME, OPTIONS_Q2, course_folders, write_master

from course.core.i18n import CourseError
from course.exercises import check as check_module
from course.exercises.answers import compare
from course.exercises.assign import assign, read_roster, write_variant
from course.exercises.master import read_master
from course.exercises.reference import reference_answers
from course.exercises.variants import option_shift, stable_variant, variant_date, variant_pick


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("variants")
    with course_folders(tmp) as (solutions, exercises):
        write_master(solutions)
        assign(solutions / f"{NAME}.ipynb")
        files = {}
        for variant in (1, 2):
            files[("exercise", variant)] = write_variant(NAME, variant, tmp / f"v{variant}.ipynb")
        for variant in (0, 1, 2):
            files[("master", variant)] = write_variant(NAME, variant, tmp / f"m{variant}.ipynb", as_master=True)
        master = read_master(solutions / f"{NAME}.ipynb")
        answers = {v: reference_answers(master, v)["answers"] for v in (0, 1, 2)}
        yield {"tmp": tmp, "files": files, "master": master, "answers": answers}


def _cells(path, question, role):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.metadata.get("course", {}).get("question") == question
            and c.metadata["course"]["role"] == role]


def test_variants_change_the_data_answers_and_the_choice_letters(kit):
    a = kit["answers"]
    master = kit["master"]
    q = {x.id: x for x in master.questions}
    assert compare(q["q1"].spec, a[1]["q1"], a[2]["q1"]).score == 0  # another sample of customers
    assert compare(q["q1"].spec, a[0]["q1"], a[1]["q1"]).score == 0
    assert a[1]["q2"]["value"] != a[2]["q2"]["value"]  # neighbouring variants rotate differently
    assert a[0]["q3"] == a[1]["q3"] == a[2]["q3"]  # varies: false is never shuffled
    cached = kit["tmp"] / "solutions" / "answers" / "variants" / NAME / "v1.json"
    assert json.loads(cached.read_text(encoding="utf-8"))["variant"] == 1


def test_the_right_option_text_sits_under_the_variant_answer_letter(kit):
    for variant in (1, 2):
        for kind in ("exercise", "master"):
            prompt = _cells(kit["files"][(kind, variant)], "q2", "prompt")[0].source
            letter = kit["answers"][variant]["q2"]["value"]
            assert f"- {letter}. {OPTIONS_Q2[0]}" in prompt  # the master's right answer is option A
            assert all(text in prompt for text in OPTIONS_Q2)
    master_code = _cells(kit["files"][("master", 2)], "q2", "answer")[0].source
    assert master_code == f'q2 = "{kit["answers"][2]["q2"]["value"]}"  # SOLUTION'


def test_the_exercise_records_its_variant_and_sets_the_parameters_cell(kit):
    nb = nbformat.read(kit["files"][("exercise", 2)], as_version=4)
    assert nb.metadata["course"]["variant"] == 2
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and params[0].source == "variant = 2" and params[0].metadata["editable"] is False
    assert "# SOLUTION" not in nbformat.writes(nb)


def test_check_uses_the_fingerprints_of_its_own_variant(kit, monkeypatch):
    monkeypatch.chdir(kit["tmp"])
    (kit["tmp"] / f"{NAME}.ipynb").write_bytes(kit["files"][("exercise", 1)].read_bytes())
    with course_folders(kit["tmp"]):
        assert check_module.start_exercise(NAME, variant=1).ok is None
        own, other = kit["answers"][1]["q1"]["value"], kit["answers"][2]["q1"]["value"]
        assert check_module.check("q1", {"q1": own}).ok is True
        assert check_module.check("q1", {"q1": other}).ok is False
        # variant 1's file is not taken for variant 2
        assert check_module.start_exercise(NAME, variant=2).ok is False


def test_check_explains_a_chosen_wrong_option(kit, monkeypatch):
    monkeypatch.chdir(kit["tmp"])
    with course_folders(kit["tmp"]):
        check_module.start_exercise(NAME, variant=0)
        said = repr(check_module.check("q2", {"q2": "B"}))
        assert "南京的会员不少" in said and "你选的 B" in said
        assert "南京" not in repr(check_module.check("q2", {"q2": "C"}))


def test_the_header_marks_core_and_advanced(kit):
    nb = nbformat.read(kit["files"][("exercise", 1)], as_version=4)
    headers = {c.metadata["course"]["question"]: c.source for c in nb.cells
               if c.metadata.get("course", {}).get("role") == "header"}
    assert "基础" in headers["q1"] and "进阶（选做）" in headers["q4"]
    notes = [c.source for c in nb.cells if c.metadata.get("course", {}).get("question") == "q4"]
    assert any("选做" in n and "不影响" in n for n in notes)


def test_grading_follows_the_recorded_variant_and_the_roster_wins(kit):
    from course.exercises.grading.cli import grade

    tmp = kit["tmp"]
    folder = tmp / "class"
    folder.mkdir()
    files = kit["files"]
    for trainee, source in {"own0": files[("master", 0)], "own1": files[("master", 1)],
                            "own2": files[("master", 2)], "copier": files[("master", 1)],
                            "blank": files[("exercise", 2)]}.items():
        (folder / f"{trainee}.ipynb").write_bytes(source.read_bytes())
    roster = tmp / "roster.csv"
    roster.write_text("trainee,variant\ncopier,2\n", encoding="utf-8")
    with course_folders(tmp):
        results = grade(NAME, [folder], tmp / "out", workers=2, show_progress=False, no_sandbox=True,
                        roster=roster)
    by = {r["trainee"]: r for r in results}
    points = {t: {row["question"]: row["points"] for row in r["rows"]} for t, r in by.items()}
    full = {q.id: q.points for q in kit["master"].questions}
    for trainee, variant in (("own0", 0), ("own1", 1), ("own2", 2)):
        assert points[trainee] == full and by[trainee]["variant"] == variant
    assert by["copier"]["variant"] == 2
    assert points["copier"]["q1"] == 0 and points["copier"]["q2"] == 0  # the varying questions
    assert points["copier"]["q3"] == full["q3"]  # a concept question is the same for everyone
    assert sum(points["blank"].values()) == 0 and by["blank"]["variant"] == 2
    with open(tmp / "out" / "gradebook.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["question"]: r["level"] for r in rows if r["trainee"] == "own0"} == \
           {"q1": "core", "q2": "core", "q3": "core", "q4": "advanced"}
    summary = (tmp / "out" / "summary.html").read_text(encoding="utf-8")
    assert "基础题全班得分率" in summary and "进阶（选做）题全班得分率" in summary
    page = (tmp / "out" / "feedback" / "copier.html").read_text(encoding="utf-8")
    assert "第 2 号变体" in page and "基础：" in page


def test_the_grader_explains_a_chosen_wrong_option(kit):
    from course.exercises.grading.runner import RunResult
    from course.exercises.grading.score import score_run
    from course.exercises.variants import question_map

    master = kit["master"]
    q2 = next(q for q in master.questions if q.id == "q2")
    shown_b = question_map(master.name, q2, 1)["B"]  # where the master's B sits in variant 1
    run = RunResult(answers={"q2": {"type": "text", "value": shown_b}})
    nb = nbformat.read(kit["files"][("exercise", 1)], as_version=4)
    row = next(r for r in score_run(master, kit["answers"][1], nb, run, 1) if r["question"] == "q2")
    assert row["status"] == "wrong" and "南京的会员不少" in row["message"]


def test_roster_reading(tmp_path):
    good = tmp_path / "r.csv"
    good.write_text("\ufefftrainee,variant\nalice,3\nbob,0\n", encoding="utf-8")
    assert read_roster(good) == {"alice": 3, "bob": 0}
    bad = tmp_path / "bad.csv"
    bad.write_text("trainee,variant\nalice,three\n", encoding="utf-8")
    with pytest.raises(CourseError, match="第 2 行"):
        read_roster(bad)


def test_variant_helpers_are_reproducible_and_keep_variant_zero():
    assert variant_pick(["C00264", "C00952", "C01156"], 0) == "C00264"
    picks = [variant_pick(range(5), k) for k in range(1, 10)]
    assert all(a != b for a, b in zip(picks, picks[1:]))
    assert str(variant_date(0).date()) == "2025-01-01"
    assert len({variant_date(k) for k in range(1, 7)}) == 6
    shifts = [option_shift("07-rfm", "q3", k, 4) for k in range(1, 9)]
    assert all(a != b for a, b in zip(shifts, shifts[1:])) and option_shift("07-rfm", "q3", 0, 4) == 0
    with pytest.raises(CourseError, match="variant"):
        variant_pick([1, 2], -1)


def test_release_writes_one_exercise_per_trainee_from_a_roster(kit):
    from course.trainer.release import write_trainee_exercises

    tmp = kit["tmp"]
    roster = tmp / "release-roster.csv"
    roster.write_text("trainee,variant\nalice,1\nbob,2\n", encoding="utf-8")
    with course_folders(tmp):
        written = write_trainee_exercises(roster, tmp / "release", assessment=True)
    assert sorted(p.relative_to(tmp / "release").as_posix() for p in written) == \
        [f"alice/{NAME}.ipynb", f"bob/{NAME}.ipynb"]
    alice = nbformat.read(tmp / "release" / "alice" / f"{NAME}.ipynb", as_version=4)
    assert alice.metadata["course"]["variant"] == 1
    assert all(not q.get("digests") for q in alice.metadata["course"]["questions"])  # assessment: shapes only


def test_a_stable_variant_per_hub_identity():
    ids = [f"trainee{n:02d}" for n in range(60)]
    got = [stable_variant(i, 30) for i in ids]
    assert got == [stable_variant(i, 30) for i in ids] and all(1 <= v <= 30 for v in got)
    assert len(set(got)) >= 20  # spread over the variants, not one for everybody
