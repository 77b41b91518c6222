"""``python -m course app LESSON [--port 8866] [--idle-minutes 10] [--no-browser]``.

Serves one lesson through Voila for trainees who do not code: the code is hidden, the narrative,
results and widgets show. Trainer notes are removed first (Voila shows every markdown cell), by
serving a stripped copy from a temporary folder.

Voila starts one kernel per page load and keeps it until told otherwise; a class that reloads the
page all day would pile up kernels. The kernel manager therefore culls kernels that have been idle
for ``--idle-minutes`` and have no page attached (an open page keeps its kernel, so a trainee who
listens for twenty minutes does not find a dead widget).

App mode hides code, so the served copy also leaves out cells tagged ``lab-only`` (instructions such
as "click a grey code cell, press Shift+Enter"), and each link to an exercise leads to a local Chinese
page saying how to open it in JupyterLab (with a direct link when ``--lab-url`` is given) instead of
Voila's 403. Voila's lab template loads Font Awesome from a CDN; the ``course_app`` template
(app_templates/) serves a vendored copy, so an offline room keeps its icons.
"""
from __future__ import annotations

import argparse
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.core.html_page import page
from course.core.i18n import CourseError, t
from course.trainer.lessons import find_lesson, strip_trainer_notes

DEFAULT_PORT = 8866
LAB_ONLY_TAG = "lab-only"
TEMPLATES = Path(__file__).parent / "app_templates"  # holds voila/templates/course_app
EXERCISE_LINK = re.compile(r"\]\((?:\.\./)?exercises/([\w-]+)\.ipynb\)")
DEFAULT_IDLE_MINUTES = 10
CULL_INTERVAL_SECONDS = 60


def voila_args(notebook: Path, port: int = DEFAULT_PORT, idle_seconds: int = 60 * DEFAULT_IDLE_MINUTES,
               cull_interval: int = CULL_INTERVAL_SECONDS, open_browser: bool = True,
               ip: str = "127.0.0.1") -> list[str]:
    """The command line that serves ``notebook`` code-free with idle kernels culled."""
    args = [sys.executable, "-m", "voila", str(notebook),
            f"--port={port}", f"--Voila.ip={ip}",
            "--strip_sources=True",            # code cells show their outputs only
            "--show_tracebacks=False",
            "--theme=light",
            "--template=course_app",            # Font Awesome served locally, not from a CDN
            r"--VoilaConfiguration.file_allowlist=.*\.(png|jpg|gif|svg|html)",  # the exercise help pages
            f"--MappingKernelManager.cull_idle_timeout={int(idle_seconds)}",
            f"--MappingKernelManager.cull_interval={int(cull_interval)}",
            "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel
            "--MappingKernelManager.cull_busy=False"]
    if not open_browser:
        args.append("--no-browser")
    return args


def app_env(environ=None) -> dict:
    """Voila finds the course_app template through JUPYTER_PATH (nothing written outside the repo)."""
    environ = dict(os.environ if environ is None else environ)
    paths = [str(TEMPLATES), *[p for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]]
    environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    return environ


def exercise_page(name: str, lab_url: str | None = None) -> str:
    """A small Chinese page: how to open exercise ``name`` (app mode cannot run code)."""
    direct = ""
    if lab_url:
        url = f"{lab_url.rstrip('/')}/lab/tree/exercises/{name}.ipynb"
        direct = f"<p><a href='{html.escape(url)}' target='_blank'>{html.escape(t('app.open_direct'))}</a></p>"
    steps = "".join(f"<li>{html.escape(t(key, name=name))}</li>" for key in ("app.step_lab", "app.step_open", "app.step_run"))
    title = t("app.exercise_title", name=name)
    body = (f"<h2>{html.escape(title)}</h2><p>{html.escape(t('app.why'))}</p>{direct}<ol>{steps}</ol>"
            f"<p><a href='javascript:history.back()'>{html.escape(t('app.back'))}</a></p>")
    return page(title, body, css="body{line-height:1.7}", max_width=640)


def app_notebook(nb: dict, folder: Path, lab_url: str | None = None) -> dict:
    """The notebook as app mode shows it: no trainer notes, no lab-only cells, exercise links that
    open a local help page (written into ``folder``)."""
    nb = strip_trainer_notes(nb)
    nb["cells"] = [c for c in nb["cells"] if LAB_ONLY_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb["cells"]:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for name in set(EXERCISE_LINK.findall(source)):
            (folder / f"open-exercise-{name}.html").write_text(exercise_page(name, lab_url), encoding="utf-8")
        cell["source"] = EXERCISE_LINK.sub(lambda m: f"](voila/files/open-exercise-{m.group(1)}.html)", source)
    return nb


def prepare(lesson: Path, folder: Path, lab_url: str | None = None) -> Path:
    """Copy ``lesson`` without trainer notes into ``folder``, next to links to its sibling files
    (images, data) so that relative paths in the lesson still resolve."""
    folder.mkdir(parents=True, exist_ok=True)
    for sibling in lesson.parent.iterdir():
        if sibling.suffix != ".ipynb" and not sibling.name.startswith(".") and not (folder / sibling.name).exists():
            try:
                (folder / sibling.name).symlink_to(sibling, target_is_directory=sibling.is_dir())
            except OSError:  # no symlinks (e.g. Windows without developer mode): the lesson still runs
                pass
    nb = app_notebook(json.loads(lesson.read_text(encoding="utf-8")), folder, lab_url)
    target = folder / lesson.name
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def voila_missing() -> bool:
    return importlib.util.find_spec("voila") is None


def serve(command: list[str], folder: Path) -> int:
    """Run Voila until it ends, Ctrl+C or SIGTERM; never leave it (and its kernels) behind."""
    import signal

    server = subprocess.Popen(command, cwd=folder, env=app_env())

    def stop(*_):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course app", description=t("cli.app"))
    parser.add_argument("lesson", help=t("trainer.arg_lesson"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("trainer.arg_port"))
    parser.add_argument("--idle-minutes", type=float, default=DEFAULT_IDLE_MINUTES, help=t("trainer.arg_idle"))
    parser.add_argument("--cull-interval", type=int, default=CULL_INTERVAL_SECONDS, help=t("trainer.arg_cull_interval"))
    parser.add_argument("--no-browser", action="store_true", help=t("trainer.arg_no_browser"))
    parser.add_argument("--lab-url", default=None, help=t("app.arg_lab_url"))
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="course-app-"))
    try:
        lesson = find_lesson(args.lesson)
        if voila_missing():
            raise CourseError("trainer.no_voila")
        notebook = prepare(lesson, folder, args.lab_url)
        print(t("trainer.app_url", port=args.port, name=lesson.stem))
        return serve(voila_args(notebook, args.port, max(1, int(60 * args.idle_minutes)),
                                cull_interval=max(1, args.cull_interval),
                                open_browser=not args.no_browser), folder)
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
