"""Drive the RFM explorer the same way in JupyterLab and in Voila, and hold it to the pure view."""
from __future__ import annotations

from functools import cache

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.core.i18n import t

from .pages import as_int, assert_no_tofu, screenshot, table_rows


@cache
def expected_counts(bins: int, split: str) -> list[list]:
    """(segment, customers) rows that ``explorer_view`` computes for the lesson's orders."""
    from course import load
    from course.widgets.rfm_explorer import explorer_view, prepare

    summary = explorer_view(prepare(load("orders")), None, split, bins).summary
    return [[str(s), int(c)] for s, c in zip(summary["segment"], summary["customers"])]


def shown_counts(box) -> list[list]:
    return [[row[0], as_int(row[1])] for row in table_rows(box.locator("table").first)]


def wait_for_counts(page, box, expected: list[list]) -> None:
    """Wait until the segment table shows ``expected`` (the widget's HTML updates arrive one by
    one over the comm), then compare for a readable failure."""
    try:
        page.wait_for_function(
            """([box, expected]) => {
              const table = box.querySelector('table');  // redrawn on each update: look it up anew
              if (!table) return false;
              const rows = [...table.querySelectorAll('tbody tr')].map(r =>
                [r.cells[0].textContent.trim(), parseInt(r.cells[1].textContent.replace(/[^\\d-]/g, ''), 10)]);
              return JSON.stringify(rows) === JSON.stringify(expected);
            }""",
            arg=[box.element_handle(), expected], timeout=30_000, polling=100)
    except PlaywrightTimeout:
        pass
    assert shown_counts(box) == expected


def exercise_explorer(page, box, folder, steps) -> None:
    """The explorer shows the default view; a key press on the bins slider and a new split rule
    each redraw the segment table with what the pure function computes for the new setting."""
    box.scroll_into_view_if_needed()
    box.wait_for(state="visible")
    table = box.locator("table").first
    caption = box.locator(".widget-html-content").first
    table.wait_for(state="visible")
    assert expected_counts(6, "mean") != expected_counts(5, "mean") != expected_counts(6, "median")
    wait_for_counts(page, box, expected_counts(5, "mean"))
    assert_no_tofu(page, box)
    screenshot(page, folder, "explorer-default", steps)

    # the score-bins slider, moved with the keyboard as a trainee might: 5 → 6
    before = shown_counts(box)
    box.locator(".widget-slider .noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    wait_for_counts(page, box, expected_counts(6, "mean"))
    assert shown_counts(box) != before
    assert box.locator(".widget-slider .widget-readout").first.inner_text().strip() == "6"
    screenshot(page, folder, "explorer-bins-6", steps)

    # the high/low split dropdown: mean → median changes the caption and the counts
    before = shown_counts(box)
    box.locator(".widget-dropdown select").first.select_option(label=t("rfm.explorer_split_median"))
    wait_for_counts(page, box, expected_counts(6, "median"))
    assert shown_counts(box) != before
    assert t("rfm.explorer_split_median") in caption.inner_text()
    assert_no_tofu(page, box)
    screenshot(page, folder, "explorer-median", steps)
