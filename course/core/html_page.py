"""One HTML page shell for every page the kit writes by hand: the capstone plan, the grader's
feedback pages and summary, the trainer's agenda, the handbook's contents page and the app's help
page. (The lesson handouts and slides come from nbconvert templates and the classroom pages from
the hub's templates; they have shells of their own.)

``page(title, body)`` gives the doctype, the Chinese language tag, UTF-8, a viewport for phones,
the escaped title and the house style; a page adds only what is its own through ``css``.
"""
from __future__ import annotations

import html

# Chinese fonts first: Noto/Source Han on Linux, PingFang on a Mac, YaHei on Windows
FONT_STACK = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"

# the house look: a readable column, plain ruled tables, numbers right-aligned (class 'num')
HOUSE_CSS = (
    "body{font-family:%(fonts)s;color:#222;max-width:%(width)dpx;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;width:100%%}"
    "td,th{border:1px solid #ccc;padding:6px 8px;text-align:left}"
    "th{background:#f3f4f6}.num{text-align:right}"
)


def house_css(max_width: int = 960) -> str:
    """The house style sheet, the page body at most ``max_width`` pixels wide."""
    return HOUSE_CSS % {"fonts": FONT_STACK, "width": int(max_width)}


def page(title: str, body: str, *, css: str = "", max_width: int = 960, lang: str = "zh-CN") -> str:
    """A complete page around ``body`` (HTML, written as given). ``title`` is plain text and is
    escaped; ``css`` comes after the house style, so a page may override any rule of it."""
    return (f"<!doctype html><html lang='{html.escape(lang, quote=True)}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(str(title))}</title><style>{house_css(max_width)}{css}</style></head>"
            f"<body>{body}</body></html>\n")
