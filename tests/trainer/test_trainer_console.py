"""The trainer console: the pure functions behind its panels, a real grading run driven through
the grading panel (progress, summary chart, resume), and the console notebook itself."""
from __future__ import annotations

import base64
import io
import json
import re
import shutil

import nbformat
import pytest
from openpyxl import load_workbook

from course.core.paths import REPO_ROOT, exercises_dir, notebooks_dir, solutions_dir
from course.trainer import console


def test_find_exercises():
    found = console.find_exercises()
    assert "07-rfm" in found and found == sorted(found)


def test_progress_text():
    assert "3 / 10" in console.progress_text(3, 10, 12.4)
    assert console.progress_text(0, 0, 0) != console.progress_text(0, 1, 0)


def test_download_link_carries_the_file():
    data = "开始,结束\n".encode()
    link = console.download_link(data, "agenda-2d.csv", "下载")
    assert "download='agenda-2d.csv'" in link and "data:text/csv;base64," in link
    encoded = re.search(r"base64,([^']+)'", link).group(1)
    assert base64.b64decode(encoded) == data


@pytest.mark.parametrize("days", [1, 2])
def test_agenda_view_builds_the_file(days):
    from course.trainer import agenda

    view = console.agenda_view(days, "08:30", "xlsx")
    sheet = load_workbook(io.BytesIO(view["data"])).active
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0][1] == "08:30"
    assert sum(r[6] for r in rows if r[5] in agenda.KINDS) == view["minutes"]
    assert "<table>" in view["preview"] and "<html" not in view["preview"]
    assert view["name"] == f"agenda-{days}d.xlsx"


def _result(trainee, points):
    rows = [{"question": q, "points": p, "max_points": 2, "status": "correct" if p == 2 else "wrong", "message": ""}
            for q, p in zip(("q1", "q2", "q3"), points)]
    return {"trainee": trainee, "exercise": "07-rfm", "rows": rows}


def test_summary_view_names_the_hardest_question():
    view = console.summary_view([_result("a", [2, 0, 2]), _result("b", [2, 0, 0])])
    assert view["png"].startswith(b"\x89PNG")
    assert "q2 全体客户的平均 R（0%）" in view["text"] and "2 份" in view["text"]  # labelled by title
    assert console.summary_view([])["png"] == b""


def test_exercises_are_listed_by_chinese_title():
    options = dict(console.exercise_options())
    assert options["M07 · RFM 客户价值分层"] == "07-rfm"
    assert all(label != name for label, name in options.items())


def test_an_empty_chart_is_hidden_never_a_broken_image():
    panel = console.summary_panel(out="nowhere")
    chart = panel.children[-1]
    assert chart.layout.display == "none" and not bytes(chart.value)
    panel.refresh()
    assert chart.layout.display == "none"


def test_load_results(tmp_path):
    (tmp_path / ".results").mkdir()
    (tmp_path / ".results" / "a.json").write_text(json.dumps(_result("a", [2, 2, 2])), encoding="utf-8")
    (tmp_path / ".results" / "half.json").write_text("{", encoding="utf-8")  # being written
    assert [r["trainee"] for r in console.load_results(tmp_path)] == ["a"]
    assert console.load_results(tmp_path / "nowhere") == []


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    shutil.copy2(solutions_dir() / "07-rfm.ipynb", folder / "张三.ipynb")
    shutil.copy2(exercises_dir() / "07-rfm.ipynb", folder / "李四.ipynb")
    out = tmp_path_factory.mktemp("grading-out")
    panel = console.grading_panel(submissions=str(folder), out=str(out))
    exercise, _, _, button, bar, status, chart = panel.children
    exercise.value = "07-rfm"
    panel.start()
    assert panel.job is not None and panel.job.wait(timeout=600)
    for _ in range(40):  # the watcher thread draws the final state right after the job ends
        if not button.disabled:
            break
        import time
        time.sleep(0.25)
    return panel, folder, out


def test_grading_panel_grades_with_progress_and_chart(graded):
    panel, _, out = graded
    _, _, _, button, bar, status, chart = panel.children
    assert panel.job.error == ""
    assert bar.max == 2 and bar.value == 2 and bar.bar_style == "success"
    assert status.value.startswith("✅") and "2 份" in status.value
    assert bytes(chart.value).startswith(b"\x89PNG")
    assert not button.disabled
    totals = {r["trainee"]: sum(x["points"] for x in r["rows"]) for r in panel.job.results}
    assert totals["张三"] > 0 and totals["李四"] == 0
    assert (out / "gradebook.csv").exists() and (out / "summary.html").exists()
    assert chart.layout.display != "none"
    from openpyxl import load_workbook

    sheet = load_workbook(out / "gradebook.xlsx").active  # for people: Chinese headers and values
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["学员", "练习", "题目"] and "结果" in header
    values = {str(c.value) for row in sheet.iter_rows(min_row=2) for c in row}
    assert "正确" in values or "错误" in values
    assert not values & {"correct", "wrong", "core"} and any(v.startswith("q1 ") for v in values)
    assert open(out / "gradebook.csv", encoding="utf-8-sig").readline().startswith("trainee,")  # tools' columns stay


def test_second_run_resumes(graded):
    _, folder, out = graded
    job = console.GradingJob("07-rfm", folder, out)
    job.prepare()
    assert job.total == 2 and job.done == 2  # nothing left to grade


def test_summary_panel_reads_the_results(graded):
    _, _, out = graded
    panel = console.summary_panel(out=str(out))
    panel.refresh()
    _, _, text, chart = panel.children
    assert "2 份作业" in text.value and bytes(chart.value).startswith(b"\x89PNG")


def test_grading_panel_reports_a_missing_folder(tmp_path):
    panel = console.grading_panel(submissions=str(tmp_path / "nowhere"), out=str(tmp_path / "out"))
    panel.start()
    status = panel.children[5]
    assert status.value.startswith("❌") and not panel.children[3].disabled


def test_agenda_panel_offers_a_download():
    panel = console.agenda_panel()
    days, start, fmt, with_, without, button, link, preview = panel.children
    days.value, fmt.value = 1, "csv"
    panel.build()
    assert "download='agenda-1d.csv'" in link.value and "<table>" in preview.value
    # an optional track swapped in, a module swapped out: the same as agenda --with / --without
    days.value, with_.value, without.value = 2, "M13", "M09"
    panel.build()
    assert ">M13<" in preview.value and ">M09<" not in preview.value
    with_.value = "M99"
    panel.build()
    assert link.value.startswith("❌") and "M99" in link.value
    with_.value, without.value = "", ""
    start.value = "25:99"
    panel.build()
    assert link.value.startswith("❌")


def test_console_notebook_runs_and_holds_no_code_logic(tmp_path):
    from nbclient import NotebookClient

    path = notebooks_dir() / "trainer.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not re.search(r"^\s*(def|class)\s", cell.source, re.M) and "lambda" not in cell.source
            assert cell.outputs == []
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(notebooks_dir())}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    views = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 4  # grading, summary, agenda and trainee-bundle panels
    assert REPO_ROOT.exists()
