"""The data dictionary (course/data/dictionary.yaml): complete, well-typed, and in step with the
generators whose constants it spells out for the reader."""
from __future__ import annotations

import csv
from importlib import resources

import pytest

from course.core.vocab import CUSTOMER_TYPES, SATISFACTION
from course.data import DATA_DIR, EXTERNAL, accounts, company, complaints, dataset_names
from course.data import text_vocab as V
from course.data.dictionary import column_types, columns, descriptions

KINDS = {"str", "int", "float", "date", "datetime", "bool", "category"}

# (table, column) -> the generator's levels that the YAML repeats as the column's ordered type
LEVELS = {
    ("customers", "age_band"): company.AGE_BANDS,
    ("customers", "tier"): company.TIERS,
    ("customers", "satisfaction"): SATISFACTION,
    ("complaints", "severity"): complaints.SEVERITIES,
    ("complaints", "outcome"): complaints.OUTCOMES,
    ("feedback", "sentiment"): V.SENTIMENTS,
    ("spin_questions", "spin"): V.SPIN_LABELS,
}
# (table, column) -> words of the generators' constants that the description lists
LISTED = {
    ("customers", "tier"): [f"{x} 元" for x in company.TIER_THRESHOLDS],
    ("customers", "satisfaction"): SATISFACTION,
    ("accounts", "churn_reason"): accounts.REASONS,
    ("dialogues", "customer_type"): CUSTOMER_TYPES,
    ("dialogues", "scenario"): V.SCENARIOS,
    ("spin_questions", "scenario"): V.SPIN_SCENARIOS,
}


def test_yaml_is_package_data():
    assert (resources.files("course.data") / "dictionary.yaml").is_file()


def test_every_table_has_the_same_columns_in_types_and_descriptions():
    about, types = descriptions(), column_types()
    assert list(about) == list(types) == [n for n in dataset_names() if n not in EXTERNAL]
    for table in about:
        assert list(about[table]) == list(types[table]) == columns(table), table


def test_every_column_has_a_known_type_and_a_chinese_description():
    for table, cols in column_types().items():
        for col, kind in cols.items():
            assert kind in KINDS or (isinstance(kind, tuple) and len(kind) >= 2), (table, col, kind)
            text = descriptions()[table][col]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (table, col)


def test_ordered_levels_are_exactly_the_generators():
    ordered = {(t, c) for t, cols in column_types().items() for c, k in cols.items()
               if isinstance(k, tuple)}
    assert ordered == set(LEVELS)
    for (table, col), levels in LEVELS.items():
        assert column_types()[table][col] == tuple(levels), (table, col)


@pytest.mark.parametrize("place", sorted(LISTED), ids=".".join)
def test_descriptions_list_the_generators_words(place):
    table, col = place
    text = descriptions()[table][col]
    missing = [word for word in LISTED[place] if word not in text]
    assert not missing, (place, missing)


@pytest.mark.parametrize("table", [n for n in dataset_names() if n not in EXTERNAL])
def test_committed_csv_header_is_the_dictionarys_column_order(table):
    with open(DATA_DIR / f"{table}.csv", encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == columns(table)


def test_callers_get_copies_not_the_cached_dictionary():
    columns("orders").append("x")
    descriptions()["orders"]["amount"] = "x"
    column_types()["orders"]["amount"] = "x"
    assert "x" not in columns("orders")
    assert descriptions()["orders"]["amount"] != "x"
    assert column_types()["orders"]["amount"] == "float"
