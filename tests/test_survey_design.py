"""Questionnaire checker: each flaw is found where it is, and not where it only seems to be."""
from __future__ import annotations

import pytest

from course.core.i18n import CourseError
from course.survey_design import check_survey, issue_counts, parse_survey, question_issues, scale_balance


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.mark.parametrize("question, issue", [
    ("难道您不觉得我们的服务很好吗？", "leading"),
    ("您对我们贴心的售后服务满意吗？", "leading"),
    ("您对送货速度和安装质量满意吗？", "double_barrelled"),
    ("您对客服的态度、专业能力满意吗？", "double_barrelled"),
    ("您是否每次都在门店购买？", "absolute"),
    ("您是否不同意我们不应该涨价？", "double_negative"),
    ("考虑到近来原材料价格上涨以及物流成本增加等诸多因素您认为我们目前的定价水平在同类商家中处于什么位置？", "too_long"),
])
def test_flaw_found(question, issue):
    assert issue in question_issues(question)


@pytest.mark.parametrize("question", ["送货是否及时？", "安装师傅是否和蔼可亲？", "您对安装服务满意吗？"])
def test_words_that_only_contain_a_conjunction_are_fine(question):
    # 及时 and 和蔼 contain 及 / 和 but join nothing: word segmentation keeps them whole
    assert question_issues(question) == []


def test_scale_balance():
    assert scale_balance(["非常满意", "满意", "一般", "不满意", "非常不满意"]) == (2, 2)
    assert scale_balance(["非常满意", "满意", "比较满意", "不满意"]) == (3, 1)
    assert "unbalanced_scale" in question_issues("您对安装服务满意吗？", ["非常满意", "满意", "比较满意", "不满意"])
    assert question_issues("您对安装服务满意吗？", ["非常满意", "满意", "一般", "不满意", "非常不满意"]) == []


def test_parse_and_check_a_draft():
    draft = "1. 您对安装服务满意吗？ | 满意 / 一般 / 不满意\n\n2、您还希望增加哪些服务？\n"
    assert parse_survey(draft) == [("您对安装服务满意吗？", ["满意", "一般", "不满意"]),
                                   ("您还希望增加哪些服务？", [])]
    checked = check_survey("您对送货速度和安装质量满意吗？ | 满意 / 不满意\n您是否每次都在门店购买？")
    assert checked["issues"].tolist() == [["double_barrelled"], ["absolute"]]
    assert "拆成两道题" in checked["advice"].iloc[0]
    counts = issue_counts(checked)
    assert counts["一题两问"] == 1 and counts["绝对化用词"] == 1 and counts["引导性提问"] == 0


@pytest.mark.parametrize("bad", ["", "  \n ", 42])
def test_empty_or_not_text(bad):
    with pytest.raises(CourseError):
        check_survey(bad)
