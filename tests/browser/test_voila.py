"""Scenario 4 (and 5): the RFM lesson served by Voila, as a trainer shows it to a room; the same
explorer interaction as in JupyterLab. Screenshots of each step, no tofu."""
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .pages import RUN_TIMEOUT, assert_no_tofu, screenshot
from .rfm_widget import exercise_explorer


def test_rfm_explorer_works_in_voila(page, voila_rfm, tmp_path, steps):
    explorer = page.locator(".widget-vbox", has=page.locator(".widget-dropdown")).first
    for attempt in (1, 2):  # Voila runs the whole lesson before the widgets show; one retry
        page.goto(voila_rfm.address("/"))
        try:
            explorer.wait_for(state="attached", timeout=RUN_TIMEOUT)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise AssertionError(f"no RFM explorer in Voila; server log:\n{voila_rfm.log_tail()}") from None
    assert page.locator(".jp-OutputArea-output pre, .output_error").filter(has_text="Traceback").count() == 0
    assert_no_tofu(page, "h1")
    screenshot(page, tmp_path, "voila-lesson", steps)
    exercise_explorer(page, explorer, tmp_path, steps)
    assert len(steps) == 4
