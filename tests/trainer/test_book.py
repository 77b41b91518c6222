"""The offline handbook: a static site (index, navigation, embedded widget state, inline images)
that renders in a real headless Chromium with every network request blocked."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import need
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course.core.paths import notebooks_dir
from course.trainer import book, browser, render

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def need_browser():
    need(browser.available())


def widget_lesson(folder: Path, name: str = "01-widget-demo.ipynb") -> Path:
    """A small lesson with a widget, a chart, a trainer note and a link to the real RFM lesson."""
    nb = new_notebook(cells=[
        new_markdown_cell("# 控件示例\n\n下一节见 [RFM](07-rfm.ipynb)。"),
        new_markdown_cell("**讲师提示** · 这句话学员看不到", metadata={"tags": ["trainer-note"]}),
        new_code_cell("import ipywidgets as widgets\nwidgets.IntSlider(value=7, min=1, max=10, description='评分档数')"),
        new_markdown_cell("## 图表"),
        new_code_cell("from course.core.plotting import bar_chart\nbar_chart(['甲', '乙'], [3, 5], title='示例图')"),
    ], metadata={"kernelspec": KERNELSPEC, "course": {"module": "M01", "title": "控件示例",
                                                      "minutes": {"讲解": 1, "练习": 1, "互动": 1, "案例": 1},
                                                      "objectives": ["看到控件"], "exercise": None}})
    path = folder / name
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    lessons = tmp_path_factory.mktemp("lessons")
    demo = widget_lesson(lessons)
    rfm = lessons / "07-rfm.ipynb"
    shutil.copy2(notebooks_dir() / "07-rfm.ipynb", rfm)
    out = tmp_path_factory.mktemp("book")
    pages = book.build([demo, rfm], out, log=lambda *_: None)
    return out, pages


def test_site_layout(site):
    out, pages = site
    assert [p.name for p in pages] == ["index.html", "01-widget-demo.html", "07-rfm.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "01-widget-demo.html" in index and "07-rfm.html" in index and "看到控件" in index
    assert (out / "static" / "widgets" / "embed.js").exists()
    assert (out / "static" / render.FONT_FILE).stat().st_size > 10_000
    assert (out / "exercises" / "07-rfm.ipynb").exists()


def test_pages_have_navigation_widget_state_images_and_no_notes(site):
    out, _ = site
    demo = (out / "01-widget-demo.html").read_text(encoding="utf-8")
    rfm = (out / "07-rfm.html").read_text(encoding="utf-8")
    assert re.search(r'href=.07-rfm.html. rel=.next.', demo) and re.search(r'href=.01-widget-demo.html. rel=.prev.', rfm)
    assert 'href="07-rfm.html"' in demo  # the lesson link now points at the page
    for page in (demo, rfm):
        assert "application/vnd.jupyter.widget-state+json" in page
        assert "data:image/png;base64," in page
        assert "讲师提示" not in render.page_text(page)
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', demo, re.S)
    models = json.loads(state.group(1))["state"]
    assert any(m["state"].get("value") == 7 for m in models.values())


def test_every_local_reference_resolves_and_nothing_is_remote(site):
    out, pages = site
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert render.remote_urls(text) == [], page.name
        for url in render.loaded_urls(text):
            assert (page.parent / url).resolve().exists(), (page.name, url)
        for link in re.findall(r"href=['\"]([^'\"#]+)['\"]", text):
            if not re.match(r"^[a-z]+:", link):
                assert (page.parent / link).exists(), (page.name, link)


def test_font_covers_every_character_on_the_pages(site):
    from fontTools.ttLib import TTFont

    out, pages = site
    cmap = TTFont(str(out / "static" / render.FONT_FILE)).getBestCmap()
    text = "".join(render.page_text(p.read_text(encoding="utf-8")) for p in pages)
    missing = {c for c in text if "\u4e00" <= c <= "\u9fff" and ord(c) not in cmap}
    assert missing == set()


def test_renders_offline_in_chromium(site):
    need_browser()
    out, _ = site
    with browser.browser() as instance:
        for name, widget_class in (("01-widget-demo.html", ".widget-slider"), ("07-rfm.html", ".widget-dropdown")):
            requests, errors = [], []
            with browser.offline_page(instance, requests) as page:
                page.on("pageerror", lambda e: errors.append(str(e)))  # noqa: B023 (this page only)
                page.goto((out / name).as_uri(), wait_until="load")
                page.wait_for_selector(widget_class, timeout=20_000)  # the embed manager drew the widget
                assert page.evaluate("document.fonts.check('16px CourseCJK', '客户价值')")
                assert page.evaluate("[...document.fonts].some(f => f.family === 'CourseCJK' && f.status === 'loaded')")
                images = page.evaluate("[...document.images].map(i => i.naturalWidth)")
                assert images and all(w > 0 for w in images), (name, images)
                if name == "01-widget-demo.html":
                    assert page.locator(".widget-readout").first.inner_text().strip() == "7"
                    page.click("a[rel=next]")
                    page.wait_for_url("**/07-rfm.html")
            assert errors == []
            assert requests and all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests


def test_offline_check_catches_a_cdn_page(tmp_path):
    """The browser test can fail: a page that loads a script from a CDN is caught."""
    need_browser()
    page_file = tmp_path / "cdn.html"
    page_file.write_text("<!doctype html><script src='https://cdn.jsdelivr.net/npm/x.js'></script><p>x</p>",
                         encoding="utf-8")
    assert render.remote_urls(page_file.read_text(encoding="utf-8"))
    requests = []
    with browser.browser() as instance, browser.offline_page(instance, requests) as page:
        page.goto(page_file.as_uri(), wait_until="load")
    assert any(u.startswith("https://cdn.jsdelivr.net") for u in requests)


def test_cli_rejects_an_unknown_lesson(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course", "book", "--only", "99-nothing", "--out", str(tmp_path)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 2 and "07-rfm" in done.stderr


def test_each_saved_widget_is_labelled_a_still_picture(site):
    """The book's widgets do not recalculate; a note above each says so and how to use it live."""
    from course.core.i18n import t

    out, _ = site
    demo = render.page_text((out / "01-widget-demo.html").read_text(encoding="utf-8"))
    assert demo.count(t("book.still_widget")) == 1  # one widget, one note; the chart gets none
    rfm = render.page_text((out / "07-rfm.html").read_text(encoding="utf-8"))
    assert t("book.still_widget") in rfm
