"""The console's trainee-bundle panel: practice or assessment, built by the same code as
``python -m course release [--assessment]`` (same bytes), and an assessment bundle carries no answer."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from course.core.i18n import t
from course.trainer import console, release


def cli_bundle(out, assessment: bool):
    command = [sys.executable, "-m", "course", "release", "--out", str(out)] + (["--assessment"] if assessment else [])
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def exercise_questions(path):
    with zipfile.ZipFile(path) as bundle:
        for name in bundle.namelist():
            if name.startswith("exercises/") and name.endswith(".ipynb"):
                meta = json.loads(bundle.read(name))["metadata"]["course"]
                yield meta, meta["questions"]


@pytest.mark.parametrize("assessment", [False, True])
def test_the_panel_builds_what_the_command_builds(tmp_path, assessment):
    panel = console.release_panel(out=str(tmp_path / "console.zip"))
    panel.mode.value = assessment
    panel.build()
    assert (tmp_path / "console.zip").read_bytes() == cli_bundle(tmp_path / "cli.zip", assessment)
    assert (t("trainer.release_assessment_done") in panel.status.value) is assessment
    assert "❌" not in panel.status.value


def test_an_assessment_bundle_from_the_console_carries_no_answer(tmp_path):
    practice = console.release_view(tmp_path / "practice.zip")
    graded = console.release_view(tmp_path / "assessment.zip", assessment=True)
    assert practice["count"] == graded["count"] and graded["assessment"]
    # practice keeps the answers show_answer shows; assessment drops every one of them
    assert any("answer" in q for _, questions in exercise_questions(practice["path"]) for q in questions)
    found = list(exercise_questions(graded["path"]))
    assert found and all(meta.get("mode") == "assessment" for meta, _ in found)
    assert not [q["id"] for _, questions in found for q in questions
                if set(q) & set(release.ASSESSMENT_DROP) or q.get("digests")]
    assert release.audit(graded["path"], assessment=True) == []


def test_a_failed_build_is_said_in_the_panel(tmp_path, monkeypatch):
    def refuse(out, assessment=False):
        raise release.CourseError("trainer.audit_failed", problems="x")

    monkeypatch.setattr(release, "build", refuse)
    panel = console.release_panel(out=str(tmp_path / "x.zip"))
    panel.build()
    assert panel.status.value.startswith("❌") and "x" in panel.status.value
