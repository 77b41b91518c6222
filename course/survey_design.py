"""Questionnaire design (module M14): flag the common flaws of a draft survey.

A draft is plain text, one question per line; a closed question lists its answer options after a
vertical bar, separated by slashes::

    您对送货速度和安装质量满意吗？ | 非常满意 / 满意 / 一般 / 不满意 / 非常不满意

``check_survey(text)`` returns one row per question with the flaws found. The rules are few and
transparent on purpose — trainees should be able to say why each flag was raised:

* leading (引导性): wording that tells the respondent what to think (难道, 大家都, 贴心的 …);
* double-barrelled (一题两问): two things joined by 和 / 与 / 以及 … or a 、 list — answered with one
  tick, the answer means neither;
* unbalanced scale (量表不平衡): more positive than negative options, or the reverse;
* absolute words (绝对化): 总是 / 从不 / 每次 … force a false yes or no;
* double negative (双重否定): two negations in one question;
* too long (题干过长): more than ``MAX_CHARS`` characters.

Why jieba: the conjunction and word rules work on words, not characters — 及时 and 和蔼 contain 及
and 和 but join nothing; segmenting first avoids those false alarms.
"""
from __future__ import annotations

import re

import pandas as pd

from course.core.i18n import CourseError, t

ISSUES = ("leading", "double_barrelled", "unbalanced_scale", "absolute", "double_negative", "too_long")
MAX_CHARS = 40
LEADING_WORDS = {"难道", "众所周知", "大家", "公认", "一致认为", "肯定", "一定", "贴心", "优质", "出色", "完美",
                 "卓越", "周到", "糟糕", "多么", "是不是"}
LEADING_PHRASES = ("不觉得", "不认为", "是不是很", "对吧", "不是吗")
CONJUNCTIONS = {"和", "与", "及", "以及", "并且", "而且", "同时", "跟", "并"}
ABSOLUTES = {"总是", "从不", "从来", "所有", "每次", "一直", "永远", "绝对", "全部"}
NEGATIONS = {"不", "没", "没有", "未", "非", "别", "无", "不是", "不要"}
NEGATIVE_MARKS = ("不", "差", "没", "低", "失望", "反对")
POSITIVE_MARKS = ("满意", "好", "同意", "高", "喜欢", "愿意", "推荐", "优", "赞成")
_SPLIT_OPTIONS = re.compile(r"\s*[/／]\s*")


def _tokens(text: str) -> list[str]:
    import jieba

    from course.voc import load_segmenter

    load_segmenter()
    return [w for w in jieba.lcut(text) if w.strip()]


def parse_survey(text: str) -> list[tuple[str, list[str]]]:
    """(question, options) for every non-empty line; options are empty for an open question."""
    if not isinstance(text, str):
        raise CourseError("survey_design.not_text", kind=type(text).__name__)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        question, _, options = line.replace("｜", "|").partition("|")
        opts = [o for o in _SPLIT_OPTIONS.split(options.strip()) if o] if options.strip() else []
        out.append((re.sub(r"^\s*\d+\s*[.、．)]\s*", "", question.strip()), opts))
    if not out:
        raise CourseError("survey_design.empty")
    return out


def scale_balance(options: list[str]) -> tuple[int, int]:
    """(positive options, negative options) of a scale; neutral ones (一般, 说不清 …) count in neither."""
    negative = sum(any(m in o for m in NEGATIVE_MARKS) for o in options)
    positive = sum(any(m in o for m in POSITIVE_MARKS) and not any(m in o for m in NEGATIVE_MARKS)
                   for o in options)
    return positive, negative


def question_issues(question: str, options: list[str] | None = None) -> list[str]:
    """The issue codes (see ``ISSUES``) of one question, in ``ISSUES`` order."""
    options = options or []
    words = _tokens(question)
    found = set()
    if LEADING_WORDS & set(words) or any(p in question for p in LEADING_PHRASES):
        found.add("leading")
    if CONJUNCTIONS & set(words) or "、" in question:
        found.add("double_barrelled")
    if len(options) >= 2:
        positive, negative = scale_balance(options)
        if positive + negative and positive != negative:
            found.add("unbalanced_scale")
    if ABSOLUTES & set(words):
        found.add("absolute")
    if sum(w in NEGATIONS for w in words) >= 2:
        found.add("double_negative")
    if len(question) > MAX_CHARS:
        found.add("too_long")
    return [code for code in ISSUES if code in found]


def check_survey(text: str) -> pd.DataFrame:
    """One row per question: number, question, options, issues (codes) and advice (Chinese)."""
    rows = []
    for number, (question, options) in enumerate(parse_survey(text), start=1):
        codes = question_issues(question, options)
        rows.append({"number": number, "question": question, "options": " / ".join(options),
                     "issues": codes, "advice": "；".join(t(f"survey_design.advice_{c}") for c in codes)})
    return pd.DataFrame(rows, columns=["number", "question", "options", "issues", "advice"])


def issue_counts(checked: pd.DataFrame) -> pd.Series:
    """How many questions show each issue (every issue listed, zeros included), by Chinese name."""
    counts = {t(f"survey_design.issue_{c}"): int(checked["issues"].map(lambda x, c=c: c in x).sum())
              for c in ISSUES}
    return pd.Series(counts, name="questions")


__all__ = ["ISSUES", "check_survey", "issue_counts", "parse_survey", "question_issues", "scale_balance"]
