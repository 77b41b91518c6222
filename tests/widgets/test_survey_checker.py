"""Survey checker widget: the pure view and the button that re-checks the text."""
from __future__ import annotations

import pytest

from course.widgets.survey_checker import SAMPLE, survey_checker, survey_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_view_of_the_sample():
    view = survey_view(SAMPLE)
    assert len(view.checked) == 5 and "共 5 道题" in view.caption
    flagged = int(view.checked["issues"].map(bool).sum())
    assert f"{flagged} 道发现问题" in view.caption and flagged >= 3
    assert view.chart_html.count("<tr>") == 1 + 5
    assert "一题两问" in view.chart_html and "未发现常见问题" in view.chart_html


def test_button_rechecks_and_errors_stay_in_the_caption():
    box = survey_checker()
    assert box.view is not None
    box.text.value = "您对安装服务满意吗？ | 非常满意 / 满意 / 一般 / 不满意 / 非常不满意"
    box.button.click()
    assert box.view.checked["issues"].tolist() == [[]]
    box.text.value = "   "
    box.button.click()
    assert box.view is None and "空的" in box.caption.value
