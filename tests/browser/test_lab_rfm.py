"""Scenario 1 (and 5): from the start page to the RFM lesson in JupyterLab, Run All, move the
explorer's controls, and see the segment table follow; screenshots of each step, no tofu."""
import os

from .conftest import CHROMIUM, CHROMIUM_FLAGS
from .pages import NOTEBOOK, assert_no_tofu, glyph_report, open_in_lab, run_all, screenshot, wait_for_notebook
from .rfm_widget import exercise_explorer


def test_start_page_link_leads_to_a_working_rfm_explorer(page, lab, tmp_path, steps):
    open_in_lab(page, lab, "notebooks/00-start.ipynb")
    link = page.locator(f'{NOTEBOOK} .jp-RenderedMarkdown a[href*="notebooks/07-rfm.ipynb"]').first
    link.wait_for(state="attached")
    assert_no_tofu(page, f"{NOTEBOOK} .jp-MarkdownCell .jp-RenderedMarkdown")
    screenshot(page, tmp_path, "start-page", steps)

    link.scroll_into_view_if_needed()
    link.click()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current", has_text="07-rfm.ipynb").wait_for()
    wait_for_notebook(page, lab.root / "notebooks" / "07-rfm.ipynb")
    screenshot(page, tmp_path, "rfm-lesson-opened", steps)

    state = run_all(page)
    assert state["errors"] == [], state["errors"]
    assert state["prompts"] and all(p.startswith("[") and p[1:-2].isdigit() for p in state["prompts"]), state
    screenshot(page, tmp_path, "rfm-run-all", steps)

    box = page.locator(f"{NOTEBOOK} .widget-vbox", has=page.locator(".widget-dropdown")).first
    exercise_explorer(page, box, tmp_path, steps)
    assert len(steps) == 6 and all(p.parent == tmp_path for p in steps)


def test_the_tofu_check_can_fail(page):
    """The glyph check flags characters that no installed font has (unassigned code points)."""
    page.set_content("<p id='t'>客户关系 ✅\u0378\u0379</p>")
    report = glyph_report(page, "#t")
    assert set(report["tofu"]) == {"\u0378", "\u0379"}, report


def test_the_tofu_check_sees_a_missing_cjk_font(chromium, tmp_path):
    """A chromium that can see no fonts at all draws Chinese as tofu, and the check says so."""
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                      f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>", encoding="utf-8")
    fontless = chromium.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS,
                                            env={**os.environ, "FONTCONFIG_FILE": str(config)})
    try:
        page = fontless.new_page()
        page.set_content("<p id='t'>客户关系维护 ❌</p>")
        report = glyph_report(page, "#t")
    finally:
        fontless.close()
    assert set(report["tofu"]) >= set("客户关系维护"), report
