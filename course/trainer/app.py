"""``python -m course app LESSON [--port 8866] [--idle-minutes 10] [--no-browser]``.

Serves one lesson through Voila for trainees who do not code: the code is hidden, the narrative,
results and widgets show. Trainer notes are removed first (Voila shows every markdown cell), by
serving a stripped copy from a temporary folder.

Voila starts one kernel per page load and keeps it until told otherwise; a class that reloads the
page all day would pile up kernels. The kernel manager therefore culls kernels that have been idle
for ``--idle-minutes`` and have no page attached (an open page keeps its kernel, so a trainee who
listens for twenty minutes does not find a dead widget).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course.core.i18n import CourseError, t
from course.trainer.lessons import find_lesson, strip_trainer_notes

DEFAULT_PORT = 8866
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
            f"--MappingKernelManager.cull_idle_timeout={int(idle_seconds)}",
            f"--MappingKernelManager.cull_interval={int(cull_interval)}",
            "--MappingKernelManager.cull_connected=False",  # an open page keeps its kernel
            "--MappingKernelManager.cull_busy=False"]
    if not open_browser:
        args.append("--no-browser")
    return args


def prepare(lesson: Path, folder: Path) -> Path:
    """Copy ``lesson`` without trainer notes into ``folder``, next to links to its sibling files
    (images, data) so that relative paths in the lesson still resolve."""
    folder.mkdir(parents=True, exist_ok=True)
    for sibling in lesson.parent.iterdir():
        if sibling.suffix != ".ipynb" and not sibling.name.startswith(".") and not (folder / sibling.name).exists():
            try:
                (folder / sibling.name).symlink_to(sibling, target_is_directory=sibling.is_dir())
            except OSError:  # no symlinks (e.g. Windows without developer mode): the lesson still runs
                pass
    nb = strip_trainer_notes(json.loads(lesson.read_text(encoding="utf-8")))
    target = folder / lesson.name
    target.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def voila_missing() -> bool:
    return importlib.util.find_spec("voila") is None


def serve(command: list[str], folder: Path) -> int:
    """Run Voila until it ends, Ctrl+C or SIGTERM; never leave it (and its kernels) behind."""
    import signal

    server = subprocess.Popen(command, cwd=folder)

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
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="course-app-"))
    try:
        lesson = find_lesson(args.lesson)
        if voila_missing():
            raise CourseError("trainer.no_voila")
        notebook = prepare(lesson, folder)
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
