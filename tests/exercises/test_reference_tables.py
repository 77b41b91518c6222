"""Stored reference answers depend on the tables their master loads, not on every table: changing
a table the master uses makes its answers stale; adding or changing another table does not."""
from __future__ import annotations

import ast
import shutil

import nbformat
import pytest
from conftest import REPO

from course.exercises.master import read_master
from course.exercises.reference import is_current, loaded_tables, source_hash


def master_with(tmp_path, *sources):
    """The 07 master with its code cells replaced by ``sources`` (enough for loaded_tables)."""
    master = read_master(REPO / "solutions" / "07-rfm.ipynb")
    master.notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    return master


@pytest.mark.parametrize("sources, tables", [
    (['from course import load\norders = load("orders", variant=variant)', 'c = load("customers")'],
     ["customers", "orders"]),
    (['import course\nx = course.load(name="invoices")'], ["invoices"]),
    (['from course import load as L\n%matplotlib inline\nx = L("surveys")'], ["surveys"]),
    (['x = 1 + 1'], []),
    (['name = "orders"\nx = load(name)'], None),  # not readable from the source: every table
    (['tables = list(map(load, ["orders", "customers"]))'], None),
    (['x = load(', ], None),
])
def test_tables_are_read_from_the_masters_load_calls(tmp_path, sources, tables):
    assert loaded_tables(master_with(tmp_path, *sources)) == tables


@pytest.fixture
def data(tmp_path, monkeypatch):
    folder = tmp_path / "datasets"
    folder.mkdir()
    for name in ("orders", "customers"):
        shutil.copy(REPO / "datasets" / f"{name}.csv", folder / f"{name}.csv")
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    return folder


def test_a_table_the_master_loads_makes_its_answers_stale(data):
    master = read_master(REPO / "solutions" / "07-rfm.ipynb")
    assert loaded_tables(master) == ["orders"]
    stored = {"exercise": master.name, "source_hash": source_hash(master), "answers": {}}
    assert is_current(master, stored)
    with (data / "orders.csv").open("a", encoding="utf-8") as f:
        f.write("O999999,C0001,2024-12-31,100.0\n")
    assert not is_current(master, stored)


def test_another_table_added_or_changed_leaves_the_answers_current(data):
    master = read_master(REPO / "solutions" / "07-rfm.ipynb")
    stored = {"exercise": master.name, "source_hash": source_hash(master), "answers": {}}
    (data / "invoices.csv").write_text("invoice_id,amount\nI1,1\n", encoding="utf-8")
    with (data / "customers.csv").open("a", encoding="utf-8") as f:
        f.write("C999999,新客户\n")
    assert is_current(master, stored)


def test_a_master_whose_tables_cannot_be_read_depends_on_every_table(data, tmp_path):
    master = master_with(tmp_path, 'name = "orders"\nx = load(name)')
    before = source_hash(master)
    (data / "invoices.csv").write_text("invoice_id,amount\nI1,1\n", encoding="utf-8")
    assert source_hash(master) != before


def test_no_library_module_loads_a_table_itself():
    # the tables come from the master's own load() calls only if course code never calls load
    found = []
    for path in sorted((REPO / "course").rglob("*.py")):
        if path.parts[-2] == "data" or path.name == "__init__.py" and path.parent.name == "course":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in ("course", "course.data") and \
                    any(a.name == "load" for a in node.names):
                found.append(str(path.relative_to(REPO)))
    assert found == []
