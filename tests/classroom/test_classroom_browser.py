"""A trainee in Chromium joins with the class code, answers, checks and hands in an exercise; the
trainer's dashboard (a second browser context) shows it within 2 s. Screenshots of both are kept
(in the test's tmp folder, and in COURSE_SCREENSHOTS_DIR when set: the README's pictures)."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import EXERCISE, REPO, need

from course.classroom.names import account_name
from course.classroom.simulate import literal
from course.exercises.reference import read_answers

sys.path.insert(0, str(REPO / "tests"))
from browser.pages import code_cell, replace_source, run_all, run_cell, wait_for_notebook  # noqa: E402

CHROMIUM = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
NAME, PIN, QUESTION = "王小明", "2468", "q7"


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("the Python package playwright is missing")
    need(None if Path(CHROMIUM).is_file() else f"no chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


def keep(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("COURSE_SCREENSHOTS_DIR"):
        folder = Path(os.environ["COURSE_SCREENSHOTS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name)


def test_trainee_submits_and_dashboard_shows_it(classroom, chromium, tmp_path):
    account = account_name(NAME)
    trainer_ctx = chromium.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    trainee_ctx = chromium.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    trainee_ctx.set_default_timeout(120_000)
    try:
        board = trainer_ctx.new_page()
        board.goto(f"{classroom.url}/hub/login")
        board.fill("#username_input", "trainer")
        board.fill("#password_input", classroom.trainer_password)
        board.click("#login_submit")
        board.wait_for_url("**/services/classroom/**")
        board.goto(f"{classroom.url}/services/classroom/?exercise={EXERCISE}")
        board.wait_for_selector("#grid tr")

        page = trainee_ctx.new_page()
        page.goto(f"{classroom.url}/hub/login")
        assert "班级口令" in page.inner_text("form")
        page.fill("#username_input", NAME)
        page.fill("#password_input", "wrong-code")
        page.fill("#pin_input", PIN)
        page.click("#login_submit")
        assert "班级口令不对" in page.inner_text("#login_error")
        page.fill("#username_input", NAME)
        page.fill("#password_input", classroom.code)
        page.fill("#pin_input", PIN)
        keep(page, tmp_path, "classroom-join")
        page.click("#login_submit")
        page.wait_for_url(f"**/user/{account}/lab/**", timeout=180_000)

        notebook = classroom.state / "homes" / account / "exercises" / f"{EXERCISE}.ipynb"
        page.goto(f"{classroom.url}/user/{account}/lab/tree/exercises/{EXERCISE}.ipynb?reset")
        wait_for_notebook(page, notebook, timeout=180_000)
        ran = run_all(page, timeout=180_000)  # the variant cell, the setup cell, every check
        assert not ran["errors"], ran["errors"]
        variant = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["course"].get("variant", 0)
        answer = read_answers(EXERCISE, variant)  # the trainee's own variant's answer (issue 19)
        cell = code_cell(page, f"{QUESTION} = ...")
        replace_source(page, cell, f"{QUESTION} = {literal(answer['answers'][QUESTION])}")
        run_cell(page, cell)
        check = code_cell(page, f'check("{QUESTION}")')
        run_cell(page, check)
        assert check.locator(".jp-OutputArea-output").last.text_content().startswith("✅")

        row = f'#grid tr:has(td.name:text-is("{NAME}"))'
        board.locator(row).wait_for(timeout=5000)
        cells = board.locator(row).locator("td")
        headers = board.locator("#grid tr").first.locator("th").all_text_contents()
        board.wait_for_function(
            "([name, col]) => [...document.querySelectorAll('#grid tr')].some(r => r.children[0] &&"
            " r.children[0].textContent === name && r.children[col].textContent === '✅')",
            arg=[NAME, headers.index(QUESTION)], timeout=2000)

        before = notebook.stat().st_mtime
        page.keyboard.press("Control+s")
        for _ in range(300):  # wait for the save to reach the disk
            if notebook.stat().st_mtime != before:
                break
            page.wait_for_timeout(100)
        submit = code_cell(page, "submit()")
        run_cell(page, submit)
        said = submit.locator(".jp-OutputArea-output").last.text_content()
        assert "已交作业" in said, said
        keep(page, tmp_path, "classroom-trainee-submitted")
        board.wait_for_function(
            "([name, col]) => [...document.querySelectorAll('#grid tr')].some(r => r.children[0] &&"
            " r.children[0].textContent === name && r.children[col].textContent.startsWith('✅'))",
            arg=[NAME, headers.index("已交作业")], timeout=2000)
        assert cells.count() > 0
        keep(board, tmp_path, "classroom-dashboard")
    finally:
        trainee_ctx.close()
        trainer_ctx.close()
