"""Reading a submitted file into a notebook, or saying in Chinese why it cannot be read."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.core.i18n import t

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Submission:
    trainee: str
    path: Path
    sha256: str
    notebook: object | None  # a v4 NotebookNode, or None when unreadable
    problem: str | None  # Chinese reason when unreadable


def _problem(trainee: str, path: Path, digest: str, key: str, **fields) -> Submission:
    return Submission(trainee, path, digest, None, t(f"grading.unreadable_{key}", **fields))


def read_submission(path: Path, trainee: str) -> Submission:
    try:
        data = path.read_bytes()
    except OSError as error:
        return _problem(trainee, path, "", "os_error", detail=error.strerror or str(error))
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip():
        return _problem(trainee, path, digest, "empty")
    if len(data) > MAX_BYTES:
        return _problem(trainee, path, digest, "too_big", mb=MAX_BYTES // (1024 * 1024))
    if b"\x00" in data:
        return _problem(trainee, path, digest, "null_bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _problem(trainee, path, digest, "not_utf8")
    if not text.lstrip().startswith("{"):  # not even JSON: a document, an image, a text file…
        return _problem(trainee, path, digest, "not_notebook")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return _problem(trainee, path, digest, "bad_json", line=error.lineno)
    if not isinstance(raw, dict) or not isinstance(raw.get("nbformat"), int) or (
            "cells" not in raw and "worksheets" not in raw):
        return _problem(trainee, path, digest, "not_notebook")
    if raw["nbformat"] < 4:
        return _problem(trainee, path, digest, "old_format", version=raw["nbformat"])
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several types for malformed notebooks
        return _problem(trainee, path, digest, "invalid", detail=str(error).splitlines()[0][:160])
    return Submission(trainee, path, digest, notebook, None)


def collect(paths: list[Path]) -> list[tuple[str, Path]]:
    """(trainee id, file) for every notebook named or found in the given folders."""
    files: list[Path] = []
    for given in paths:
        if given.is_dir():
            files += sorted(p for p in given.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            files.append(given)
    seen: dict[str, int] = {}
    out = []
    for file in files:
        trainee = file.stem
        seen[trainee] = seen.get(trainee, 0) + 1
        out.append((trainee if seen[trainee] == 1 else f"{trainee}-{seen[trainee]}", file))
    return out
