"""Headless Chromium through Playwright, for PDF handouts and for the offline tests.

Uses the system Chromium (Debian ``chromium``), Chrome, or on Windows Microsoft Edge (every Windows
10/11 has it) or Chrome at their standard install paths; ``COURSE_CHROMIUM`` overrides. Playwright's
own browser download is never used. ``offline_page`` blocks every request that is not a local file, and
records what was asked for, so a test can prove a page needs no network.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """The Chromium executable, or None when there is none."""
    wanted = os.environ.get("COURSE_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome", "msedge"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in windows_candidates():
        if candidate.exists():
            return str(candidate)
    return None


def windows_candidates(environ=None) -> list[Path]:
    """Where Edge and Chrome install themselves on Windows (per machine, then per user)."""
    environ = os.environ if environ is None else environ
    roots = [environ.get(k) for k in ("PROGRAMFILES(X86)", "PROGRAMFILES", "LOCALAPPDATA")]
    tails = [("Microsoft", "Edge", "Application", "msedge.exe"),
             ("Google", "Chrome", "Application", "chrome.exe"),
             ("Chromium", "Application", "chrome.exe")]
    return [Path(root, *tail) for root in roots if root for tail in tails]


def available() -> str | None:
    """Why a browser cannot be used (a sentence for a skip reason), or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright; never `playwright install`)"
    if chromium_path() is None:
        return "no chromium executable (apt-get install chromium fonts-noto-cjk)"
    return None


@contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        instance = play.chromium.launch(executable_path=chromium_path(), args=FLAGS, headless=True)
        try:
            yield instance
        finally:
            instance.close()


@contextmanager
def offline_page(instance, requests: list[str] | None = None) -> Iterator[object]:
    """A page in a context where only file:// (and data:/blob:) requests get through.

    Every request URL goes into ``requests``; blocked ones are aborted, as with no network.
    """
    context = instance.new_context(offline=True)
    seen = requests if requests is not None else []

    def route(r):
        seen.append(r.request.url)
        if r.request.url.startswith(("file:", "data:", "blob:")):
            r.continue_()
        else:
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def html_to_pdf(html_file: Path, pdf_file: Path, wait_ms: int = 1500) -> Path:
    """Print a local page to A4 PDF, offline, after its widgets had time to render."""
    with browser() as instance, offline_page(instance) as page:
        page.goto(Path(html_file).resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(wait_ms)
        page.pdf(path=str(pdf_file), format="A4", print_background=True,
                 margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
    return pdf_file
