"""Answer kinds: plain-data encoding, public gates, fingerprints and the hidden comparison."""
import math

import numpy as np
import pandas as pd
import pytest

from course.exercises.answers import compare, fingerprint, gate, matches_fingerprint, normalise_text, public_verdict, to_plain

NUMBER = {"kind": "number", "tolerance": 0.5}
CHOICE = {"kind": "choice", "options": ["A", "B", "C", "D"]}
MULTI = {"kind": "choice", "options": ["A", "B", "C", "D"], "multiple": True}
TEXT = {"kind": "text", "accept": ["重要价值"]}
TABLE = {"kind": "table", "columns": ["k", "v"], "key": "k", "tolerance": 0.01}


class ForgedFloat(float):
    def __eq__(self, other):
        return True


class Anything:
    def __float__(self):
        return 42.0

    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value, expected", [
    (3, {"type": "number", "value": 3}),
    (np.int64(3), {"type": "number", "value": 3}),
    (np.float64(2.5), {"type": "number", "value": 2.5}),
    (float("nan"), {"type": "number", "value": None}),
    ("B", {"type": "text", "value": "B"}),
    (True, {"type": "bool", "value": True}),
    (..., {"type": "blank"}),
    (["A", "C"], {"type": "list", "value": ["A", "C"]}),
    ({"b", "a"}, {"type": "list", "value": ["a", "b"]}),
])
def test_to_plain_scalars(value, expected):
    assert to_plain(value) == expected


def test_to_plain_rejects_forged_objects():
    assert to_plain(ForgedFloat(1.0))["type"] == "unsupported"
    assert to_plain(Anything())["type"] == "unsupported"
    assert to_plain(None)["type"] == "unsupported"


def test_to_plain_tables_keep_a_named_index():
    frame = pd.DataFrame({"v": [1.5, 2.0]}, index=pd.Index(["a", "b"], name="k"))
    assert to_plain(frame) == {"type": "table", "columns": ["k", "v"], "rows": [["a", 1.5], ["b", 2.0]]}
    series = pd.Series([3, 4], index=pd.Index(["x", "y"], name="k"), name="v")
    assert to_plain(series)["columns"] == ["k", "v"]
    dated = to_plain(pd.DataFrame({"d": pd.to_datetime(["2024-03-05"])}))
    assert dated["rows"] == [["2024-03-05 00:00:00"]]


def test_gates_explain_the_problem_in_chinese():
    assert not gate(NUMBER, to_plain(...)).passed
    assert "数字" in gate(NUMBER, to_plain("abc")).message
    assert "E" in gate(CHOICE, to_plain("E")).message
    assert "单选" in gate(CHOICE, to_plain("AB")).message
    table = to_plain(pd.DataFrame({"k": ["a"]}))
    message = gate(TABLE, table).message
    assert "v" in message and "k" in message
    assert gate(NUMBER, to_plain("1,234元")).passed


def test_number_fingerprint_accepts_within_tolerance_only():
    digests = fingerprint(NUMBER, to_plain(79.69), "ex:q1")
    assert matches_fingerprint(NUMBER, to_plain(79.9), digests, "ex:q1")
    assert matches_fingerprint(NUMBER, to_plain(79.25), digests, "ex:q1")
    assert not matches_fingerprint(NUMBER, to_plain(81.0), digests, "ex:q1")
    # the salt ties a digest to its question: the same value does not match another question's
    assert not matches_fingerprint(NUMBER, to_plain(79.69), digests, "ex:q2")
    assert "79.69" not in str(digests)


def test_public_verdict_for_each_kind():
    assert public_verdict(CHOICE, to_plain("b"), fingerprint(CHOICE, to_plain("B"), "s"), "s").passed
    assert not public_verdict(CHOICE, to_plain("C"), fingerprint(CHOICE, to_plain("B"), "s"), "s").passed
    text_digests = fingerprint(TEXT, to_plain("重要价值客户"), "s")
    assert public_verdict(TEXT, to_plain(" 重要价值 "), text_digests, "s").passed
    reference = to_plain(pd.DataFrame({"k": ["a", "b"], "v": [1, 2]}))
    table_digests = fingerprint(TABLE, reference, "s")
    wrong_values = to_plain(pd.DataFrame({"k": ["b", "a"], "v": [9, 9]}))
    wrong_rows = to_plain(pd.DataFrame({"k": ["a", "c"], "v": [1, 2]}))
    assert public_verdict(TABLE, wrong_values, table_digests, "s").passed  # values are a hidden check
    assert not public_verdict(TABLE, wrong_rows, table_digests, "s").passed


def test_compare_numbers_and_text():
    assert compare(NUMBER, to_plain(10.4), to_plain(10)).passed
    assert compare(NUMBER, to_plain(10.6), to_plain(10)).score == 0
    assert compare(TEXT, to_plain("重要价值客户。"), to_plain("重要价值客户")).passed
    assert compare(TEXT, to_plain("重要挽留客户"), to_plain("重要价值客户")).score == 0
    assert normalise_text(" Ａ、b ") == "ab"


def test_multiple_choice_gives_partial_credit():
    reference = to_plain("AC")
    assert compare(MULTI, to_plain("CA"), reference).passed
    assert compare(MULTI, to_plain("A"), reference).score == pytest.approx(0.5)
    assert compare(MULTI, to_plain("ABC"), reference).score == pytest.approx(0.5)
    assert compare(MULTI, to_plain("BD"), reference).score == 0
    assert compare(CHOICE, to_plain("C"), to_plain("B")).score == 0


def test_tables_ignore_row_order_and_score_columns():
    spec = {"kind": "table", "columns": ["k", "v", "w"], "key": "k", "tolerance": 0.01}
    reference = to_plain(pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.0], "w": [5, 6]}))
    shuffled = to_plain(pd.DataFrame({"w": [6, 5], "k": ["b", "a"], "v": [2.004, 1.0], "extra": [0, 0]}))
    assert compare(spec, shuffled, reference).passed
    half = to_plain(pd.DataFrame({"k": ["a", "b"], "v": [1.0, 2.0], "w": [5, 7]}))
    verdict = compare(spec, half, reference)
    assert verdict.score == pytest.approx(0.5) and "w" in verdict.message
    other_keys = to_plain(pd.DataFrame({"k": ["a", "z"], "v": [1.0, 2.0], "w": [5, 6]}))
    assert compare(spec, other_keys, reference).score == 0
    keyless = {"kind": "table", "columns": ["k", "v"], "tolerance": 0.01}
    assert compare(keyless, shuffled, reference).passed


def test_non_finite_numbers_are_never_right():
    assert not compare(NUMBER, to_plain(math.inf), to_plain(10)).passed
    assert not gate(NUMBER, to_plain(float("nan"))).passed
