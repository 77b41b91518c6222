"""Lesson notebooks -> offline HTML pages, shared by the handouts, the slides and the handbook.

Nothing a page loads comes from the network: nbconvert's CDN scripts (require.js, MathJax,
Mermaid, jQuery, the widget manager, reveal.js) are replaced by the files in ``static/`` (see
``static/vendor.sh`` for their origin), and the Chinese text gets a font cut from the Noto Sans
CJK SC file that ships with ``mplfonts`` down to the characters the pages use.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat

from course.core import html_page
from course.core.paths import notebooks_dir
from course.core.plotting import font_path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
FONT_FAMILY = "CourseCJK"
FONT_FILE = "fonts/course-cjk.woff"
FONT_STACK = f"'{FONT_FAMILY}',{html_page.FONT_STACK}"  # the cut font first, then the house's
BASE_CSS = f"""
@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{{static}}{FONT_FILE}') format('woff'); }}
body, .jp-RenderedHTMLCommon, .jp-RenderedMarkdown, .reveal {{ font-family: {FONT_STACK}; }}
:root {{ --jp-content-font-family: {FONT_STACK}; --jp-ui-font-family: {FONT_STACK}; }}
nav.course-nav {{ display: flex; gap: 1.5em; justify-content: space-between; padding: .6em 1em;
  margin: 0 0 1em; background: #eef3f8; border-radius: 6px; font-family: {FONT_STACK}; }}
nav.course-nav a {{ color: #2F6690; text-decoration: none; }}
/* printed handouts (PDF): a wide table wraps and shrinks to the page instead of being cut off */
@media print {{
  .jp-OutputArea-output, .jp-RenderedHTMLCommon {{ overflow: visible !important; }}
  .jp-RenderedHTMLCommon table {{ table-layout: auto !important; width: 100% !important; max-width: 100%;
    font-size: 8pt !important; }}
  .jp-RenderedHTMLCommon th, .jp-RenderedHTMLCommon td {{ white-space: normal !important; min-width: 0 !important;
    max-width: none !important; padding: 2px 4px !important; word-break: break-word; }}
  .jp-OutputArea-output img {{ max-width: 100% !important; height: auto; }}
}}
"""


def lesson_timeout() -> int:
    return 180


def execute(nb, cwd: Path | None = None, timeout: int | None = None):
    """Run a notebook in a fresh kernel, keeping the widget state for static pages."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout or lesson_timeout(), kernel_name="python3",
                            resources={"metadata": {"path": str(cwd or notebooks_dir())}},
                            store_widget_state=True)
    # charts must come out as inline images even when the caller set a file backend (MPLBACKEND=Agg)
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    client.execute(env=env)
    return nb


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def css(static_prefix: str) -> str:
    return BASE_CSS.replace("{static}", static_prefix)


def to_html(nb, *, static_prefix: str = "static/", title: str = "", nav_top: str = "",
            nav_bottom: str = "", hide_code: bool = False) -> str:
    """A standalone offline page for the notebook (its images inline as data: URLs)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="course_lab", extra_template_basedirs=[str(TEMPLATES)], language_code="zh-CN",
                            exclude_input=hide_code, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    resources = {"course_static": static_prefix, "course_css": css(static_prefix),
                 "course_nav_top": nav_top, "course_nav_bottom": nav_bottom,
                 "metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


SLIDE_HEIGHT = 760   # reveal.js height in slide pixels (see templates/course_reveal)
SLIDE_BUDGET = 640   # what fits below the margins; a longer section continues on a sub-slide
LINE_CHARS = 42      # CJK characters on one line of a slide


def _text_height(text: str, line: int) -> int:
    return sum(max(1, -(-len(row) // LINE_CHARS)) for row in text.splitlines() if row.strip()) * line


def _markdown_height(text: str) -> int:
    """Headings are tall, paragraphs and quotes add margins: measured against Chromium on M07."""
    height = 0
    for row in text.splitlines():
        bare = row.lstrip("> ").strip()
        if not bare:
            height += 24  # paragraph margin
        elif bare.startswith("#"):
            height += 70
        else:
            height += max(1, -(-len(bare) // LINE_CHARS)) * 38
    return height


def estimate_height(cell) -> int:
    """Roughly how tall a cell is on a slide (pixels): text lines, table rows, charts, widgets."""
    if cell.cell_type == "markdown":
        return 20 + _markdown_height(cell.source)
    height = 20 + _text_height(cell.source, 24)
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "application/vnd.jupyter.widget-view+json" in data:
            height += 420
        elif any(key.startswith("image/") for key in data):
            height += 400
        elif "text/html" in data:
            height += 40 + 30 * data["text/html"].count("<tr")
        else:
            height += _text_height(output.get("text", "") or data.get("text/plain", ""), 22)
    return height


def _split_long_markdown(nb):
    """A markdown cell taller than a slide (a long case card) becomes several cells at paragraph
    breaks (blank lines, or a lone '>' inside a quote), so the slides can continue it."""
    import copy
    import re

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or estimate_height(cell) <= SLIDE_BUDGET:
            cells.append(cell)
            continue
        chunk: list[str] = []
        for paragraph in re.split(r"\n(?:>?[ \t]*)\n", cell.source):
            trial = "\n\n".join(chunk + [paragraph])
            if chunk and _markdown_height(trial) + 20 > SLIDE_BUDGET:
                cells.append(_markdown_like(cell, "\n\n".join(chunk), copy))
                chunk = []
            chunk.append(paragraph)
        cells.append(_markdown_like(cell, "\n\n".join(chunk), copy))
    nb.cells = cells
    return nb


def _markdown_like(cell, source: str, copy):
    part = copy.deepcopy(cell)
    part.pop("id", None)
    part.source = source
    return part


def _slide_types(nb):
    """Slides start at ## headings, sub-slides at ### headings; the rest joins the slide above
    until the slide is full, then continues on a new sub-slide, so no slide runs off the screen."""
    used = 0
    for i, cell in enumerate(nb.cells):
        text = cell.source.lstrip() if cell.cell_type == "markdown" else ""
        kind = "slide" if i == 0 or text.startswith(("# ", "## ")) else \
            "subslide" if text.startswith("### ") else "-"
        height = estimate_height(cell)
        if kind == "-" and used and used + height > SLIDE_BUDGET:
            kind = "subslide"
        used = height if kind != "-" else used + height
        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
    return nb


def to_slides(nb, *, static_prefix: str = "static/", title: str = "") -> str:
    """reveal.js slides, offline."""
    from nbconvert import SlidesExporter

    exporter = SlidesExporter(template_name="course_reveal", extra_template_basedirs=[str(TEMPLATES)], language_code="zh-CN",
                              reveal_url_prefix=static_prefix + "reveal", reveal_theme="white", exclude_input_prompt=True,
                              exclude_output_prompt=True)
    resources = {"course_static": static_prefix, "course_css": css(static_prefix),
                 "metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(_slide_types(_split_long_markdown(nb)), resources=resources)
    return body


# ----------------------------------------------------------------------------------------------
# Links and static files
# ----------------------------------------------------------------------------------------------
_LESSON_LINK = re.compile(r'(href=")(?:\./)?(\d\d-[\w\-]+)\.ipynb([#"])')


def rewrite_lesson_links(page: str) -> str:
    """Links between lessons point at the sibling pages instead of the notebooks."""
    return _LESSON_LINK.sub(r"\1\2.html\3", page)


def copy_static(target: Path, parts: tuple[str, ...] = ("widgets", "reveal")) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        shutil.copytree(STATIC / part, target / part, dirs_exist_ok=True)
    return target


_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_TAGS = re.compile(r"<script\b[^>]*>.*?</script>|<style\b[^>]*>.*?</style>|<[^>]+>", re.S | re.I)


def page_text(page: str) -> str:
    """The characters a reader can see: markup, scripts, styles and embedded images removed."""
    import html

    return html.unescape(_TAGS.sub(" ", page))


def write_font(target: Path, texts: list[str]) -> Path | None:
    """Cut the CJK font down to the characters of ``texts`` (a few hundred KB instead of 16 MB).

    Widget captions live in the embedded widget state (JSON inside a <script>), so callers pass the
    whole pages too; any non-ASCII character found anywhere is kept.
    """
    source = font_path()
    if not source.exists():
        return None
    from fontTools import subset

    texts = [_UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) for text in texts]
    chars = {c for text in texts for c in text if ord(c) > 0x7F} | {chr(c) for c in range(0x20, 0x7F)}
    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    options.layout_features = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out = target / FONT_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return out


_LOADS = re.compile(r"<(script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)", re.I)


def loaded_urls(page: str) -> list[str]:
    """What a page asks the browser to fetch: script/link/img sources and CSS url(…), data: left out."""
    found = [url for _, url in _LOADS.findall(page)] + _CSS_URL.findall(page)
    return [u.strip() for u in found if not u.strip().startswith(("data:", "#"))]


def remote_urls(page: str) -> list[str]:
    """The fetches of a page that would need the network (protocol-relative ones included)."""
    return [u for u in loaded_urls(page) if re.match(r"^(https?:)?//", u, re.I)]
