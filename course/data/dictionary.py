"""The data dictionary: each generated table's columns, what they mean and how ``load()`` types them.

The words are data, kept in ``course/data/dictionary.yaml`` — one file for every table, so a trainer
reads the whole dictionary in one place and the order of the tables is the order of the file (no
registry of table modules). Generators take their column order from it, ``load()`` its types and
``python -m course data`` the descriptions of datasets/README.md.
"""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml


@cache
def _tables() -> dict:
    text = (resources.files("course.data") / "dictionary.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _kind(kind):
    # a list in the YAML is an ordered category; load() and the README expect its levels as a tuple
    return tuple(kind) if isinstance(kind, list) else kind


def descriptions() -> dict[str, dict[str, str]]:
    """table -> {column: Chinese description}, tables and columns in dictionary order."""
    return {table: {col: spec["about"] for col, spec in cols.items()} for table, cols in _tables().items()}


def column_types() -> dict[str, dict]:
    """table -> {column: type}: "str", "int", "float", "date", "datetime", "bool", "category" or a
    tuple of ordered levels."""
    return {table: {col: _kind(spec["type"]) for col, spec in cols.items()}
            for table, cols in _tables().items()}


def columns(table: str) -> list[str]:
    """The columns of ``table`` in the order its CSV file has them."""
    return list(_tables()[table])
