"""``python -m course handouts [LESSON…] --out DIR [--no-execute] [--no-pdf]``.

For each lesson (all by default), run it and write:

- ``trainee/NN-slug.html`` (and ``.pdf`` when Chromium is available): the handout, trainer notes
  stripped;
- ``slides/NN-slug.slides.html``: reveal.js slides, trainer notes stripped;
- ``trainer/NN-slug.html``: the trainer's copy, trainer notes kept and highlighted.

Every page works offline: the scripts and the font sit in ``DIR/static/``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.core.i18n import CourseError, t
from course.trainer import render
from course.trainer.lessons import find_lesson, lesson_paths, strip_trainer_notes

TRAINER_CSS = """
.celltag_trainer-note { background: #fff8e1; border-left: 5px solid #f9a825; padding-left: .5em; }
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build(lessons: list[Path], out: Path, execute: bool = True, pdf: bool = True,
          log=print) -> dict[str, list[Path]]:
    """Write the handouts of ``lessons`` into ``out``; returns the files by kind."""
    out = Path(out)
    written: dict[str, list[Path]] = {"trainee": [], "slides": [], "trainer": [], "pdf": []}
    pages = []
    for path in lessons:
        log(t("trainer.rendering", name=path.stem))
        nb = render.read(path)
        if execute:
            render.execute(nb, cwd=path.parent)
        title = nb.metadata.get("course", {}).get("title", path.stem)
        trainee = strip_trainer_notes(nb)
        page = render.rewrite_lesson_links(render.to_html(trainee, static_prefix="../static/", title=title))
        written["trainee"].append(_write(out / "trainee" / f"{path.stem}.html", page))
        slides = render.to_slides(strip_trainer_notes(nb), static_prefix="../static/", title=title)
        written["slides"].append(_write(out / "slides" / f"{path.stem}.slides.html", slides))
        trainer_page = render.to_html(nb, static_prefix="../static/", title=title)
        trainer_page = trainer_page.replace("</style>", TRAINER_CSS + "</style>", 1)
        written["trainer"].append(_write(out / "trainer" / f"{path.stem}.html", trainer_page))
        pages += [page, slides, trainer_page]
    render.copy_static(out / "static")
    render.write_font(out / "static", pages)
    if pdf:
        from course.trainer import browser

        reason = browser.available()
        if reason:
            log(t("trainer.pdf_skipped", reason=reason))
        else:
            for html_file in written["trainee"]:
                written["pdf"].append(browser.html_to_pdf(html_file, html_file.with_suffix(".pdf")))
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course handouts", description=t("cli.handouts"))
    parser.add_argument("lessons", nargs="*", help=t("trainer.arg_lessons"))
    parser.add_argument("--out", type=Path, default=Path("build/handouts"), help=t("trainer.arg_out_dir"))
    parser.add_argument("--no-execute", action="store_true", help=t("trainer.arg_no_execute"))
    parser.add_argument("--no-pdf", action="store_true", help=t("trainer.arg_no_pdf"))
    args = parser.parse_args(argv)
    try:
        lessons = [find_lesson(name) for name in args.lessons] or lesson_paths()
        if not lessons:
            raise CourseError("trainer.no_lessons")
        written = build(lessons, args.out, execute=not args.no_execute, pdf=not args.no_pdf)
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    print(t("trainer.handouts_done", out=args.out, trainee=len(written["trainee"]),
            slides=len(written["slides"]), pdf=len(written["pdf"])))
    return 0
