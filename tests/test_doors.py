"""The one import door: every lesson-facing name has one owner, resolves to what its owner defines,
and lessons and exercises import only through ``course``."""
from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from collections import Counter

import nbformat
import pytest
from conftest import REPO

import course
from course.core.keywords import original

NOTEBOOKS = sorted([*REPO.glob("notebooks/*.ipynb"), *REPO.glob("solutions/[0-9][0-9]-*.ipynb"),
                    *REPO.glob("exercises/[0-9][0-9]-*.ipynb")])


def test_every_name_has_one_owner():
    owners = Counter(name for names in course.DOORS.values() for name in names.split())
    assert [name for name, n in owners.items() if n > 1] == []


def test_every_name_is_what_its_owner_defines_even_after_every_module_is_imported():
    # importing a submodule binds its name on the package: a door name equal to a submodule's
    # name would then hand out the module instead of the function
    for info in pkgutil.walk_packages(course.__path__, "course."):
        if not info.name.startswith("course.classroom"):  # the hub's own imports are not lesson code
            importlib.import_module(info.name)
    for module, names in course.DOORS.items():
        owner = importlib.import_module(module)
        for name in names.split():
            value = getattr(course, name)
            assert not isinstance(value, types.ModuleType), name
            assert original(value) is getattr(owner, name), name  # the door only adds the keyword check


def imports(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # a blank answer cell (…) or a deliberately broken example
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course"):
                yield node.module, [a.name for a in node.names]


def test_found_the_notebooks():
    assert len(NOTEBOOKS) >= 40


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebooks_import_through_the_one_door(path):
    for module, names in imports(path):
        if path.name == "trainer.ipynb" and module.startswith("course.trainer"):
            continue  # the trainer console is staff tooling, not lesson code
        assert module == "course", f"{path.name}: from {module} import {', '.join(names)}"
        assert set(names) <= set(course.__all__), f"{path.name}: {set(names) - set(course.__all__)}"
