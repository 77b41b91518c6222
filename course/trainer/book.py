"""``python -m course book [--out DIR] [--only LESSON …]``: the offline handbook for self-study.

Runs every lesson (trainer notes stripped) and writes a static site: ``index.html`` (modules,
objectives, minutes), one page per lesson with 目录 / 上一节 / 下一节 navigation, the widgets as
they were after the run (embedded widget state), images inline, the exercises as downloadable
notebooks, and ``static/`` with the widget manager and a CJK font. Nothing is loaded from the
network, so the folder can be zipped, copied to a USB stick and opened from disk.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

from course.core import html_page
from course.core.i18n import CourseError, t
from course.core.paths import exercises_dir
from course.trainer import render
from course.trainer.lessons import KINDS, find_lesson, lesson_paths, strip_trainer_notes

_EXERCISE_LINK = re.compile(r'(href=")\.\./exercises/')


def nav(items: list[tuple[str, str]], index: int) -> str:
    """Top/bottom navigation of page ``index`` among ``items`` = [(file name, label), …]."""
    links = [f"<a href='index.html'>{html.escape(t('trainer.book_toc'))}</a>"]
    if index > 0:
        name, label = items[index - 1]
        links.append(f"<a href='{name}' rel='prev'>← {html.escape(label)}</a>")
    if index + 1 < len(items):
        name, label = items[index + 1]
        links.append(f"<a href='{name}' rel='next'>{html.escape(label)} →</a>")
    return "<nav class='course-nav'>" + "".join(links) + "</nav>"


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def label_still_widgets(nb):
    """Put a note above every saved widget: in the book it is a still picture of the run, and the
    lesson must be opened in JupyterLab to use it live (the text beside it says 'drag to recalculate')."""
    note = ("<div class='course-still' style='background:#fff8e1;border-left:4px solid #f9a825;"
            f"padding:6px 10px;margin:4px 0;font-size:90%'>📷 {html.escape(t('book.still_widget'))}</div>")
    for cell in nb.cells:
        outputs = cell.get("outputs", []) if cell.get("cell_type") == "code" else []
        if any(WIDGET_VIEW in o.get("data", {}) for o in outputs):
            cell["outputs"] = [nbformat_output(note)] + outputs
    return nb


def nbformat_output(html_text: str):
    import nbformat

    return nbformat.v4.new_output("display_data", data={"text/html": html_text})


def index_page(entries: list[dict]) -> str:
    """The handbook's table of contents."""
    title = t("trainer.book_title")
    blocks = []
    for entry in entries:
        meta = entry["meta"]
        minutes = meta.get("minutes", {})
        total = sum(minutes.get(k, 0) for k in KINDS)
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in meta.get("objectives", []))
        blocks.append(
            f"<section class='module'><h2><a href='{entry['page']}'>{html.escape(meta.get('module', ''))} · "
            f"{html.escape(meta.get('title', entry['page']))}</a></h2>"
            f"<p class='meta'>{html.escape(t('trainer.book_minutes', minutes=total))}</p><ul>{objectives}</ul></section>")
    style = render.css("static/") + (
        "body{line-height:1.6}section.module{border-bottom:1px solid #ddd;padding-bottom:.5em}"
        ".meta{color:#666}h2 a{color:#2F6690;text-decoration:none}")
    intro = html.escape(t("trainer.book_intro"))
    body = f"<h1>{html.escape(title)}</h1><p>{intro}</p>" + "".join(blocks)
    return html_page.page(title, body, css=style, max_width=900)


def build(lessons: list[Path], out: Path, log=print) -> list[Path]:
    """Write the handbook into ``out``; returns the pages (index first)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = []
    for path in lessons:
        log(t("trainer.rendering", name=path.stem))
        nb = render.read(path)
        render.execute(nb, cwd=path.parent)
        notebooks.append((path, label_still_widgets(strip_trainer_notes(nb))))
    items = [(f"{p.stem}.html", nb.metadata.get("course", {}).get("title", p.stem)) for p, nb in notebooks]
    pages, texts, entries = [], [], []
    for i, (_path, nb) in enumerate(notebooks):
        bar = nav(items, i)
        page = render.to_html(nb, static_prefix="static/", title=items[i][1], nav_top=bar, nav_bottom=bar)
        page = _EXERCISE_LINK.sub(r"\1exercises/", render.rewrite_lesson_links(page))
        target = out / items[i][0]
        target.write_text(page, encoding="utf-8")
        pages.append(target)
        texts.append(page)
        entries.append({"page": items[i][0], "meta": nb.metadata.get("course", {})})
        exercise = nb.metadata.get("course", {}).get("exercise")
        source = exercises_dir() / f"{exercise}.ipynb" if exercise else None
        if source and source.exists():
            (out / "exercises").mkdir(exist_ok=True)
            shutil.copy2(source, out / "exercises" / source.name)
    index = index_page(entries)
    (out / "index.html").write_text(index, encoding="utf-8")
    render.copy_static(out / "static", parts=("widgets",))
    render.write_font(out / "static", texts + [index])
    return [out / "index.html"] + pages


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course book", description=t("cli.book"))
    parser.add_argument("--out", type=Path, default=Path("build/book"), help=t("trainer.arg_out_dir"))
    parser.add_argument("--only", nargs="*", default=[], help=t("trainer.arg_lessons"))
    args = parser.parse_args(argv)
    try:
        lessons = [find_lesson(name) for name in args.only] or lesson_paths()
        if not lessons:
            raise CourseError("trainer.no_lessons")
        pages = build(lessons, args.out)
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    print(t("trainer.book_done", index=pages[0], count=len(pages) - 1))
    return 0
