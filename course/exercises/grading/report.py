"""The grader's outputs: gradebook.csv, results.json, one feedback page per trainee, summary.html."""
from __future__ import annotations

import base64
import csv
import html
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from course.core.html_page import page
from course.core.i18n import t
from course.exercises.grading.gradebook_xlsx import write_gradebook_xlsx

COLUMNS = ["trainee", "exercise", "question", "level", "points", "max_points", "status", "message", "sandboxed"]
LEVELS = ("core", "advanced")  # issue 15: core (基础) and advanced (进阶, optional) are reported apart
# a cell starting with one of these is a formula to Excel / LibreOffice (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
ICONS = {"correct": "✅", "partial": "🟡", "wrong": "❌", "unanswered": "⬜", "error": "⚠️",
         "timeout": "⏱️", "unreadable": "🚫"}


def _atomic_write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    os.replace(temp, path)


def _total(result: dict, level: str | None = None) -> tuple[float, float]:
    rows = [r for r in result["rows"] if level is None or r.get("level", "core") == level]
    return (round(sum(r["points"] for r in rows), 2), round(sum(r["max_points"] for r in rows), 2))


def _level(row: dict) -> str:
    return t("grading.level_" + row.get("level", "core"))


def _level_totals(result: dict) -> str:
    """「基础 a / b · 进阶（选做） c / d」 for one trainee (levels without questions left out)."""
    parts = []
    for level in LEVELS:
        score, max_score = _total(result, level)
        if max_score:
            parts.append(t("grading.level_total", level=t("grading.level_" + level),
                           score=f"{score:g}", max=f"{max_score:g}"))
    return " · ".join(parts)


def safe_cell(value):
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sandboxed(result: dict) -> bool:
    return result.get("sandboxed") is not False


def unsandboxed_banner(results: list[dict]) -> str:
    if all(sandboxed(r) for r in results):
        return ""
    return ("<div style='background:#c62828;color:#fff;padding:12px 16px;font-size:1.2em;"
            f"font-weight:bold;border-radius:6px'>⚠️ {html.escape(t('grading.unsandboxed_banner'))}</div>")


def write_gradebook(results: list[dict], out: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for result in results:
        flag = "yes" if sandboxed(result) else "no"
        for row in result["rows"]:
            cells = {"trainee": result["trainee"], "exercise": result["exercise"], **row, "sandboxed": flag}
            writer.writerow({k: safe_cell(v) for k, v in cells.items()})
    # utf-8-sig: Excel on Windows shows the Chinese columns correctly only with the BOM
    _atomic_write(out / "gradebook.csv", buffer.getvalue(), encoding="utf-8-sig")
    return out / "gradebook.csv"


def write_results_json(results: list[dict], exercise: str, out: Path) -> Path:
    """One Gradescope-style record (score, max_score, tests) per trainee."""
    submissions = []
    for result in results:
        score, max_score = _total(result)
        tests = [{"name": r["question"], "score": r["points"], "max_score": r["max_points"],
                  "status": r["status"], "output": r["message"]} for r in result["rows"]]
        submissions.append({"trainee": result["trainee"], "score": score, "max_score": max_score,
                            "tests": tests})
    payload = {"exercise": exercise, "sandboxed": all(sandboxed(r) for r in results), "submissions": submissions}
    _atomic_write(out / "results.json", json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    return out / "results.json"


def _rows_table(rows: list[dict]) -> str:
    head = "".join(f"<th>{t('grading.col_' + c)}</th>" for c in ("question", "level", "status", "points", "message"))
    body = "".join(
        f"<tr><td>{html.escape(r['question'])}</td><td>{html.escape(_level(r))}</td>"
        f"<td>{ICONS[r['status']]} {t('grading.status_' + r['status'])}</td>"
        f"<td class='num'>{r['points']:g} / {r['max_points']:g}</td><td>{html.escape(r['message'])}</td></tr>"
        for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def write_feedback(result: dict, out: Path) -> Path:
    score, max_score = _total(result)
    title = t("grading.feedback_title", trainee=result["trainee"], exercise=result["exercise"])
    body = (unsandboxed_banner([result])
            + f"<h1>{html.escape(title)}</h1><p>{t('grading.feedback_total', score=f'{score:g}', max=f'{max_score:g}')}</p>"
            + f"<p>{html.escape(_level_totals(result))}</p>"
            + (f"<p>{t('grading.variant_note', variant=result['variant'])}</p>" if result.get("variant") else "")
            + _rows_table(result["rows"]) + f"<p>{t('grading.feedback_note')}</p>")
    path = out / "feedback" / f"{result['trainee']}.html"
    _atomic_write(path, page(title, body))
    return path


def question_stats(results: list[dict]) -> list[dict]:
    """Per question: how many trainees got each status, and the average share of points."""
    order = [r["question"] for r in results[0]["rows"]] if results else []
    stats = []
    for question in order:
        rows = [r for res in results for r in res["rows"] if r["question"] == question]
        counts = Counter(r["status"] for r in rows)
        average = sum(r["points"] for r in rows) / sum(r["max_points"] for r in rows)
        stats.append({"question": question, "counts": counts, "success": average, "n": len(rows),
                      "level": rows[0].get("level", "core") if rows else "core"})
    return stats


def success_chart_png(stats: list[dict]) -> bytes:
    from course.core.plotting import new_figure

    fig, ax = new_figure(t("grading.chart_title"), figsize=(7, 0.5 + 0.45 * max(len(stats), 1)))
    labels = [s["question"] for s in stats][::-1]
    values = [100 * s["success"] for s in stats][::-1]
    colours = ["#c62828" if v < 50 else "#f9a825" if v < 80 else "#2e7d32" for v in values]
    ax.barh(labels, values, color=colours)
    ax.set_xlim(0, 100)
    ax.set_xlabel(t("grading.chart_xlabel"))
    for y, v in enumerate(values):
        ax.text(min(v + 1, 92), y, f"{v:.0f}%", va="center")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buffer.getvalue()


def _share(results: list[dict], level: str) -> float:
    """The class's share of the points of one level."""
    got = sum(_total(r, level)[0] for r in results)
    possible = sum(_total(r, level)[1] for r in results)
    return got / possible if possible else 0.0


def write_summary(results: list[dict], exercise: str, out: Path) -> Path:
    stats = question_stats(results)
    chart = base64.b64encode(success_chart_png(stats)).decode("ascii") if stats else ""
    hardest = sorted(stats, key=lambda s: s["success"])[:3]
    statuses = [s for s in ICONS if any(st["counts"].get(s) for st in stats)]
    head = "".join(f"<th>{t('grading.col_question')}</th><th>{t('grading.col_level')}</th><th>{t('grading.col_success')}</th>"
                   + "".join(f"<th>{ICONS[s]} {t('grading.status_' + s)}</th>" for s in statuses))
    body_rows = "".join(
        f"<tr><td>{html.escape(str(s['question']))}</td><td>{html.escape(_level(s))}</td>"
        f"<td class='num'>{100 * s['success']:.0f}%</td>"
        + "".join(f"<td class='num'>{s['counts'].get(st, 0)}</td>" for st in statuses) + "</tr>"
        for s in stats)
    levels = [lv for lv in LEVELS if any(_total(r, lv)[1] for r in results)]
    totals = "".join(
        f"<tr><td>{html.escape(r['trainee'])}</td><td class='num'>{_total(r)[0]:g} / {_total(r)[1]:g}</td>"
        + "".join(f"<td class='num'>{_total(r, lv)[0]:g} / {_total(r, lv)[1]:g}</td>" for lv in levels) + "</tr>"
        for r in sorted(results, key=lambda r: r["trainee"]))
    level_heads = "".join(f"<th>{t('grading.level_' + lv)}</th>" for lv in levels)
    averages = "".join(
        f"<li>{html.escape(t('grading.level_average', level=t('grading.level_' + lv), share=f'{100 * _share(results, lv):.0f}'))}</li>"
        for lv in levels)
    title = t("grading.summary_title", exercise=exercise, count=len(results))
    body = (unsandboxed_banner(results) + f"<h1>{html.escape(title)}</h1>"
            + (f"<img alt='{t('grading.chart_title')}' src='data:image/png;base64,{chart}'>" if chart else "")
            + f"<h2>{t('grading.hardest')}</h2><p>{html.escape('、'.join(s['question'] for s in hardest)) or '—'}</p>"
            + f"<h2>{t('grading.by_question')}</h2><table><tr>{head}</tr>{body_rows}</table>"
            + f"<h2>{t('grading.by_level')}</h2><ul>{averages}</ul>"
            + f"<h2>{t('grading.by_trainee')}</h2><table><tr><th>{t('grading.col_trainee')}</th>"
            + f"<th>{t('grading.col_points')}</th>{level_heads}</tr>{totals}</table>")
    _atomic_write(out / "summary.html", page(title, body))
    return out / "summary.html"


def write_all(results: list[dict], exercise: str, out: Path) -> list[str]:
    """Every report; one that fails (a disk error, a strange result) costs only itself. Returns
    the reports that could not be written, as Chinese sentences."""
    failed = []

    def attempt(name: str, write, *args) -> None:
        try:
            write(*args)
        except Exception as error:  # noqa: BLE001 - one report must never stop the others
            failed.append(t("grading.report_failed", name=name, error=type(error).__name__))

    attempt("gradebook.csv", write_gradebook, results, out)
    attempt("gradebook.xlsx", write_gradebook_xlsx, results, out)  # Chinese headers, for people
    attempt("results.json", write_results_json, results, exercise, out)
    for result in results:
        attempt(f"feedback/{result.get('trainee')}.html", write_feedback, result, out)
    attempt("summary.html", write_summary, results, exercise, out)
    return failed
