"""Lesson notebooks: the ``course`` metadata other tools read (agenda, handouts), trainer notes,
case cards, no helper functions in code cells, relative links that resolve, and a start page that
links every lesson.

The checks are plain functions (``schema_problems``, ``defined_names``, ``relative_links``,
``broken_links``) so that the last group of tests can prove each one catches a bad notebook.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from course.core.paths import REPO_ROOT, notebooks_dir

NOTEBOOKS = notebooks_dir()
START_NAME = "00-start.ipynb"
KINDS = {"讲解", "练习", "互动", "案例"}
MODULE_ID = re.compile(r"M\d\d")
REQUIRED_KEYS = {"module", "title", "core", "minutes", "objectives", "key_points", "exercise"}
# core_minutes: the module's time in the 1-day course (required when core); advanced: an optional
# track for analysts, {"title": …, "minutes": …}, listed in the agenda as 选修 and not counted
OPTIONAL_KEYS = {"core_minutes", "advanced"}
TRAINER_NOTE, CASE_CARD = "trainer-note", "case-card"


# ----------------------------------------------------------------------------------------------
# Finding and reading notebooks
# ----------------------------------------------------------------------------------------------
def lesson_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every lesson notebook NN-slug.ipynb; the start page shares the pattern but is no lesson."""
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if p.name != START_NAME)


def read_nb(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return src if isinstance(src, str) else "".join(src)


def tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


# ----------------------------------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------------------------------
def _text_list_problems(value, key: str) -> list[str]:
    if not isinstance(value, list) or not value:
        return [f"{key} must be a non-empty list"]
    if not all(isinstance(item, str) and item.strip() for item in value):
        return [f"{key} must hold non-empty strings"]
    return []


def _minutes_problems(minutes, key: str) -> list[str]:
    if not isinstance(minutes, dict) or set(minutes) != KINDS:
        got = sorted(minutes) if isinstance(minutes, dict) else minutes
        return [f"{key} keys must be exactly {sorted(KINDS)}, got {got}"]
    # bool is an int subclass: true would otherwise pass as 1 minute
    return [f"{key}[{kind}] must be a positive integer, got {value!r}" for kind, value in minutes.items()
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0]


def schema_problems(meta) -> list[str]:
    """What is wrong with a lesson's ``metadata.course`` (empty list when it is valid)."""
    if not isinstance(meta, dict):
        return ["metadata.course is missing or not an object"]
    problems = []
    missing, unknown = REQUIRED_KEYS - meta.keys(), meta.keys() - REQUIRED_KEYS - OPTIONAL_KEYS
    if missing:
        problems.append(f"missing keys: {sorted(missing)}")
    if unknown:
        problems.append(f"unknown keys: {sorted(unknown)}")
    module = meta.get("module")
    if not (isinstance(module, str) and MODULE_ID.fullmatch(module)):
        problems.append(f"module {module!r} does not match M\\d\\d")
    title = meta.get("title")
    if not (isinstance(title, str) and title.strip()):
        problems.append("title must be a non-empty string")
    if not isinstance(meta.get("core"), bool):
        problems.append("core must be true or false")
    problems += _minutes_problems(meta.get("minutes"), "minutes")
    if meta.get("core") is True or "core_minutes" in meta:
        problems += _minutes_problems(meta.get("core_minutes"), "core_minutes")
    if meta.get("core") is not True and "core_minutes" in meta:
        problems.append("core_minutes is only for core modules")
    advanced = meta.get("advanced")
    if advanced is not None and not (isinstance(advanced, dict) and set(advanced) == {"title", "minutes"}
                                     and isinstance(advanced["minutes"], int) and advanced["minutes"] > 0):
        problems.append("advanced must be {'title': str, 'minutes': positive int}")
    problems += _text_list_problems(meta.get("objectives"), "objectives")
    problems += _text_list_problems(meta.get("key_points"), "key_points")
    exercise = meta.get("exercise")
    if exercise is not None and not (isinstance(exercise, str) and exercise.strip()):
        problems.append("exercise must be a notebook name such as '07-rfm' or null")
    return problems


_MAGIC = re.compile(r"^\s*[%!]")


def defined_names(code: str) -> list[str]:
    """Functions, classes and named lambdas a code cell defines (IPython magics are skipped)."""
    plain = "\n".join("" if _MAGIC.match(line) else line for line in code.splitlines())
    found = []
    for node in ast.walk(ast.parse(plain)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Lambda):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found += [ast.unparse(t) for t in targets]
    return found


_FENCED = re.compile(r"^```.*?^```", re.S | re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def relative_links(markdown: str) -> list[str]:
    """Relative link targets (markdown and HTML) without #anchor or ?query; code is ignored."""
    text = _INLINE_CODE.sub("", _FENCED.sub("", markdown))
    out = []
    for target in _MD_LINK.findall(text) + _HTML_LINK.findall(text):
        if _SCHEME.match(target) or target.startswith(("#", "/")):
            continue  # web addresses, mailto:, attachment:, same-page anchors
        path = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if path:
            out.append(path)
    return out


def broken_links(nb: dict, folder: Path) -> list[str]:
    """Relative links in the markdown cells that do not point at an existing file."""
    return [
        link
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "markdown"
        for link in relative_links(source(cell))
        if not (folder / link).exists()
    ]


def linked_files(nb: dict, folder: Path) -> set[Path]:
    return {
        (folder / link).resolve()
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "markdown"
        for link in relative_links(source(cell))
    }


# ----------------------------------------------------------------------------------------------
# The lesson notebooks
# ----------------------------------------------------------------------------------------------
LESSONS = lesson_paths()
ALL_NOTEBOOKS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_lessons_found():
    assert LESSONS, f"no lesson notebook NN-slug.ipynb in {NOTEBOOKS}"
    assert (NOTEBOOKS / START_NAME).exists()


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_metadata_schema(path):
    meta = read_nb(path)["metadata"]
    assert schema_problems(meta.get("course")) == []
    assert meta.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_file_number_matches_module(path):
    assert read_nb(path)["metadata"]["course"]["module"] == f"M{path.name[:2]}"


def test_module_ids_unique():
    modules = [read_nb(p)["metadata"]["course"]["module"] for p in LESSONS]
    assert len(modules) == len(set(modules)), modules


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_trainer_notes(path):
    notes = [c for c in read_nb(path)["cells"] if TRAINER_NOTE in tags(c)]
    assert notes, f"{path.name}: no cell tagged {TRAINER_NOTE!r}"
    for cell in notes:
        assert cell["cell_type"] == "markdown"
        assert source(cell).lstrip().startswith("**讲师提示**"), source(cell)[:40]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_case_card(path):
    cards = [c for c in read_nb(path)["cells"] if CASE_CARD in tags(c)]
    assert cards, f"{path.name}: no cell tagged {CASE_CARD!r}"
    assert all(c["cell_type"] == "markdown" for c in cards)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_helper_definitions(path):
    for i, cell in enumerate(read_nb(path)["cells"]):
        if cell["cell_type"] == "code":
            assert defined_names(source(cell)) == [], f"{path.name} cell {i}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_exercise_exists_and_is_linked(path):
    nb = read_nb(path)
    exercise = nb["metadata"]["course"]["exercise"]
    if exercise is None:
        pytest.skip("lesson without an exercise")
    target = (REPO_ROOT / "exercises" / f"{exercise}.ipynb").resolve()
    assert target.exists(), target
    assert target in linked_files(nb, path.parent), f"{path.name} never links {target.name}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_saved_without_outputs(path):
    for i, cell in enumerate(read_nb(path)["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, (
                f"{path.name} cell {i} was saved with outputs"
            )


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.name)
def test_relative_links_resolve(path):
    assert broken_links(read_nb(path), path.parent) == []


# ----------------------------------------------------------------------------------------------
# The start page
# ----------------------------------------------------------------------------------------------
def test_start_page_metadata():
    meta = read_nb(NOTEBOOKS / START_NAME)["metadata"]
    assert meta.get("course") == {"module": "START", "title": "课程首页"}


def test_start_page_links_every_lesson():
    links = linked_files(read_nb(NOTEBOOKS / START_NAME), NOTEBOOKS)
    missing = [p.name for p in LESSONS if p.resolve() not in links]
    assert missing == [], f"00-start.ipynb does not link {missing}"


# ----------------------------------------------------------------------------------------------
# The checks themselves catch bad notebooks
# ----------------------------------------------------------------------------------------------
def good_meta() -> dict:
    return {
        "module": "M07", "title": "T", "core": True,
        "minutes": {"讲解": 1, "练习": 2, "互动": 3, "案例": 4},
        "core_minutes": {"讲解": 1, "练习": 1, "互动": 1, "案例": 1},
        "objectives": ["a"], "key_points": ["b"], "exercise": "07-rfm",
    }


@pytest.mark.parametrize(
    "change",
    [
        {"module": "M7"},
        {"module": "START"},
        {"title": ""},
        {"core": "yes"},
        {"core_minutes": None},
        {"core": False},
        {"advanced": {"title": "BG/NBD"}},
        {"minutes": {"讲解": 1, "练习": 2, "互动": 3}},
        {"minutes": {"讲解": 1, "练习": 2, "互动": 3, "案例": 4, "其他": 5}},
        {"minutes": {"讲解": 0, "练习": 2, "互动": 3, "案例": 4}},
        {"minutes": {"讲解": 1.5, "练习": 2, "互动": 3, "案例": 4}},
        {"minutes": {"讲解": True, "练习": 2, "互动": 3, "案例": 4}},
        {"objectives": []},
        {"key_points": "b"},
        {"key_points": [""]},
        {"exercise": 7},
        {"keypoints": ["typo"]},
    ],
    ids=repr,
)
def test_schema_problems_catches(change):
    assert schema_problems(good_meta()) == []
    assert schema_problems({**good_meta(), **change}) != []


def test_schema_problems_catches_missing_key():
    meta = good_meta()
    del meta["minutes"]
    assert schema_problems(meta) != []
    assert schema_problems(None) != []


@pytest.mark.parametrize(
    "code, names",
    [
        ("def helper(x):\n    return x", ["helper"]),
        ("class Box:\n    pass", ["Box"]),
        ("async def fetch():\n    pass", ["fetch"]),
        ("if True:\n    def inner(): pass", ["inner"]),
        ("double = lambda x: 2 * x", ["double"]),
        ("%matplotlib inline\nrfm_explorer(orders)", []),
        ("for k, v in d.items(): print(k, v)", []),
        ("table.sort_values('m', key=lambda s: -s)", []),
    ],
)
def test_defined_names(code, names):
    assert defined_names(code) == names


def test_relative_links_and_broken_links(tmp_path):
    (tmp_path / "here.ipynb").write_text("{}", encoding="utf-8")
    md = (
        "[ok](here.ipynb#top) [web](https://example.com) [anchor](#part) "
        "[gone](../nowhere/07-x.ipynb) <a href='missing%20file.ipynb'>x</a> "
        "`[not a link](code.ipynb)` [mail](mailto:a@b.c)"
    )
    assert relative_links(md) == ["here.ipynb", "../nowhere/07-x.ipynb", "missing file.ipynb"]
    nb = {"cells": [{"cell_type": "markdown", "source": md},
                    {"cell_type": "code", "source": "[x](code-cell.ipynb)"}]}
    assert broken_links(nb, tmp_path) == ["../nowhere/07-x.ipynb", "missing file.ipynb"]


def test_lesson_paths_skips_start_page(tmp_path):
    for name in ("00-start.ipynb", "00-intro.ipynb", "07-rfm.ipynb", "notes.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in lesson_paths(tmp_path)] == ["00-intro.ipynb", "07-rfm.ipynb"]
