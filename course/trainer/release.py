"""``python -m course release --out FILE.zip``: the student bundle, exactly what trainees get.

In the zip: the lessons (trainer-note cells stripped) and the start page, the generated exercises,
the datasets, the ``course`` package with ``pyproject.toml`` / ``environment.yml`` / ``Makefile``,
and 学员须知.md with the install steps. Never in it: ``solutions/`` (masters, reference answers,
hidden checks), trainer notes, tests. ``audit(zip)`` proves it and runs after every build.

``--assessment`` builds the bundle for a graded session: the exercises carry no answer in any form
(no ``show_answer`` payload, no fingerprint of the reference answer, no per-option explanation, no
hint that quotes a solution line), so ``check()`` confirms only an answer's shape (type, columns,
row count) and is no oracle; ``show_answer`` says the answers come after the session.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import sys
import zipfile
from pathlib import Path

from course.core.i18n import CourseError, t
from course.core.paths import REPO_ROOT, datasets_dir, exercises_dir, notebooks_dir, solutions_dir
from course.exercises.assign import PUBLIC_KEYS
from course.trainer.lessons import TRAINER_NOTE, cell_source, cell_tags, strip_trainer_notes

ROOT_FILES = ("pyproject.toml", "environment.yml", "Makefile", "LICENSE")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
SKIP_SUFFIXES = {".pyc", ".pyo"}
# what an exercise question may carry: the public spec plus what assign adds for instant feedback
EXERCISE_KEYS = set(PUBLIC_KEYS) | {"hints", "answer", "digests", "rows"}
SOLUTION_MARKERS = ("# SOLUTION", "# BEGIN SOLUTION", "# END SOLUTION", "# BEGIN QUESTION")
NOTE_MARK = "**讲师提示**"
# what an assessment exercise question may carry: the public spec, shape-only checks, safe hints
ASSESSMENT_DROP = ("answer", "feedback")
ASSESSMENT_MODE = "assessment"
# a fixed timestamp: building twice from the same sources gives the same bytes
STAMP = (2025, 1, 1, 0, 0, 0)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not (SKIP_PARTS & set(p.parts))
                  and p.suffix not in SKIP_SUFFIXES)


def _notebook_bytes(path: Path) -> bytes:
    nb = strip_trainer_notes(json.loads(path.read_text(encoding="utf-8")))
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _solution_lines(question: dict) -> set[str]:
    """The code lines of a question's answer (what show_answer would reveal), normalised."""
    try:
        reveal = json.loads(base64.b64decode(question.get("answer", "")).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return set()
    code = reveal.get("code", "") if isinstance(reveal, dict) else ""
    lines = {_squash(line.split("#", 1)[0]) for line in str(code).splitlines()}
    return {line for line in lines if len(line) >= 4}


def _squash(text: str) -> str:
    return "".join(str(text).split())


def _quotes_solution(hint: str, lines: set[str]) -> bool:
    squashed = _squash(hint)
    return any(line in squashed for line in lines)


def assessment_question(question: dict) -> dict:
    """A question as an assessment exercise carries it: no answer in any form."""
    lines = _solution_lines(question)
    kept = {k: v for k, v in question.items() if k not in ASSESSMENT_DROP}
    kept["digests"] = []  # no fingerprint: check() confirms the shape only
    hints = [h if isinstance(h, str) and not _quotes_solution(h, lines) else t("trainer.assessment_hint")
             for h in question.get("hints", [])]
    kept["hints"] = (hints + [t("trainer.assessment_hint")] * 2)[:max(2, len(hints))]
    return kept


def assessment_notebook(raw: bytes) -> bytes:
    nb = json.loads(raw.decode("utf-8"))
    meta = nb.get("metadata", {}).get("course", {})
    meta["mode"] = ASSESSMENT_MODE
    meta["questions"] = [assessment_question(q) for q in meta.get("questions", [])]
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def contents(assessment: bool = False) -> list[tuple[str, bytes]]:
    """(name in the zip, bytes) for everything the bundle holds, in a stable order."""
    items: list[tuple[str, bytes]] = []
    for path in sorted(notebooks_dir().glob("*.ipynb")):
        if path.name != "trainer.ipynb":  # the trainer console stays with the trainer
            items.append((f"notebooks/{path.name}", _notebook_bytes(path)))
    for path in sorted(exercises_dir().glob("*.ipynb")):
        raw = path.read_bytes()
        items.append((f"exercises/{path.name}", assessment_notebook(raw) if assessment else raw))
    data = datasets_dir()
    for path in _files(data):
        items.append((f"datasets/{path.relative_to(data).as_posix()}", path.read_bytes()))
    package = REPO_ROOT / "course"
    for path in _files(package):
        items.append((f"course/{path.relative_to(package).as_posix()}", path.read_bytes()))
    for name in ROOT_FILES:
        if (REPO_ROOT / name).exists():
            items.append((name, (REPO_ROOT / name).read_bytes()))
    items.append(("学员须知.md", t("trainer.release_readme").encode("utf-8")))
    return items


def _solution_digests() -> set[str]:
    folder = solutions_dir()
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(folder)} if folder.exists() else set()


def notebook_problems(name: str, raw: bytes, assessment: bool = False) -> list[str]:
    """Why a notebook must not be in the bundle (empty: it may)."""
    try:
        nb = json.loads(raw.decode("utf-8"))
    except ValueError:
        return [t("trainer.audit_unreadable", name=name)]
    found = []
    for i, cell in enumerate(nb.get("cells", [])):
        text = cell_source(cell)
        if TRAINER_NOTE in cell_tags(cell) or NOTE_MARK in text:
            found.append(t("trainer.audit_trainer_note", name=name, cell=i))
        if cell.get("cell_type") in {"code", "raw"} and any(m in text for m in SOLUTION_MARKERS):
            found.append(t("trainer.audit_solution", name=name, cell=i))
    for question in nb.get("metadata", {}).get("course", {}).get("questions", []) or []:
        extra = set(question) - EXERCISE_KEYS
        if extra:
            found.append(t("trainer.audit_hidden", name=name, keys="、".join(sorted(extra))))
        if assessment and (set(question) & set(ASSESSMENT_DROP) or question.get("digests")):
            found.append(t("trainer.audit_assessment_answer", name=name, id=question.get("id", "?")))
    return found


def audit(zip_path: Path, assessment: bool = False) -> list[str]:
    """Everything in the zip a trainee must not get, as Chinese sentences (empty: clean)."""
    found = []
    solution_files = _solution_digests()
    with zipfile.ZipFile(zip_path) as bundle:
        for name in bundle.namelist():
            parts = name.split("/")
            if "solutions" in parts or "answers" in parts or parts[0] == "tests":
                found.append(t("trainer.audit_path", name=name))
                continue
            raw = bundle.read(name)
            if hashlib.sha256(raw).hexdigest() in solution_files:
                found.append(t("trainer.audit_copy", name=name))
            if name.endswith(".ipynb"):
                found += notebook_problems(name, raw, assessment and parts[0] == "exercises")
    return found


def build(out: Path, assessment: bool = False) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in (contents(assessment=True) if assessment else contents()):
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    out.write_bytes(buffer.getvalue())
    problems = audit(out, assessment)
    if problems:
        out.unlink()
        raise CourseError("trainer.audit_failed", problems="\n".join(problems))
    return out


def write_trainee_exercises(roster: Path, folder: Path, assessment: bool = False) -> list[Path]:
    """Every exercise in each trainee's own variant (issue 19): ``folder/<trainee>/<NN-slug>.ipynb``,
    from a roster CSV (``trainee,variant``); assessment copies keep shape checks only."""
    from course.exercises.assign import masters, read_roster, write_roster

    written = []
    for master in masters():
        for path in write_roster(master.stem, read_roster(roster), folder):
            if assessment:
                path.write_bytes(assessment_notebook(path.read_bytes()))
            written.append(path)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course release", description=t("cli.release"))
    parser.add_argument("--out", type=Path, required=True, help=t("trainer.arg_zip"))
    parser.add_argument("--assessment", action="store_true", help=t("trainer.arg_assessment"))
    parser.add_argument("--roster", type=Path, default=None, help=t("assign.arg_release_roster"))
    args = parser.parse_args(argv)
    try:
        path = build(args.out, assessment=args.assessment)
        if args.roster:  # one exercise per trainee, beside the bundle
            folder = path.with_name(path.stem + "-trainees")
            count = len(write_trainee_exercises(args.roster, folder, args.assessment))
            print(t("assign.release_roster_done", count=count, folder=folder))
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    with zipfile.ZipFile(path) as bundle:
        count = len(bundle.namelist())
    print(t("trainer.release_done", path=path, count=count, size=f"{path.stat().st_size / 1e6:.1f}"))
    if args.assessment:
        print(t("trainer.release_assessment_done"))
    return 0
