"""Master parsing is strict (issue 17 item 3) and the spec keys of issues 15 and 19 are validated."""
import subprocess
import sys

import nbformat
import pytest
from conftest import REPO

from course.core.i18n import CourseError
from course.exercises.master import check_markers, read_master

HEADER = "id: q1\npoints: 1\nkind: number\nlevel: core\nhints: [a, b]"


def _master(folder, code: str, header: str = HEADER, name: str = "98-bad"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 练习"), nbformat.v4.new_raw_cell("# BEGIN QUESTION\n" + header),
                nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell(code)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


UNCLOSED = "# BEGIN SOLUTION\nq1 = 1\nq1"
UNOPENED = "q1 = 1  # SOLUTION\n# END SOLUTION\nq1"
NESTED = "# BEGIN SOLUTION\na = 1\n# BEGIN SOLUTION\nq1 = a\n# END SOLUTION\n# END SOLUTION"


@pytest.mark.parametrize("code, words", [
    (UNCLOSED, "没有对应的「# END SOLUTION」"),
    (UNOPENED, "没有在它之前的「# BEGIN SOLUTION」"),
    (NESTED, "不能嵌套"),
])
def test_unbalanced_solution_markers_name_the_notebook_and_the_cell(tmp_path, code, words):
    with pytest.raises(CourseError) as error:
        read_master(_master(tmp_path, code))
    message = str(error.value)
    assert words in message and "98-bad.ipynb" in message and "第 4 个单元格" in message


def test_balanced_markers_pass():
    assert check_markers("# BEGIN SOLUTION\nq1 = 1\n# END SOLUTION\n# BEGIN SOLUTION\nz = 2\n# END SOLUTION") is None
    assert check_markers("q1 = 1  # SOLUTION") is None


@pytest.mark.parametrize("code", [UNCLOSED, UNOPENED, NESTED], ids=["unclosed", "unopened", "nested"])
def test_assign_writes_nothing_for_a_bad_master(tmp_path, code):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    _master(solutions, "q1 = 1  # SOLUTION", name="97-good")  # parses fine, but must not be written either
    _master(solutions, code)
    env = {"COURSE_SOLUTIONS_DIR": str(solutions), "COURSE_EXERCISES_DIR": str(exercises),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "course", "assign"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "98-bad.ipynb" in done.stderr and "单元格" in done.stderr
    assert not exercises.exists() or not any(exercises.iterdir())
    assert not (solutions / "answers").exists()


@pytest.mark.parametrize("extra, words", [
    ("level: expert", "level"),
    ("varies: maybe", "varies"),
    ("feedback: {E: 不对}", "feedback"),
])
def test_new_spec_keys_are_validated(tmp_path, extra, words):
    header = HEADER.replace("level: core", "") + "\n" + extra
    if "feedback" in extra:
        header = header.replace("kind: number", "kind: choice\noptions: [A, B, C, D]")
    with pytest.raises(CourseError, match=words):
        read_master(_master(tmp_path, "q1 = 1  # SOLUTION", header))


def test_record_questions_name_their_scenario(tmp_path):
    header = HEADER.replace("kind: number", "kind: record")
    with pytest.raises(CourseError, match="scenario"):
        read_master(_master(tmp_path, 'q1 = "37-1-AA"  # SOLUTION', header))
    assert read_master(_master(tmp_path, 'q1 = "x"  # SOLUTION', header + "\nscenario: angry_vip")).questions


def test_a_missing_level_is_a_warning_for_now(tmp_path):
    master = read_master(_master(tmp_path, "q1 = 1  # SOLUTION", HEADER.replace("level: core", "")))
    assert master.warnings and "level" in master.warnings[0]
    assert master.questions[0].level == "core"


def test_every_master_declares_a_level_for_every_question():
    """The content helpers' contract (issue 15): expected to fail until every master has levels."""
    from course.exercises.assign import masters

    missing = {p.stem: [q.id for q in read_master(p).questions if "level" not in q.spec] for p in masters()}
    missing = {name: ids for name, ids in missing.items() if ids}
    assert not missing, f"masters still missing level: {missing}"
