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
from course.core.keywords import KeywordError, checked, forwards_keywords, keyword_names, original

HAN = re.compile(r"[\u4e00-\u9fff]")


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
    assert not unchecked


@pytest.mark.parametrize("call, close", [
    (lambda: course.rfm_explorer(orders(), dat_col="order_date"), "date_col"),
    (lambda: course.clv_calculator(margn=500), "margin"),
])
def test_widgets_name_their_keywords_too(call, close):
    with pytest.raises(KeywordError, match=close):
        call()


# ------------------------------- functions that pass **kwargs on declare where (forwards_keywords)

SIMULATION = ("customers", "margin", "acquisition_cost", "retention_cost", "new_customers", "churn",
              "mix", "years")


@pytest.mark.parametrize("call, function, typo, valid", [
    (lambda: course.abc_classes(orders(), amount_cl="amount"), "abc_classes", "amount_cl",
     ("orders", "a_share", "b_share", "customer_col", "amount_col")),
    (lambda: course.churn_reduction_value(0.05, margn=200), "churn_reduction_value", "margn",
     ("reduction", *SIMULATION)),
    (lambda: course.retention_chart(0.05, yeras=3), "retention_chart", "yeras", ("reduction", *SIMULATION)),
], ids=["abc_classes", "churn_reduction_value", "retention_chart"])
def test_former_any_keyword_doors_name_the_valid_keywords(call, function, typo, valid):
    with pytest.raises(KeywordError) as err:
        call()
    text = str(err.value)
    assert HAN.search(text) and function in text and typo in text
    # exactly these, in order: churn_reduction is set by the function itself, not the caller's
    assert text.rsplit("：", 1)[1].split("、") == list(valid)


def test_their_right_calls_still_work():
    forwarded = course.churn_reduction_value(0.05, margin=200, years=3)
    direct = importlib.import_module("course.service_numbers").churn_reduction_value(
        0.05, margin=200, years=3)
    assert forwarded == direct
    renamed = orders().rename(columns={"customer_id": "who", "amount": "paid"})
    table = course.abc_classes(renamed, customer_col="who", amount_col="paid")
    assert list(table["customer_id"]) == ["B", "A"]
    with pytest.raises(KeywordError, match="reduction"):  # the likely confusion gets the right name
        course.churn_reduction_value(churn_reduction=0.1)


def test_forwards_keywords_reads_both_signatures():
    def target(a, b=1, *, c=2, skip=0):
        return a + b + c + skip

    @forwards_keywords(target, leave_out=("a", "skip"))
    def outer(x, **kw):
        return target(x, skip=3, **kw)

    assert keyword_names(outer) == ("x", "b", "c")
    door = checked(outer)
    assert door is not outer and door(1, c=5) == outer(1, c=5) == 10
    with pytest.raises(KeywordError, match="skip"):
        door(1, skip=4)

    @forwards_keywords(lambda **anything: anything)
    def loose(**kw):
        return kw

    assert keyword_names(loose) is None and checked(loose) is loose  # a target taking anything
