"""Masters → exercises: the master format, solution stripping, and the sync check CI relies on."""
import json
import subprocess
import sys

import nbformat
import pytest
from conftest import REPO

from course.core.i18n import CourseError
from course.exercises.assign import build_exercise, exercise_path, masters, problems_in_sync, render
from course.exercises.master import read_master, strip_solution
from course.exercises.reference import read_answers

PROMPT = "在这里写你的代码"


def test_solution_lines_become_blank_answers():
    source = 'x = 1\nq1 = orders["amount"].sum()  # SOLUTION\nprint(q1)'
    assert strip_solution(source, PROMPT, "q1") == f"x = 1\nq1 = ...  # {PROMPT}\nprint(q1)"
    assert strip_solution("helper = 2  # SOLUTION\nq1", PROMPT, "q1") == f"helper = ...  # {PROMPT}\nq1"
    assert strip_solution("print('x')  # SOLUTION", PROMPT, "q1") == ""


def test_solution_blocks_keep_indentation_and_the_answer_slot():
    source = "if True:\n    # BEGIN SOLUTION\n    a = 1\n    q2 = a\n    # END SOLUTION\nq2"
    assert strip_solution(source, PROMPT, "q2") == f"if True:\n    # {PROMPT}\n    q2 = ...\nq2"
    assert strip_solution("# BEGIN SOLUTION\nz = 1\n# END SOLUTION", PROMPT, "q2") == f"# {PROMPT}"


def _master(tmp_path, header: str, code: str = "q1 = 1  # SOLUTION"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_raw_cell("# BEGIN QUESTION\n" + header), nbformat.v4.new_code_cell(code)]
    path = tmp_path / "98-bad.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("header, words", [
    ("id: x1\npoints: 1\nkind: number\nhints: [a, b]", "题号"),
    ("id: q1\npoints: 1\nkind: essay\nhints: [a, b]", "number"),
    ("id: q1\npoints: 0\nkind: number\nhints: [a, b]", "points"),
    ("id: q1\npoints: 1\nkind: number\nhints: [a]", "两级提示"),
    ("id: q1\npoints: 1\nkind: table\nhints: [a, b]", "columns"),
    ("id: q1\npoints: 1\nkind: number\nhint: [a, b]\nhints: [a, b]", "hint"),
    ("id: q1\npoints: [1\n", "YAML"),
])
def test_bad_masters_get_a_chinese_reason(tmp_path, header, words):
    with pytest.raises(CourseError) as error:
        read_master(_master(tmp_path, header))
    assert words in str(error.value)


def test_master_without_solution_is_refused(tmp_path):
    with pytest.raises(CourseError, match="SOLUTION"):
        read_master(_master(tmp_path, "id: q1\npoints: 1\nkind: number\nhints: [a, b]", "q1 = 1"))


def test_every_master_has_a_generated_exercise_in_sync():
    found = masters()
    assert found, "no master exercises found in solutions/"
    for path in found:
        assert problems_in_sync(path) == [], path.name


def test_assign_check_command_passes_and_fails(tmp_path):
    check = [sys.executable, "-m", "course", "assign", "--check"]
    assert subprocess.run(check, cwd=REPO, capture_output=True).returncode == 0
    # a copy of the exercises with one edited by hand must be reported out of sync
    copy_dir = tmp_path / "exercises"
    copy_dir.mkdir()
    for path in masters():
        text = exercise_path(path.stem).read_text(encoding="utf-8")
        (copy_dir / f"{path.stem}.ipynb").write_text(text.replace("check(", "check (", 1), encoding="utf-8")
    result = subprocess.run(check, cwd=REPO, capture_output=True, text=True,
                            env={**__import__("os").environ, "COURSE_EXERCISES_DIR": str(copy_dir)})
    assert result.returncode == 1 and "assign" in result.stderr


def test_exercise_hides_solutions_and_reference_values():
    for path in masters():
        master = read_master(path)
        stored = read_answers(master.name)
        text = render(build_exercise(master, stored))
        for question in master.questions:
            for cell in question.cells:
                for line in cell.source.splitlines():
                    if line.rstrip().endswith("# SOLUTION"):
                        assert line not in text
            answer = stored["answers"][question.id]
            if answer["type"] == "number" and not float(answer["value"]).is_integer():
                assert f"{answer['value']:.3f}" not in text  # the value as a solution would print it
        meta = json.loads(text)["metadata"]["course"]
        assert [q["id"] for q in meta["questions"]] == master.question_ids
        assert all(len(q["hints"]) == 2 and q["digests"] is not None for q in meta["questions"])
        cells = json.loads(text)["cells"]
        assert ["".join(c["source"]) for c in cells if c["metadata"].get("course", {}).get("role") == "check"] == \
               [f'check("{q}")' for q in master.question_ids]


def test_answer_cells_say_what_to_type_core_a_value_advanced_code():
    from course.core.i18n import t
    from course.exercises.assign import CORE_PROMPTS

    seen = set()
    for path in masters():
        master = read_master(path)
        nb = build_exercise(master, read_answers(master.name))
        for question in master.questions:
            answers = [c.source for c in nb.cells if c.metadata.get("course", {}).get("question") == question.id
                       and c.metadata["course"]["role"] == "answer"]
            kind = question.spec["kind"]
            wanted = t(CORE_PROMPTS[kind]) if question.level == "core" and kind in CORE_PROMPTS else PROMPT
            assert answers and all(wanted in a for a in answers), (path.stem, question.id, answers)
            seen.add((question.level, kind))
    assert {("core", "number"), ("core", "choice"), ("advanced", "number")} <= seen
