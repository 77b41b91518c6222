"""Reference answers: what the master notebook's solutions evaluate to, per variant.

They are derived by running the master through the grader's own runner (variant k > 0: with
papermill's parameter injection, ``variant = k``, after the master's ``parameters`` cell) and kept
with a hash of what they were derived from (the master's cells and the tables it loads; for
variants also the course package, see ``library_hash``), so
``assign --check`` and the grader can tell a stale copy without starting a kernel.

Where they live, and why:
* variant 0: ``solutions/answers/NN-slug.json`` — committed; CI checks it is current, and the
  default exercise and grading need no kernel to find it;
* variant k > 0: ``solutions/answers/variants/NN-slug/vK.json`` — git-ignored: any number of
  variants exists, each is one master run away, and every data or master change would otherwise
  rewrite dozens of committed files. ``python -m course assign`` / ``grade`` fill it on first use.

Choice answers are stored with the variant's letters (the options rotate per variant, see
``course.exercises.variants``), i.e. what the trainee of that variant must answer.
"""
from __future__ import annotations

import ast
import asyncio
import copy
import hashlib
import json
import os
import threading
import time
from pathlib import Path

from course.core import paths
from course.core.i18n import CourseError
from course.exercises.answers import gate
from course.exercises.master import Master
from course.exercises.variants import SHUFFLE_SCHEME, remap_answer


def answers_path(name: str, variant: int = 0) -> Path:
    folder = paths.solutions_dir() / "answers"
    return folder / f"{name}.json" if not variant else folder / "variants" / name / f"v{variant}.json"


def loaded_tables(master: Master) -> list[str] | None:
    """The tables the master's code loads, from its ``load("name")`` calls; None when some use of
    ``load`` does not name a table in the source (a variable, ``map(load, …)``): then every table
    counts. Read from the source, not recorded during a run, so that ``assign --check``, the
    grader and the classroom can tell a stale answer without a kernel; sound because library code
    never loads a table itself (tests/exercises/test_reference_tables.py checks that)."""
    names: set[str] = set()
    for cell in master.notebook.cells:
        if cell.cell_type != "code":
            continue
        # IPython magics and shell lines are not Python
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in cell.source.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        aliases = {"load"} | {a.asname for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                              for a in node.names if a.name == "load" and a.asname}
        named = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _load_call(node.func, aliases):
                named.add(id(node.func))
                first = node.args[0] if node.args else next(
                    (k.value for k in node.keywords if k.arg == "name"), None)
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    return None
                names.add(first.value)
        if any(_load_call(node, aliases) and id(node) not in named for node in ast.walk(tree)):
            return None  # load passed around as a value
    return sorted(names)


def _load_call(node, aliases) -> bool:
    return (isinstance(node, ast.Name) and node.id in aliases) or \
        (isinstance(node, ast.Attribute) and node.attr == "load")


def source_hash(master: Master) -> str:
    """What the reference answers depend on: the master's code and raw cells, and the tables it
    loads (all of them when that cannot be read from the source). Another table added or changed
    leaves the answers current."""
    digest = hashlib.sha256()
    for cell in master.notebook.cells:
        if cell.cell_type in ("code", "raw"):
            digest.update(cell.cell_type.encode() + b"\0" + cell.source.encode("utf-8") + b"\0")
    data_dir = paths.datasets_dir()
    tables = loaded_tables(master)
    files = sorted(data_dir.glob("*.csv")) if tables is None else [data_dir / f"{n}.csv" for n in tables]
    for data_file in files:
        if data_file.is_file():  # cdnow is a folder of its own, fetched, not generated
            digest.update(data_file.name.encode("utf-8") + b"\0" + data_file.read_bytes())
    return digest.hexdigest()


_LIBRARY = {"at": -10.0, "key": None, "hash": ""}


def library_hash() -> str:
    """The course package's code and data files: a variant's cached answers were computed through
    them, so a library update (say a git pull between two classes) makes the cache stale. Variant 0
    needs no such stamp: it is committed, and CI grades the masters against it."""
    if time.monotonic() - _LIBRARY["at"] < 2:  # checking 450 cached variants looks once, not 450 times
        return _LIBRARY["hash"]
    package = Path(__file__).resolve().parents[1]
    files = sorted(f for pattern in ("*.py", "*.yaml") for f in package.rglob(pattern))
    key = tuple((str(f), stat.st_mtime_ns, stat.st_size) for f in files for stat in [f.stat()])
    if key != _LIBRARY["key"]:  # read the files again only when one changed on disk
        digest = hashlib.sha256()
        for f in files:
            digest.update(str(f.relative_to(package)).encode() + b"\0" + f.read_bytes())
        _LIBRARY.update(key=key, hash=digest.hexdigest())
    _LIBRARY["at"] = time.monotonic()
    return _LIBRARY["hash"]


def read_answers(name: str, variant: int = 0) -> dict | None:
    path = answers_path(name, variant)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def is_current(master: Master, stored: dict | None, variant: int = 0, digest: str | None = None) -> bool:
    return bool(stored) and stored.get("variant", 0) == variant and \
        (not variant or (stored.get("shuffle") == SHUFFLE_SCHEME and stored.get("library") == library_hash())) and \
        stored.get("source_hash") == (digest or source_hash(master))


def parameterized(master: Master, variant: int):
    """The master notebook with ``variant`` injected the papermill way (variant 0: unchanged)."""
    notebook = copy.deepcopy(master.notebook)
    if not variant:
        return notebook
    if master.parameters is None:
        raise CourseError("master.no_parameters", path=master.path.name)
    from papermill.parameterize import parameterize_notebook

    notebook.metadata.setdefault("kernelspec", {"name": "python3", "language": "python"})
    notebook.metadata["kernelspec"].setdefault("language", "python")
    notebook.metadata.setdefault("papermill", {})
    for cell in notebook.cells:  # papermill's loader adds these; nbformat's does not
        cell.metadata.setdefault("tags", [])
    return parameterize_notebook(notebook, {"variant": variant}, language="python")


def compute_answers(master: Master, variant: int = 0) -> dict:
    """Run the master (for ``variant``) in a fresh kernel and return its validated reference answers."""
    from course.exercises.grading.runner import Limits, run_notebook

    # stamped with the inputs as the run starts: a table rewritten meanwhile leaves these answers
    # stale (computed again next time), never stamped current
    digest = source_hash(master)
    library = library_hash() if variant else None
    notebook = parameterized(master, variant)
    result = asyncio.run(run_notebook(notebook, master.question_ids, Limits(cell_seconds=120)))
    if result.fatal or result.problems:
        details = "; ".join(p.detail for p in result.problems) or result.fatal
        raise CourseError("master.run_failed", path=master.path.name, detail=details)
    answers = {}
    for question in master.questions:
        verdict = gate(question.spec, result.answers.get(question.id))
        if not verdict.passed:
            raise CourseError("master.bad_reference", path=master.path.name, id=question.id,
                              detail=verdict.message)
        answers[question.id] = remap_answer(master, question, variant, result.answers[question.id])
    stored = {"exercise": master.name, "source_hash": digest, "answers": answers}
    if variant:
        stored["variant"] = variant
        stored["shuffle"] = SHUFFLE_SCHEME  # the letters above follow this scheme
        stored["library"] = library
    return stored


def write_answers(stored: dict) -> Path:
    path = answers_path(stored["exercise"], stored.get("variant", 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    # write then rename: the classroom hub and a grader may fill the same cache at once
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    partial.write_text(json.dumps(stored, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return path


def reference_answers(master: Master, variant: int = 0, digest: str | None = None) -> dict:
    """The current reference answers of one variant: from the cache, else one master run.

    Variant 0 is never computed here (it is committed; a stale copy is an error that asks for
    ``python -m course assign``); variants k > 0 are computed on first use and cached."""
    stored = read_answers(master.name, variant)
    if is_current(master, stored, variant, digest):
        return stored
    if not variant:
        raise CourseError("assign.stale_answers", name=master.name)
    stored = compute_answers(master, variant)
    write_answers(stored)
    return stored


def submission_variant(notebook, trainee: str, roster: dict[str, int] | None) -> int:
    """The variant a submission is graded against: the roster's when given (so a copy of a
    neighbour's notebook is graded as the trainee's own variant), else the one its metadata records."""
    if roster is not None and trainee in roster:
        return roster[trainee]
    try:
        recorded = notebook.metadata["course"].get("variant", 0)
    except (AttributeError, KeyError, TypeError):
        return 0
    return recorded if isinstance(recorded, int) and not isinstance(recorded, bool) and recorded >= 0 else 0


def for_class(master: Master, stored: dict, submissions, roster: dict[str, int] | None) -> dict:
    """``stored`` (variant 0) plus what grading a class with variants needs: each trainee's variant
    and the reference answers of every variant present, all ready before any trainee kernel starts
    (so a variant costs one cached file read, not a master run, per submission)."""
    from concurrent.futures import ThreadPoolExecutor

    variant_of = {s.trainee: submission_variant(s.notebook, s.trainee, roster) for s in submissions}
    digest = stored["source_hash"]
    variants = sorted(set(variant_of.values()) - {0})
    # usually cached at release; when not, the master runs wait on their kernels: several at a time
    with ThreadPoolExecutor(min(4, os.cpu_count() or 2)) as pool:
        found = list(pool.map(lambda variant: reference_answers(master, variant, digest), variants))
    return {**stored, "variant_of": variant_of, "by_variant": {0: stored, **dict(zip(variants, found))}}


def graded_answers(stored: dict, trainee: str) -> tuple[int, dict]:
    """(variant, reference answers) for one trainee of a class prepared by ``for_class``."""
    variant = stored.get("variant_of", {}).get(trainee, 0)
    return variant, stored.get("by_variant", {}).get(variant, stored)["answers"]
