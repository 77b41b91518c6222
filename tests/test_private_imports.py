"""No module in course/ imports another module's private (leading-underscore) names.

A private name may change without notice; a module that needs it should get a public name from
its owner (as the RFM explorer now uses ``course.rfm.prepare_orders``).
"""
from __future__ import annotations

import ast
from pathlib import Path

COURSE = Path(__file__).resolve().parents[1] / "course"

# Known exceptions outside the widgets, left for the owners of those modules (issue 17 report).
# Each entry must still exist, so a fixed one has to be removed from this list.
KNOWN = {
    ("course.classroom.events", "course.exercises.check", "_state"),
    ("course.classroom.submit", "course.exercises.check", "_state"),
    ("course.classroom.service", "course.core.i18n", "_catalog"),
}


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
    new = private_imports() - KNOWN
    assert not new, "private names imported across modules: " + ", ".join(
        f"{a} ← {b}.{n}" for a, b, n in sorted(new))


def test_no_widget_imports_a_private_name():
    widgets = {entry for entry in private_imports() if entry[0].startswith("course.widgets.")}
    assert not widgets


def test_known_exceptions_are_still_there():
    # a fixed exception must leave KNOWN, or the list would hide a new one of the same shape
    assert KNOWN <= private_imports()


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
