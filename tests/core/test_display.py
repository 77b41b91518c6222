"""What a trainee sees of a table: Chinese headers, percentages, rounded money, blanks, no dtype."""
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from course.core import display


@pytest.fixture(scope="module")
def shell():
    shell = InteractiveShell.instance()
    display.register(shell)
    shell.display_formatter.formatters["text/html"].enabled = True  # a terminal shell turns it off
    return shell


def _shown(shell, obj):
    data, _ = shell.display_formatter.format(obj)
    return data


def test_a_table_gets_chinese_headers_percentages_money_and_blanks(shell):
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "churn_rate": [0.5951, np.nan],
                          "amount": [1234.567, None], "order_date": pd.to_datetime(["2024-01-02", None]),
                          "churned": [True, False]})
    data = _shown(shell, frame)
    for text in (data["text/html"], data["text/plain"]):
        for header in ("客户编号", "流失率", "金额（元）", "下单日期", "已流失"):
            assert header in text
        assert "59.5%" in text and "1,235" in text and "2024-01-02" in text and "是" in text
        for raw in ("customer_id", "NaN", "NaT", "None", "0.5951", "True", "dtype"):
            assert raw not in text, raw
    assert frame.columns[0] == "customer_id"  # code keeps its names


def test_a_series_is_a_two_column_table_without_dtype_footer(shell):
    counts = pd.Series([442, 375], index=pd.Index(["服务", "体验"], name="category"), name="count")
    data = _shown(shell, counts)
    for text in (data["text/html"], data["text/plain"]):
        assert "类别" in text and "数量" in text and "442" in text
        assert "dtype" not in text and "Name:" not in text
    figures = _shown(shell, pd.Series({"annual_gain": 75000.0, "roi": 0.875}))["text/plain"]
    assert "每年收益（元）" in figures and "75,000" in figures and "87.5%" in figures


def test_long_tables_show_both_ends_and_say_how_many_rows(shell):
    text = _shown(shell, pd.DataFrame({"customers": range(500)}))["text/html"]
    assert "共 500 行" in text and ">499<" in text and ">250<" not in text


def test_long_text_columns_get_a_wide_column_instead_of_tall_rows(shell):
    text = _shown(shell, pd.DataFrame({"segment": ["A"], "action": ["先电话回访，再送一张满减券，一周后看是否回购" * 2]}))["text/html"]
    assert "min-width" in text


def test_untouched_answer_and_numpy_scalars_show_no_raw_python(shell):
    assert "Ellipsis" not in _shown(shell, ...)["text/plain"]
    assert _shown(shell, np.float64(0.518987))["text/plain"] == "0.519"
    assert _shown(shell, np.int64(2000))["text/plain"] == "2000"
    assert _shown(shell, np.bool_(True))["text/plain"] == "是"


def test_values_format_by_glossary_format():
    assert display.format_value(0.595, "percent") == "59.5%"
    assert display.format_value(12345.6, "yuan") == "12,346"
    assert display.format_value(float("nan"), "yuan") == ""
    assert display.format_value(0.25, "flag") == "25.0%"  # a share of yes answers


def test_import_course_in_a_kernel_stays_cheap():
    code = ("from IPython.core.interactiveshell import InteractiveShell; import sys;"
            "InteractiveShell.instance(); import course;"
            "assert 'pandas' not in sys.modules, 'import course pulled in pandas';"
            "print(len(InteractiveShell.instance().display_formatter.formatters['text/html'].deferred_printers))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 2  # DataFrame and Series registered by name


def test_an_empty_table_says_so_in_chinese(shell):
    data = _shown(shell, pd.DataFrame(columns=["customer_id"]))
    assert "Empty" not in data["text/plain"] and "空表" in data["text/plain"] and "客户编号" in data["text/html"]


def test_a_summed_flag_is_a_count_not_yes():
    import pandas as pd

    from course.core.display import _view

    view, _, _ = _view(pd.DataFrame({"churned": [120, 7], "level": ["a", "b"]}))
    assert list(view.iloc[:, 0]) == ["120", "7"]
    flags, _, _ = _view(pd.DataFrame({"churned": [True, False]}))
    assert len(set(flags.iloc[:, 0])) == 2 and "True" not in set(flags.iloc[:, 0])


def test_ids_a_module_names_show_by_their_names_and_stay_ids_in_the_frame():
    import pandas as pd

    from course.core.display import _view
    from course.roleplay import scenario_overview

    overview = scenario_overview()
    shown = list(_view(overview)[0].iloc[:, 0])
    assert "angry_vip" in set(overview["scenario"]) and "angry_vip" not in shown
    assert "大客户在门店当众发火" in shown
    plain = pd.DataFrame({"scenario": ["angry_vip"]})  # no labels given: the id is shown as it is
    assert list(_view(plain)[0].iloc[:, 0]) == ["angry_vip"]


def test_column_names_listed_as_data_show_by_glossary_names_and_a_duplicate_name_column_hides():
    from course.core.display import _view, hide_columns, name_values

    frame = pd.DataFrame({"attribute": ["after_sales", "not_a_term"], "label": ["售后", "别的"],
                          "points": [20, -35]})
    name_values(frame, "attribute")  # no names given: the glossary's
    hide_columns(frame, {"label": "attribute"})
    view = _view(frame)[0]
    assert list(view.iloc[:, 0]) == ["售后服务", "not_a_term"] and view.shape[1] == 2
    assert list(view.iloc[:, 1]) == ["20", "-35"]  # whole points stay whole (points are a ratio)
    assert list(frame["attribute"]) == ["after_sales", "not_a_term"] and "label" in frame
    alone = _view(frame[["label", "points"]])[0]  # without the id column the name column stays
    assert list(alone.iloc[:, 0]) == ["售后", "别的"]
