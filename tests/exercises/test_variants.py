"""The variant contract for every exercise (issue 19). These tests pass once every master has a
``parameters`` cell and draws its data through ``variant`` (the content work of issues 15/19).

Cost: variants 1–4 of each master run once (cached in the git-ignored solutions/answers/variants/),
then five masters and one swapped copy per exercise are graded.
"""
import pytest

from course.exercises.answers import compare
from course.exercises.assign import masters, write_variant
from course.exercises.master import read_master
from course.exercises.reference import reference_answers
from course.exercises.variants import question_varies

MASTERS = masters()
IDS = [p.stem for p in MASTERS]


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_master_takes_a_variant_and_most_core_points_vary(path):
    master = read_master(path)
    assert master.parameters is not None, f"{master.name}: no cell tagged parameters with variant = 0"
    assert master.notebook.cells[master.parameters].source.strip() == "variant = 0"
    core = [q for q in master.questions if q.level == "core"]
    varying = sum(q.points for q in core if question_varies(q))
    total = sum(q.points for q in core)
    assert total and varying / total >= 0.6, f"{master.name}: only {varying:g} of {total:g} core points vary"


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_variants_1_and_2_give_different_answers_to_varying_questions(path):
    master = read_master(path)
    one, two = reference_answers(master, 1)["answers"], reference_answers(master, 2)["answers"]
    same = [q.id for q in master.questions
            if question_varies(q) and compare(q.spec, one[q.id], two[q.id]).score >= 1]
    assert not same, f"{master.name}: the same answer in variants 1 and 2 for {same}"


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_each_variant_master_grades_full_and_a_swapped_copy_loses_the_varying_questions(path, tmp_path):
    from course.exercises.grading.cli import grade

    master = read_master(path)
    folder = tmp_path / "class"
    for variant in range(5):
        write_variant(master.name, variant, folder / f"own{variant}.ipynb", as_master=True)
    (folder / "copier.ipynb").write_bytes((folder / "own1.ipynb").read_bytes())
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee,variant\ncopier,2\n", encoding="utf-8")
    results = {r["trainee"]: r for r in grade(master.name, [folder], tmp_path / "out", workers=2,
                                                show_progress=False, no_sandbox=True, roster=roster)}
    for variant in range(5):
        short = [(r["question"], r["message"]) for r in results[f"own{variant}"]["rows"]
                 if r["points"] < r["max_points"]]
        assert not short, f"{master.name} variant {variant}: master loses points on {short}"
    kept = [r["question"] for r in results["copier"]["rows"]
            if question_varies(next(q for q in master.questions if q.id == r["question"]))
            and r["points"] >= r["max_points"]]
    assert not kept, f"{master.name}: variant 1's answers still score under variant 2 on {kept}"
