"""Chinese help for the errors beginners meet, in a real kernel; CourseError as one line; check()
refuses to grade an answer whose cell just failed."""
import nbformat
import pytest
from conftest import REPO
from nbclient import NotebookClient

from course.core.errors_help import explain

CELLS = [
    "from course import load, rfm_table, check, start_exercise\norders = load('orders')\nstart_exercise('07-rfm')",
    "order.head()",                                  # 1 NameError
    "x = (1，2)",                                    # 2 SyntaxError, Chinese comma
    "orders['客户编号']",                             # 3 KeyError: the Chinese header, not the column
    "rfm_table(orders, as_of='2025-01-01', asof=1)",  # 4 misspelled keyword
    "load('nope')",                                  # 5 CourseError
    "'a' + 1",                                       # 6 wrong type
    "q1 = ...\nq1",                                  # 7 untouched answer
    "q1 = 2000",                                     # 8
    "q1 = order.nunique()",                          # 9 fails: q1 keeps 2000
    "check('q1')",                                   # 10 must not grade the stale 2000
]


@pytest.fixture(scope="module")
def run():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    NotebookClient(notebook, kernel_name="python3", allow_errors=True, timeout=120,
                   resources={"metadata": {"path": str(REPO / "exercises")}}).execute()
    return notebook.cells


def _text(cell):
    parts = []
    for output in cell.outputs:
        parts.append(output.get("data", {}).get("text/html", "") + output.get("data", {}).get("text/plain", ""))
        parts += output.get("traceback", [])
    return "\n".join(parts)


def test_name_error_explained_in_chinese_with_a_suggestion_and_folded_traceback(run):
    text = _text(run[1])
    assert "找不到名字「order」" in text and "orders" in text and "<details>" in text
    assert [o.output_type for o in run[1].outputs] == ["display_data", "error"]


def test_syntax_error_points_at_chinese_punctuation(run):
    assert "中文标点" in _text(run[2])


def test_missing_column_says_the_header_is_only_a_display_name(run):
    assert "customer_id" in _text(run[3]) and "列" in _text(run[3])


def test_misspelled_keyword_lists_the_valid_ones(run):
    text = _text(run[4])
    assert "没有叫「asof」的参数" in text and "as_of" in text and "customer_col" in text


def test_course_error_is_one_chinese_line_without_traceback(run):
    (error,) = run[5].outputs
    assert error.output_type == "error" and len(error.traceback) == 1
    assert "nope" in error.traceback[0] and "Traceback" not in error.traceback[0]


def test_wrong_type_gets_help(run):
    assert "类型" in _text(run[6])


def test_untouched_answer_does_not_echo_ellipsis(run):
    assert "Ellipsis" not in _text(run[7]) and "还没有作答" in _text(run[7])


def test_check_refuses_a_stale_answer_after_its_cell_failed(run):
    assert "上面的答案格子运行出错了" in _text(run[10])


def test_explain_without_a_kernel():
    title, lines = explain(NameError("name 'x' is not defined", name="x"), {"xs": 1})
    assert "x" in title and any("xs" in line for line in lines)
    title, _ = explain(IndentationError("unexpected indent", ("c", 2, 1, " y", 2, 2)))
    assert "缩进" in title


@pytest.mark.parametrize("call, wrong, right", [
    ("round(1.5, ndigts=1)", "ndigts", "ndigits"),  # a built-in words it "'k' is an invalid keyword argument for f()"
    ("pd.DataFrame({'a': [1]}).sort_values('a', ascendng=False)", "ascendng", "ascending"),  # a pandas method
])
def test_misspelled_keyword_to_builtins_and_pandas_methods(call, wrong, right):
    import pandas as pd

    with pytest.raises(TypeError) as raised:
        eval(call, {"pd": pd})
    title, lines = explain(raised.value, {})
    assert f"「{wrong}」" in title and any(right in line for line in lines)
    assert not any("self" in line for line in lines)
