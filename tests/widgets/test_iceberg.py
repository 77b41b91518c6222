"""Tests for the complaint iceberg widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import pytest

from course.core.i18n import CourseError
from course.service_numbers import iceberg_counts
from course.widgets.iceberg import iceberg_simulator, iceberg_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_counts_and_caption():
    view = iceberg_view(2000, 0.3, 0.5, 0.1, 0.5)
    assert view.counts == iceberg_counts(2000, 0.3, 0.5, 0.1, 0.5)
    # 600 defects, 300 noticed, 30 complained, 15 handled, 270 silent → 9 per complaint
    for text in ("2,000", "600", "300", "30", "15", "9.0"):
        assert text in view.caption


def test_widths_widen_downwards_like_an_iceberg():
    view = iceberg_view()
    w = view.widths
    assert w["handled"] <= w["unhandled"] <= w["silent"] <= w["unnoticed"] == 100.0
    assert min(w.values()) >= 14.0


def test_waterline_separates_complaints_from_the_silent():
    page = iceberg_view().html
    water = page.index("水面")
    assert page.index("投诉处理妥当") < water < page.index("察觉到问题却没有投诉")
    assert page.index("投诉了，但没处理好") < water < page.index("遇到问题但自己没察觉")


def test_no_complaints_caption_and_empty_layers():
    view = iceberg_view(complain_rate=0)
    assert "没有一位投诉" in view.caption
    assert view.widths["handled"] == 0 and view.widths["unhandled"] == 0


def test_bad_rate_is_rejected():
    with pytest.raises(CourseError):
        iceberg_view(notice_rate=2)


def test_widget_updates():
    box = iceberg_simulator()
    box.controls["complain_rate"].value = 0.2
    assert box.view.counts["complained"] == pytest.approx(1000 * 0.25 * 0.8 * 0.2)
    assert box.picture.value == box.view.html
