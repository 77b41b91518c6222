"""The one HTML page shell (course/core/html_page.py): a complete, well-formed Chinese page, its
title escaped, a page's own CSS after the house style; and every page the kit writes by hand
goes through it."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from course.core import html_page
from course.core.html_page import FONT_STACK, house_css, page

COURSE = Path(html_page.__file__).resolve().parents[1]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "source", "track", "wbr"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.meta, self.title, self.style, self.lang = [], {}, "", "", None
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "meta":
            self.meta.update({k: v for k, v in attrs.items() if k in ("charset", "name", "content")})
            return
        if tag in VOID:
            return
        self.stack.append(tag)
        self._in = tag

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self.style += data


def parse(text: str) -> _Page:
    parser = _Page()
    parser.feed(text)
    parser.close()
    return parser


def test_page_is_complete_chinese_utf8_and_well_formed():
    text = page("客户价值", "<h1>客户价值</h1><p>正文</p>")
    assert text.lower().startswith("<!doctype html>")
    parsed = parse(text)
    assert parsed.stack == []  # every tag closed
    assert parsed.lang == "zh-CN"
    assert parsed.meta["charset"] == "utf-8"
    assert parsed.meta["name"] == "viewport"
    assert parsed.title == "客户价值"
    assert "<body><h1>客户价值</h1><p>正文</p></body>" in text  # the body as given


def test_title_is_escaped_but_body_is_not():
    text = page("<script>x</script> & 回访", "<b>粗体</b>")
    assert "<title>&lt;script&gt;x&lt;/script&gt; &amp; 回访</title>" in text
    assert "<script>" not in text
    assert "<b>粗体</b>" in text


def test_house_style_has_the_chinese_fonts_and_the_width():
    style = parse(page("t", "", max_width=640)).style
    assert FONT_STACK in style and "Noto Sans CJK SC" in FONT_STACK
    assert "max-width:640px" in style
    assert style.startswith(house_css(640))


def test_page_css_comes_after_the_house_style_so_it_can_override_it():
    style = parse(page("t", "", css="th{background:#000}")).style
    assert style.index("th{background:#f3f4f6}") < style.index("th{background:#000}")


def test_other_language_tag():
    assert parse(page("t", "", lang="en")).lang == "en"


# ----------------------------------------------------------------------------------------------
# Every hand-written page uses the shell
# ----------------------------------------------------------------------------------------------
def _shell_start() -> str:
    """What every page written through the shell starts with, up to its title."""
    return page("", "").split("<title>")[0]


def test_no_module_writes_its_own_page_head():
    # the nbconvert and hub templates (.j2, .html) are pages of their own; Python code is not
    own = [path.relative_to(COURSE).as_posix() for path in COURSE.rglob("*.py")
           if path.name != "html_page.py"
           and re.search(r"<!doctype|<html[\s>]", path.read_text(encoding="utf-8"), re.I)]
    assert own == []


def test_pages_the_kit_writes_start_with_the_shell(tmp_path):
    from course.exercises.grading.report import write_feedback, write_summary
    from course.trainer.agenda import to_html
    from course.trainer.app import exercise_page
    from course.trainer.book import index_page

    result = {"trainee": "张三", "exercise": "07-rfm", "sandboxed": True,
              "rows": [{"question": "q1", "level": "core", "status": "correct", "points": 1,
                        "max_points": 1, "message": ""}]}
    pages = {
        "feedback": write_feedback(result, tmp_path).read_text(encoding="utf-8"),
        "summary": write_summary([result], "07-rfm", tmp_path).read_text(encoding="utf-8"),
        "agenda": to_html([], 1),
        "app": exercise_page("07-rfm"),
        "book": index_page([]),
    }
    start = _shell_start()
    assert {name: text.startswith(start) for name, text in pages.items()} == dict.fromkeys(pages, True)
    assert all(parse(text).stack == [] for text in pages.values())

