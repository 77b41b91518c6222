"""Reading a submitted file into a notebook, or saying in Chinese why it cannot be read."""
from __future__ import annotations

import hashlib
import json
import os
import unicodedata
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


# characters that cannot be in a trainee id: path separators, Windows-forbidden ones, controls
_FORBIDDEN = set('/\\:*?"<>|')


def trainee_id(stem: str) -> str:
    """A trainee id from a file name in any bytes: UTF-8, else GBK/GB18030 (a Windows zip of
    张三.ipynb unpacks to those bytes), never failing; NFC, no controls, no path characters."""
    raw = os.fsencode(stem)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch not in _FORBIDDEN and unicodedata.category(ch)[0] != "C")
    text = text.strip().lstrip(".")[:80].strip()
    return text or "unnamed-" + hashlib.sha256(raw).hexdigest()[:8]


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        if given.is_dir():
            files += sorted(p for p in given.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        else:
            files.append(given)
    return list(dict.fromkeys(files))  # the same file named twice is one submission


def claims(paths: list[Path]) -> tuple[list[tuple[str, Path]], dict[str, list[Path]]]:
    """(trainee id, file) for every notebook named or found in the given folders, and the ids that
    several files claim (id -> files): those are refused, never renamed onto someone else's id."""
    claimed: dict[str, list[Path]] = {}
    for file in _files(paths):
        claimed.setdefault(trainee_id(file.stem), []).append(file)
    unique = [(trainee, found[0]) for trainee, found in claimed.items() if len(found) == 1]
    clashes = {trainee: found for trainee, found in claimed.items() if len(found) > 1}
    return unique, clashes


def collect(paths: list[Path]) -> list[tuple[str, Path]]:
    """(trainee id, first file) per trainee id, clashing ids included once (they are refused)."""
    unique, clashes = claims(paths)
    return unique + [(trainee, files[0]) for trainee, files in clashes.items()]


def clash(trainee: str, files: list[Path]) -> Submission:
    """One refused submission standing for every file that claims ``trainee``."""
    names = "、".join(os.fsdecode(f.name).encode("utf-8", "replace").decode("utf-8") for f in files)
    return Submission(trainee, files[0], "", None, t("grading.id_clash", id=trainee, files=names))
