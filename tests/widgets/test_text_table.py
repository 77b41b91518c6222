"""The widgets' one result-table helper (course/widgets/text_table.widget_table_html): escaped
text, number columns right-aligned, column and cell styles; and the widgets use it."""
from __future__ import annotations

import re
from pathlib import Path

from course.widgets.text_table import WIDGET_CELL, widget_table_html

WIDGETS = Path(__file__).resolve().parents[2] / "course" / "widgets"


def _cells(page: str, tag: str) -> list[tuple[str, str]]:
    return re.findall(rf'<{tag} style="([^"]*)">(.*?)</{tag}>', page)


def test_heads_and_cells_are_escaped():
    page = widget_table_html(["<b>客户</b>"], [["<script>x</script> & 1"]])
    assert "<script>" not in page and "<b>" not in page
    assert _cells(page, "th")[0][1] == "&lt;b&gt;客户&lt;/b&gt;"
    assert _cells(page, "td")[0][1] == "&lt;script&gt;x&lt;/script&gt; &amp; 1"


def test_number_columns_are_right_aligned_and_heads_left_unless_asked():
    page = widget_table_html(["分群", "人数"], [["重要价值", "1,024"], ["一般发展", 7]], right=(1,))
    cells = _cells(page, "td")
    assert [("text-align:right" in css) for css, _ in cells] == [False, True, False, True]
    assert [text for _, text in cells] == ["重要价值", "1,024", "一般发展", "7"]
    assert all("text-align:left" in css for css, _ in _cells(page, "th"))
    right_heads = widget_table_html(["分群", "人数"], [], right=(1,), heads_right=True)
    assert all("text-align:right" in css for css, _ in _cells(right_heads, "th"))
    assert page.count("<tr>") == 3  # header + two rows


def test_column_styles_and_cell_styles():
    page = widget_table_html(["a", "b"], [["x", ("y", "color:#b00020;")], ["z", "w"]],
                             styles={0: "white-space:nowrap;"})
    styles = [css for css, _ in _cells(page, "td")]
    assert all(css.startswith(WIDGET_CELL) for css in styles)
    assert ["white-space:nowrap" in css for css in styles] == [True, False, True, False]
    assert ["color:#b00020" in css for css in styles] == [False, True, False, False]


def test_no_widget_writes_its_own_result_table_cells():
    # the padding of the shared cell style stands only in the helper
    own = [p.name for p in WIDGETS.glob("*.py")
           if p.name != "text_table.py" and "padding:3px 10px;border-bottom:1px solid #ddd" in p.read_text("utf-8")]
    assert own == []
