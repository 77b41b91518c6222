"""Handouts that hold up: on the real RFM lesson no slide runs off the screen and no table is cut off
the printed page — measured in a real Chromium (print media, A4 width for the PDF)."""
from __future__ import annotations

import pytest
from conftest import need
from nbformat.v4 import new_markdown_cell, new_notebook

from course.core.paths import notebooks_dir
from course.trainer import browser, handouts, render

A4_CONTENT_PX = 718  # 210 mm minus the 10 mm side margins html_to_pdf prints with, at 96 dpi


def test_a_long_section_continues_on_sub_slides():
    cells = [new_markdown_cell("## 一节很长的内容")] + [new_markdown_cell("一段说明文字。" * 40) for _ in range(6)]
    kinds = [c.metadata["slideshow"]["slide_type"] for c in render._slide_types(new_notebook(cells=cells)).cells]
    assert kinds[0] == "slide" and "subslide" in kinds[1:]
    short = render._slide_types(new_notebook(cells=[new_markdown_cell("## 短"), new_markdown_cell("一句话")])).cells
    assert [c.metadata["slideshow"]["slide_type"] for c in short] == ["slide", "-"]


@pytest.fixture(scope="module")
def rfm(tmp_path_factory):
    need(browser.available())
    out = tmp_path_factory.mktemp("handouts")
    written = handouts.build([notebooks_dir() / "07-rfm.ipynb"], out, pdf=False, log=lambda *_: None)
    return written


def test_no_slide_overflows_the_screen(rfm):
    with browser.browser() as instance, browser.offline_page(instance) as page:
        page.set_viewport_size({"width": 1100, "height": 760})
        page.goto(rfm["slides"][0].as_uri(), wait_until="load")
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=30_000)
        page.wait_for_timeout(1500)  # widgets and images laid out
        heights = page.evaluate("""() => Reveal.getSlides().map(s => {
            const i = Reveal.getIndices(s); Reveal.slide(i.h, i.v);
            return [i.h + '/' + (i.v || 0), s.scrollHeight, (s.innerText || '').slice(0, 40)]; })""")
    assert len(heights) >= 10
    tall = [h for h in heights if h[1] > render.SLIDE_HEIGHT]
    assert not tall, f"slides taller than {render.SLIDE_HEIGHT}px: {tall}"


def test_printed_tables_fit_the_page(rfm):
    with browser.browser() as instance, browser.offline_page(instance) as page:
        page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
        page.emulate_media(media="print")
        page.goto(rfm["trainee"][0].as_uri(), wait_until="load")
        page.wait_for_timeout(1000)
        widths = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output table')].map(t =>
            [Math.round(t.getBoundingClientRect().right), t.querySelector('th') ? t.querySelector('th').innerText : ''])""")
    assert widths, "the RFM handout shows tables"
    cut = [w for w in widths if w[0] > A4_CONTENT_PX + 1]
    assert not cut, f"tables wider than the printed page: {cut}"
