"""The trainer console's widgets (``notebooks/trainer.ipynb``): grade a folder of submissions with
the grader's progress shown, see the class summary chart, build and download the agenda, build the trainee bundle (practice or assessment).

Each panel is a thin ipywidgets layer over pure functions (``find_exercises``, ``progress_text``,
``load_results``, ``summary_view``, ``agenda_view``, ``download_link``, ``release_view``) that the tests call
directly. Grading runs in a background thread: the grader starts its own event loop, which cannot
run inside the kernel's, and the notebook stays responsive while a class is graded.
"""
from __future__ import annotations

import base64
import html
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from course.core import paths
from course.core.i18n import CourseError, t

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv", "html": "text/html", "md": "text/markdown"}


# ----------------------------------------------------------------------------------------------
# Pure parts
# ----------------------------------------------------------------------------------------------
def find_exercises() -> list[str]:
    """Exercises that can be graded: the masters in solutions/."""
    return [p.stem for p in sorted(paths.solutions_dir().glob("[0-9][0-9]-*.ipynb"))]


def exercise_title(name: str) -> str:
    """「M07 · RFM 客户价值分层」 for 07-rfm, from the lesson's metadata (the file name otherwise)."""
    try:
        meta = json.loads((paths.notebooks_dir() / f"{name}.ipynb").read_text(encoding="utf-8"))["metadata"]["course"]
        return f"M{name[:2]} · {meta['title']}"
    except (OSError, ValueError, KeyError, TypeError):
        return name


def exercise_options() -> list[tuple[str, str]]:
    """The grading dropdown's choices: Chinese titles shown, file names used."""
    return [(exercise_title(name), name) for name in find_exercises()]


def _titled(stats: list[dict], results: list[dict]) -> list[dict]:
    """Question stats labelled by their titles (「q1 一位客户的 F」), not only q1…q8."""
    from course.exercises.grading.gradebook_xlsx import question_label, question_titles

    titles = question_titles(str(results[0].get("exercise", ""))) if results else {}
    return [{**s, "question": question_label(s["question"], titles)} for s in stats]


def progress_text(done: int, total: int, seconds: float) -> str:
    if total == 0:
        return t("trainer.console_nothing")
    return t("trainer.console_progress", done=done, total=total, seconds=f"{seconds:.0f}")


def load_results(out: Path) -> list[dict]:
    """The finished grades in a grading output folder (the grader's per-trainee files)."""
    folder = Path(out) / ".results"
    results = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            results.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a file being written right now: picked up on the next refresh
    return results


def summary_view(results: list[dict]) -> dict:
    """What the summary panel shows: the chart (PNG bytes), the hardest questions, the averages."""
    from course.exercises.grading.report import question_stats, success_chart_png

    if not results:
        return {"png": b"", "text": t("trainer.console_no_results"), "stats": []}
    stats = _titled(question_stats(results), results)
    hardest = sorted(stats, key=lambda s: s["success"])[:3]
    points = [sum(r["points"] for r in res["rows"]) for res in results]
    maximum = sum(r["max_points"] for r in results[0]["rows"])
    text = t("trainer.console_summary", count=len(results), average=f"{sum(points) / len(points):.1f}",
             max=f"{maximum:g}", hardest="、".join(f"{s['question']}（{100 * s['success']:.0f}%）" for s in hardest))
    return {"png": success_chart_png(stats), "text": text, "stats": stats}


def agenda_view(days: int, start: str, fmt: str, folder: Path | None = None, with_=(), without=()) -> dict:
    """The agenda as an HTML preview, the file's bytes for download, and the constraints it breaks.
    ``with_`` / ``without``: optional tracks swapped in, modules left out (as ``agenda --with``)."""
    import tempfile

    from course.trainer import agenda

    rows, problems = agenda.build(days, start, folder, with_=with_, without=without)
    with tempfile.TemporaryDirectory() as temp:
        path = agenda.write(rows, days, fmt, Path(temp) / f"agenda-{days}d.{fmt}")
        data = path.read_bytes()
    preview = agenda.to_html(rows, days)
    body = preview[preview.index("<body>") + len("<body>"):preview.index("</body>")]
    return {"preview": body, "data": data, "name": f"agenda-{days}d.{fmt}", "problems": problems,
            "minutes": agenda.teaching_minutes(rows)}


def download_link(data: bytes, name: str, label: str) -> str:
    """An <a download> link carrying the file itself: works in JupyterLab and in Voila."""
    mime = MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")
    encoded = base64.b64encode(data).decode("ascii")
    return (f"<a download='{html.escape(name)}' href='data:{mime};base64,{encoded}' "
            f"style='font-size:1.1em'>⬇️ {html.escape(label)}</a>")


def release_view(out: Path, assessment: bool = False) -> dict:
    """Build the trainee bundle exactly as ``python -m course release [--assessment]`` does."""
    import zipfile

    from course.trainer.release import build

    path = build(Path(out), assessment=assessment)
    with zipfile.ZipFile(path) as bundle:
        count = len(bundle.namelist())
    lines = [t("trainer.release_done", path=path, count=count, size=f"{path.stat().st_size / 1e6:.1f}")]
    if assessment:
        lines.append(t("trainer.release_assessment_done"))
    return {"path": path, "count": count, "assessment": assessment, "text": lines}


# ----------------------------------------------------------------------------------------------
# Grading in the background
# ----------------------------------------------------------------------------------------------
@dataclass
class GradingJob:
    exercise: str
    submissions: Path
    out: Path
    workers: int = 2
    total: int = 0
    done: int = 0
    error: str = ""
    results: list = field(default_factory=list)
    started: float = 0.0
    finished: bool = False
    _thread: threading.Thread | None = None

    def prepare(self) -> None:
        """Find the submissions and count those already graded (a rerun resumes)."""
        from course.exercises.grading.cli import resolve_exercise
        from course.exercises.grading.store import ResultStore
        from course.exercises.grading.submission import collect, read_submission

        if not Path(self.submissions).is_dir():
            raise CourseError("trainer.console_no_folder", path=str(self.submissions))
        master, stored = resolve_exercise(self.exercise)
        found = collect([Path(self.submissions)])
        if not found:
            raise CourseError("grading.no_submissions", paths=str(self.submissions))
        store = ResultStore(Path(self.out))
        self._names = [trainee for trainee, _ in found]
        self.total = len(found)
        self.done = sum(store.is_done(tr, read_submission(p, tr).sha256, stored["source_hash"]) for tr, p in found)
        self._already = self.done

    def _count(self) -> int:
        folder = Path(self.out) / ".results"
        fresh = sum(1 for name in self._names
                    if (folder / f"{name}.json").exists() and (folder / f"{name}.json").stat().st_mtime >= self.started)
        return min(self.total, self._already + fresh)

    def _run(self) -> None:
        from course.exercises.grading.cli import grade

        try:
            self.results = grade(self.exercise, [Path(self.submissions)], Path(self.out),
                                 workers=self.workers, show_progress=False)
        except CourseError as error:
            self.error = str(error)
        except Exception as error:  # the console must say what went wrong instead of freezing
            self.error = t("trainer.console_failed", reason=repr(error))
        finally:
            self.done = self.total if not self.error else self._count()
            self.finished = True

    def start(self, on_progress=None) -> None:
        self.prepare()
        self.started = time.time() - 1  # file times are coarse on some systems
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if on_progress is not None:
            threading.Thread(target=self._watch, args=(on_progress,), daemon=True).start()

    def _watch(self, on_progress) -> None:
        while not self.finished:
            self.done = self._count()
            on_progress(self)
            time.sleep(0.5)
        on_progress(self)

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.finished


# ----------------------------------------------------------------------------------------------
# The panels
# ----------------------------------------------------------------------------------------------
def _layout(width: str = "420px"):
    import ipywidgets as w

    return w.Layout(width=width)


def _chart():
    """A chart image that stays hidden while it has no picture: an empty Image is a broken icon."""
    import ipywidgets as w

    return w.Image(format="png", layout=w.Layout(max_width="720px", display="none"))


def _show_chart(chart, png: bytes) -> None:
    if png:
        chart.value = png
    chart.layout.display = "" if png else "none"


def grading_panel(submissions: str = "submissions", out: str = "grading-out"):
    """Pick an exercise and a folder of submissions, grade them, watch the progress."""
    import ipywidgets as w

    exercises = exercise_options()
    style = {"description_width": "110px"}
    exercise = w.Dropdown(options=exercises, value=exercises[0][1] if exercises else None,
                          description=t("trainer.console_exercise"), style=style, layout=_layout())
    folder = w.Text(value=submissions, description=t("trainer.console_folder"), style=style, layout=_layout("560px"))
    target = w.Text(value=out, description=t("trainer.console_out"), style=style, layout=_layout("560px"))
    button = w.Button(description=t("trainer.console_grade"), button_style="primary", icon="check")
    bar = w.IntProgress(value=0, min=0, max=1, layout=_layout("560px"))
    status = w.HTML()
    chart = _chart()
    panel = w.VBox([exercise, folder, target, button, bar, status, chart])
    panel.job = None

    def show(job: GradingJob) -> None:
        bar.max = max(job.total, 1)
        bar.value = job.done
        text = progress_text(job.done, job.total, time.time() - job.started)
        if job.finished:
            if job.error:
                text = "❌ " + html.escape(job.error)
                bar.bar_style = "danger"
            else:
                view = summary_view(job.results)
                text = "✅ " + html.escape(view["text"]) + "<br>" + html.escape(
                    t("trainer.console_reports", out=str(Path(job.out).resolve())))
                _show_chart(chart, view["png"])
                bar.bar_style = "success"
            button.disabled = False
        status.value = text

    def start(_=None) -> None:
        button.disabled = True
        bar.bar_style = ""
        _show_chart(chart, b"")
        job = GradingJob(exercise.value, Path(folder.value).expanduser(), Path(target.value).expanduser())
        panel.job = job
        try:
            job.start(on_progress=show)
        except CourseError as error:
            status.value = "❌ " + html.escape(str(error))
            button.disabled = False

    button.on_click(start)
    panel.start = start
    return panel


def summary_panel(out: str = "grading-out"):
    """The class summary chart of a grading output folder (refresh at any time)."""
    import ipywidgets as w

    target = w.Text(value=out, description=t("trainer.console_out"), style={"description_width": "110px"},
                    layout=_layout("560px"))
    button = w.Button(description=t("trainer.console_show_summary"), icon="bar-chart")
    text = w.HTML()
    chart = _chart()

    def refresh(_=None) -> None:
        view = summary_view(load_results(Path(target.value).expanduser()))
        text.value = html.escape(view["text"])
        _show_chart(chart, view["png"])

    button.on_click(refresh)
    panel = w.VBox([target, button, text, chart])
    panel.refresh = refresh
    return panel


def agenda_panel():
    """Build the 1-day or 2-day agenda, preview it and download it."""
    import ipywidgets as w

    from course.trainer.agenda import FORMATS

    style = {"description_width": "110px"}
    days = w.ToggleButtons(options=[(t("trainer.console_one_day"), 1), (t("trainer.console_two_days"), 2)],
                           value=2, description=t("trainer.console_days"), style=style)
    start = w.Text(value="09:00", description=t("trainer.console_start"), style=style, layout=_layout("220px"))
    fmt = w.Dropdown(options=[f for f in ("xlsx", "html", "csv", "md") if f in FORMATS], value="xlsx",
                     description=t("trainer.console_format"), style=style, layout=_layout("220px"))
    picks = {key: w.Text(value="", description=t(f"trainer.console_{key}"), placeholder=t("trainer.console_tracks_hint"),
                         style=style, layout=_layout("320px")) for key in ("with", "without")}
    button = w.Button(description=t("trainer.console_build_agenda"), button_style="primary", icon="calendar")
    link = w.HTML()
    preview = w.HTML()

    def build(_=None) -> None:
        try:
            view = agenda_view(days.value, start.value, fmt.value, with_=picks["with"].value,
                               without=picks["without"].value)
        except CourseError as error:
            link.value, preview.value = "❌ " + html.escape(str(error)), ""
            return
        warnings = "".join(f"<p style='color:#b45309'>⚠️ {html.escape(p)}</p>" for p in view["problems"])
        link.value = download_link(view["data"], view["name"], t("trainer.console_download", name=view["name"])) + warnings
        preview.value = view["preview"]

    button.on_click(build)
    panel = w.VBox([days, start, fmt, picks["with"], picks["without"], button, link, preview])
    panel.build, panel.picks = build, picks
    return panel


def release_panel(out: str = "release/course-exercises.zip"):
    """Build the trainee bundle: practice (answers after each question, for self-study) or
    assessment (no answer in any form, shape-only checks), as ``python -m course release``."""
    import ipywidgets as w

    style = {"description_width": "110px"}
    mode = w.ToggleButtons(options=[(t("trainer.console_practice"), False), (t("trainer.console_assessment"), True)],
                           value=False, description=t("trainer.console_mode"), style=style)
    target = w.Text(value=out, description=t("trainer.console_release_out"), style=style, layout=_layout("560px"))
    button = w.Button(description=t("trainer.console_build_release"), button_style="primary", icon="archive")
    status = w.HTML()

    def build(_=None) -> None:
        button.disabled = True
        try:
            view = release_view(Path(target.value).expanduser(), assessment=mode.value)
            status.value = "<br>".join(html.escape(line) for line in view["text"])
        except CourseError as error:
            status.value = "❌ " + html.escape(str(error))
        finally:
            button.disabled = False

    button.on_click(build)
    panel = w.VBox([mode, target, button, status])
    panel.build, panel.mode, panel.target, panel.status = build, mode, target, status
    return panel
