"""Fixtures for the browser tests: a JupyterLab and a Voila server over a copy of the lessons, and
Debian's chromium driven by Playwright (never a browser that Playwright downloads).

Without chromium or the playwright package the tests skip with the reason; with CI=true they fail.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import need

from . import servers

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# DESIGN.md "Known traps": what headless Debian chromium needs in a container, and nothing that phones home
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (.venv/bin/pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"no chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk; .ci/run does this)"
    return None


# package scope, not session: Playwright's sync API keeps an event loop running in this thread
# while it is open, which would break every later test that runs asyncio (the grader does)
@pytest.fixture(scope="package")
def chromium():
    """A headless chromium; skips outside CI when it cannot be had, fails in CI."""
    need(_missing_browser())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


@pytest.fixture
def page(chromium, request, tmp_path):
    """A fresh browser context (no shared storage) and page, in a Chinese locale. A failed test
    leaves ``failure.png`` in its tmp folder."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "browser_call_failed", False):
        try:
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"screenshot of the failure: {tmp_path / 'failure.png'}")
        except Exception:  # noqa: BLE001 - the page may be gone; the failure itself is reported
            pass
    context.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """A copy of the lessons and exercises: the browser edits and autosaves these, never the repo."""
    root = tmp_path_factory.mktemp("site")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    for folder in ("notebooks", "exercises"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    return root


@pytest.fixture(scope="package")
def lab(chromium, site, tmp_path_factory):
    """JupyterLab on a free loopback port with a token, its Jupyter dirs under tmp."""
    server = servers.start("jupyterlab", servers.lab_argv(site), "/api/status",
                           tmp_path_factory.mktemp("lab-home"), cwd=site)
    yield server
    server.stop()


@pytest.fixture(scope="package")
def voila_rfm(chromium, site, tmp_path_factory):
    """Voila serving the RFM lesson, as a trainer would show it to a room."""
    server = servers.start("voila", servers.voila_argv(site / "notebooks" / "07-rfm.ipynb"),
                           "/voila/static/voila.js", tmp_path_factory.mktemp("voila-home"),
                           cwd=site / "notebooks")
    yield server
    server.stop()


@pytest.fixture
def steps(tmp_path):
    """Screenshots taken by a test, in order (files in the test's tmp folder)."""
    return []
