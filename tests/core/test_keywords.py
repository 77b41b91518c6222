"""A misspelled keyword to a door function: a Chinese CourseError (also a TypeError) listing the
valid keywords, in plain Python; signatures and help() unchanged; right calls unchanged."""
from __future__ import annotations

import importlib
import inspect
import pydoc
import re

import pandas as pd
import pytest

import course
from course.core.i18n import CourseError
from course.core.keywords import KeywordError, checked, keyword_names, original

HAN = re.compile(r"[\u4e00-\u9fff]")
# door functions that take **kwargs and forward them (their owners check the names, or not yet)
TAKES_ANY_KEYWORD = {"abc_classes", "churn_reduction_value", "retention_chart"}


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def orders() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["A", "B", "A"], "amount": [10.0, 20.0, 5.0],
                         "order_date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-02-01"])})


def test_a_misspelled_keyword_is_a_chinese_course_error_and_a_type_error():
    with pytest.raises(KeywordError) as err:
        course.rfm_table(orders(), snapshot_dat="2024-03-01")
    assert isinstance(err.value, CourseError) and isinstance(err.value, TypeError)
    text = str(err.value)
    assert HAN.search(text) and "snapshot_dat" in text and "rfm_table" in text
    for name in ("orders", "as_of", "customer_col", "date_col", "amount_col"):
        assert name in text
    with pytest.raises(TypeError, match="date_col"):  # a close name is suggested
        course.rfm_table(orders(), dat_col="order_date")


def test_right_calls_give_what_the_function_gives():
    by_door = course.rfm_table(orders(), as_of="2024-03-01", date_col="order_date")
    direct = importlib.import_module("course.rfm").rfm_table(orders(), "2024-03-01")
    pd.testing.assert_frame_equal(by_door, direct)


def test_signature_help_and_source_are_the_real_function():
    door, real = course.rfm_table, importlib.import_module("course.rfm").rfm_table
    assert door is not real and original(door) is real
    assert inspect.signature(door) == inspect.signature(real)
    page = pydoc.render_doc(door, renderer=pydoc.plaintext)
    assert "customer_col" in page and "One row per customer" in page
    assert "def rfm_table" in inspect.getsource(door)


def test_a_type_error_from_inside_the_function_is_not_rewritten():
    def outer(x, scale=1):
        return inner(x, sclae=scale)

    def inner(x, scale=1):
        return x * scale

    with pytest.raises(TypeError) as err:
        checked(outer)(2, scale=3)
    assert not isinstance(err.value, CourseError) and "sclae" in str(err.value)


def test_functions_with_any_keyword_and_non_functions_are_left_alone():
    def anything(**kw):
        return kw

    assert checked(anything) is anything and checked(len) is len
    assert keyword_names(anything) is None
    once = checked(orders)
    assert checked(once) is once  # wrapping twice would cost twice


def test_every_door_function_checks_its_keywords():
    unchecked = set()
    for names in course.DOORS.values():
        for name in names.split():
            value = getattr(course, name)
            if inspect.isfunction(value) and original(value) is value:
                unchecked.add(name)
    assert unchecked == TAKES_ANY_KEYWORD


@pytest.mark.parametrize("call, close", [
    (lambda: course.rfm_explorer(orders(), dat_col="order_date"), "date_col"),
    (lambda: course.clv_calculator(margn=500), "margin"),
])
def test_widgets_name_their_keywords_too(call, close):
    with pytest.raises(KeywordError, match=close):
        call()
