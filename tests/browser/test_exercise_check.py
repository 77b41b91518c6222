"""Scenario 3 (and 5): in an exercise opened in JupyterLab, a wrong answer gets the Chinese ❌ with
hint 1 from the exercise, a right one gets ✅. Screenshots of each step, no tofu."""
import json

from course.core.i18n import t
from course.exercises.master import SOLUTION_LINE, read_master

from .conftest import REPO
from .pages import assert_no_tofu, code_cell, open_in_lab, replace_source, run_cell, screenshot

EXERCISE = "07-rfm"


def _question(qid: str) -> dict:
    meta = json.loads((REPO / "exercises" / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))["metadata"]
    return next(q for q in meta["course"]["questions"] if q["id"] == qid)


def _solution(qid: str) -> str:
    """The master's one-line answer to ``qid``, without its marker (what a trainee would type)."""
    master = read_master(REPO / "solutions" / f"{EXERCISE}.ipynb")
    question = next(q for q in master.questions if q.id == qid)
    line = next(line for line in question.solution_code().splitlines() if SOLUTION_LINE.match(line))
    return SOLUTION_LINE.match(line).group("body")


def _feedback(cell) -> str:
    output = cell.locator(".jp-OutputArea-output").last
    output.wait_for(state="attached")
    return output.text_content()


def test_check_says_wrong_with_a_hint_then_right(page, lab, tmp_path, steps):
    hints = _question("q1")["hints"]
    open_in_lab(page, lab, f"exercises/{EXERCISE}.ipynb")
    run_cell(page, code_cell(page, "variant = 0"))  # the exercise's parameters cell
    setup = code_cell(page, f'start_exercise("{EXERCISE}"')
    run_cell(page, setup)
    assert "07-rfm" in _feedback(setup)
    screenshot(page, tmp_path, "exercise-started", steps)

    answer, check = code_cell(page, "q1 = ..."), code_cell(page, 'check("q1")')
    run_cell(page, code_cell(page, "customer = variant_pick"))  # the provided cell that picks the customer
    replace_source(page, answer, "q1 = -1\nq1")
    run_cell(page, answer)
    run_cell(page, check)
    wrong = _feedback(check)
    assert wrong.startswith("❌") and t("check.failed", id="q1") in wrong, wrong
    assert t("check.hint", level=1, text=hints[0]) in wrong, wrong
    assert t("check.hint", level=2, text=hints[1]) not in wrong  # hint 2 only after a second miss
    assert_no_tofu(page, check.locator(".jp-OutputArea-output").last)
    screenshot(page, tmp_path, "q1-wrong-with-hint", steps)

    replace_source(page, answer, f"{_solution('q1')}\nq1")
    run_cell(page, answer)
    run_cell(page, check)
    right = _feedback(check)
    assert right.startswith("✅") and t("check.passed", id="q1") in right, (right, answer.inner_text())
    assert_no_tofu(page, check.locator(".jp-OutputArea-output").last)
    screenshot(page, tmp_path, "q1-right", steps)
    assert len(steps) == 3
