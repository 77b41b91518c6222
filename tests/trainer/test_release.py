"""The student bundle holds the lessons, exercises, datasets and the package, and nothing a
trainee must not get: no solutions, no reference answers or hidden checks, no trainer notes."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from course.core.paths import REPO_ROOT, datasets_dir, exercises_dir, solutions_dir
from course.trainer import release
from course.trainer.lessons import lesson_paths


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "学员包.zip"
    done = subprocess.run([sys.executable, "-m", "course", "release", "--out", str(out)],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return out


def names(path):
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def test_bundle_holds_what_trainees_need(bundle):
    inside = set(names(bundle))
    lessons = lesson_paths()
    assert lessons and all(f"notebooks/{p.name}" in inside for p in lessons)
    assert "notebooks/00-start.ipynb" in inside
    exercises = sorted(exercises_dir().glob("*.ipynb"))
    assert exercises and all(f"exercises/{p.name}" in inside for p in exercises)
    data = [p for p in datasets_dir().rglob("*") if p.is_file()]
    assert data and all(f"datasets/{p.relative_to(datasets_dir()).as_posix()}" in inside for p in data)
    assert {"pyproject.toml", "course/__init__.py", "course/exercises/check.py", "学员须知.md"} <= inside
    assert "notebooks/trainer.ipynb" not in inside


def test_bundle_holds_no_solutions_hidden_checks_or_notes(bundle):
    assert release.audit(bundle) == []
    inside = names(bundle)
    assert not [n for n in inside if n.startswith(("solutions/", "tests/")) or "/answers/" in n]
    with zipfile.ZipFile(bundle) as z:
        for name in inside:
            if name.endswith(".ipynb"):
                nb = json.loads(z.read(name).decode("utf-8"))
                for cell in nb["cells"]:
                    assert "trainer-note" not in cell.get("metadata", {}).get("tags", []), name
                    assert "讲师提示" not in "".join(cell["source"]), name
    # the reference answers (what the hidden checks compare against) are in no file of the zip
    answers = sorted((solutions_dir() / "answers").glob("*.json"))
    assert answers
    with zipfile.ZipFile(bundle) as z:
        for name in inside:
            if name.endswith((".json", ".ipynb")):
                text = z.read(name).decode("utf-8")
                for path in answers:
                    reference = json.loads(path.read_text(encoding="utf-8"))["answers"]
                    assert json.dumps(reference, ensure_ascii=False) not in text
                    assert json.dumps(reference) not in text
                    assert '"answers": {' not in text, name


def test_lessons_lose_only_their_trainer_notes(bundle):
    with zipfile.ZipFile(bundle) as z:
        for path in lesson_paths():
            original = json.loads(path.read_text(encoding="utf-8"))
            shipped = json.loads(z.read(f"notebooks/{path.name}").decode("utf-8"))
            kept = [c for c in original["cells"] if "trainer-note" not in c.get("metadata", {}).get("tags", [])]
            assert shipped["cells"] == kept
            assert len(kept) < len(original["cells"])  # every lesson has trainer notes


def test_same_sources_same_bytes(tmp_path, bundle):
    again = release.build(tmp_path / "again.zip")
    assert again.read_bytes() == bundle.read_bytes()


# ----------------------------------------------------------------------------------------------
# The audit itself catches every kind of leak
# ----------------------------------------------------------------------------------------------
def _zip(tmp_path, files: dict[str, bytes]):
    path = tmp_path / "leak.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def _nb(cells, questions=None):
    meta = {"course": {"questions": questions}} if questions is not None else {}
    return json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}).encode()


@pytest.mark.parametrize("files, word", [
    ({"solutions/07-rfm.ipynb": b"{}"}, "答案或测试目录"),
    ({"x/answers/07-rfm.json": b"{}"}, "答案或测试目录"),
    ({"notebooks/a.ipynb": _nb([{"cell_type": "markdown", "metadata": {"tags": ["trainer-note"]},
                                  "source": "x"}])}, "讲师提示"),
    ({"notebooks/a.ipynb": _nb([{"cell_type": "markdown", "metadata": {}, "source": "**讲师提示** 悄悄话"}])}, "讲师提示"),
    ({"exercises/a.ipynb": _nb([{"cell_type": "code", "metadata": {}, "source": "q1 = 3  # SOLUTION"}])}, "参考答案"),
    ({"exercises/a.ipynb": _nb([], [{"id": "q1", "accept": ["秘密"], "hints": []}])}, "不应公开"),
    ({"notebooks/a.ipynb": b"not json"}, "不是可读"),
])
def test_audit_catches(tmp_path, files, word):
    found = release.audit(_zip(tmp_path, files))
    assert found and word in found[0], found


def test_audit_catches_a_renamed_copy_of_a_master(tmp_path):
    master = sorted(solutions_dir().glob("*.ipynb"))[0]
    found = release.audit(_zip(tmp_path, {"exercises/renamed.ipynb": master.read_bytes()}))
    assert any("完全相同" in p for p in found), found


def test_build_refuses_a_leaky_bundle(tmp_path, monkeypatch):
    leak = ("exercises/leak.ipynb", (solutions_dir() / "07-rfm.ipynb").read_bytes())
    original = release.contents
    monkeypatch.setattr(release, "contents", lambda: original() + [leak])
    with pytest.raises(Exception, match="已删除"):
        release.build(tmp_path / "bad.zip")
    assert not (tmp_path / "bad.zip").exists()
    assert REPO_ROOT.exists()
