"""Handouts, slides and the trainer's copy: trainer notes only in the trainer's copy, every page
offline, slides driven by a local reveal.js, a PDF when Chromium is there."""
from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import need
from test_book import widget_lesson

from course.trainer import browser, handouts, render


def need_browser():
    need(browser.available())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    lesson = widget_lesson(tmp_path_factory.mktemp("lessons"))
    out = tmp_path_factory.mktemp("handouts")
    written = handouts.build([lesson], out, pdf=browser.available() is None, log=lambda *_: None)
    return out, written


def test_trainer_notes_only_in_the_trainers_copy(built):
    out, written = built
    trainee = written["trainee"][0].read_text(encoding="utf-8")
    slides = written["slides"][0].read_text(encoding="utf-8")
    trainer = written["trainer"][0].read_text(encoding="utf-8")
    note = "这句话学员看不到"
    assert note not in render.page_text(trainee) and note not in render.page_text(slides)
    assert note in render.page_text(trainer) and "celltag_trainer-note" in trainer
    assert "data:image/png;base64," in trainee and "评分档数" in trainee


def test_pages_load_nothing_remote_and_local_files_exist(built):
    out, written = built
    for page in written["trainee"] + written["slides"] + written["trainer"]:
        text = page.read_text(encoding="utf-8")
        assert render.remote_urls(text) == [], page
        assert render.loaded_urls(text), page
        for url in render.loaded_urls(text):
            assert (page.parent / url).resolve().exists(), (page.name, url)


def test_slides_are_split_at_headings(built):
    _, written = built
    slides = written["slides"][0].read_text(encoding="utf-8")
    assert slides.count("<section") >= 2
    assert "reveal/dist/reveal.js" in slides and "unpkg.com" not in slides


def test_pdf_handout(built):
    need_browser()
    _, written = built
    [pdf] = written["pdf"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000
    assert b"/Font" in data  # the text is real text (with its embedded CJK font), not only pictures


def test_slides_run_offline_in_chromium(built):
    need_browser()
    _, written = built
    requests, errors = [], []
    with browser.browser() as instance, browser.offline_page(instance, requests) as page:
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(written["slides"][0].as_uri(), wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=20_000)
        assert page.evaluate("Reveal.getTotalSlides()") >= 2
        page.keyboard.press("ArrowRight")
        assert page.evaluate("Reveal.getIndices().h") == 1
        page.wait_for_selector(".widget-slider", timeout=20_000)
    assert errors == []
    assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests


def test_cli_without_execution_is_quick_and_complete(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course", "handouts", "07-rfm", "--no-execute", "--no-pdf",
                           "--out", str(tmp_path)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "trainee" / "07-rfm.html").exists()
    assert (tmp_path / "slides" / "07-rfm.slides.html").exists()
    assert (tmp_path / "trainer" / "07-rfm.html").exists()
    assert "讲师提示" not in render.page_text((tmp_path / "trainee" / "07-rfm.html").read_text(encoding="utf-8"))
    assert "讲师提示" in render.page_text((tmp_path / "trainer" / "07-rfm.html").read_text(encoding="utf-8"))
