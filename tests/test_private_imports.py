"""No module in course/ imports another module's private (leading-underscore) names.

A private name may change without notice; a module that needs it should get a public name from
its owner (as the RFM explorer now uses ``course.rfm.prepare_orders``, the classroom
``course.exercises.check.current_exercise`` / ``failed_tries`` and ``course.core.i18n.messages``).
There are no exceptions.
"""
from __future__ import annotations

import ast
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1] / "course"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_module(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = here.split(".") if is_package else here.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def private_imports(root: Path = COURSE) -> set[tuple[str, str, str]]:
    """(importing module, source module, private name) for every ``from X import _name``."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        here = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _source_module(node, here, path.name == "__init__.py")
            for alias in node.names:
                name = alias.name
                if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                    if source != here:
                        found.add((here, source, name))
    return found


def test_no_module_imports_a_private_name_of_another():
    found = private_imports()
    assert not found, "private names imported across modules: " + ", ".join(
        f"{a} ← {b}.{n}" for a, b, n in sorted(found))


def test_the_scan_sees_relative_and_multiline_imports(tmp_path):
    pkg = tmp_path / "course" / "pkg"
    pkg.mkdir(parents=True)
    (tmp_path / "course" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("from .a import _x\n")
    (pkg / "a.py").write_text("_x = 1\n")
    (pkg / "b.py").write_text("from course.pkg.a import (\n    public,\n    _x as y,\n)\nfrom . import _c\n")
    assert private_imports(tmp_path / "course") == {
        ("course.pkg", "course.pkg.a", "_x"),
        ("course.pkg.b", "course.pkg.a", "_x"),
        ("course.pkg.b", "course.pkg", "_c"),
    }


# ------------------------------------------------ the public names that replaced private imports


def test_check_state_is_read_through_public_functions(monkeypatch):
    from collections import Counter

    from course.exercises import check as check_module

    monkeypatch.setattr(check_module, "_state", {**check_module._state, "name": None,
                                                 "questions": {}, "failures": Counter()})
    assert check_module.current_exercise() is None
    assert check_module.failed_tries("q1") is None
    monkeypatch.setitem(check_module._state, "name", "07-rfm")
    monkeypatch.setitem(check_module._state, "questions", {"q1": {}, "q2": {}})
    check_module._state["failures"]["q1"] += 2
    assert check_module.current_exercise() == "07-rfm"
    assert check_module.failed_tries("q1") == 2
    assert check_module.failed_tries("q2") == 0
    assert check_module.failed_tries("q9") is None


def test_messages_gives_a_group_of_texts_with_english_filling_gaps(monkeypatch):
    from course.core import i18n

    monkeypatch.setenv("COURSE_LANG", "zh_CN")
    zh = i18n.messages("classroom.ui_")
    assert zh and all(key.startswith("classroom.ui_") for key in zh)
    assert zh == {k: v for k, v in i18n._catalog("zh_CN").items() if k.startswith("classroom.ui_")}
    monkeypatch.setenv("COURSE_LANG", "xx")  # a language without a catalog: English throughout
    assert i18n.messages("classroom.ui_") == {
        k: v for k, v in i18n._catalog("en").items() if k.startswith("classroom.ui_")}
