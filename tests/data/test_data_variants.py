"""load(name, variant=k): a reproducible ~85 % sample of the company, stable across tables."""
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.data import WHOLE_TABLES, dataset_names, load


def test_variant_zero_is_the_full_table_unchanged():
    for name in ("customers", "orders", "referrals"):
        assert load(name, variant=0).equals(load(name))


@pytest.mark.parametrize("name", [n for n in dataset_names() if n != "cdnow" and n not in WHOLE_TABLES])
def test_a_variant_is_a_reproducible_subset(name):
    full, one, again, two = load(name), load(name, variant=1), load(name, variant=1), load(name, variant=2)
    assert one.equals(again)
    assert 0.7 * len(full) < len(one) < 0.95 * len(full)
    key = full.columns[0]
    assert set(one[key]) <= set(full[key]) and set(one[key]) != set(two[key])
    assert list(one.columns) == list(full.columns) and (one.dtypes == full.dtypes).all()


def test_the_same_customers_are_kept_in_every_table():
    kept = set(load("customers", variant=3)["customer_id"])
    dropped = set(load("customers")["customer_id"]) - kept
    for name in ("orders", "surveys", "complaints", "feedback"):
        ids = set(load(name, variant=3)["customer_id"].dropna())
        assert ids <= kept and not ids & dropped
        # every row of a kept customer stays
        full = load(name)
        assert len(full[full["customer_id"].isin(kept)]) == len(load(name, variant=3).dropna(subset=["customer_id"]))
    referrals = load("referrals", variant=3)
    assert set(referrals["referrer_id"]) <= kept and set(referrals["referred_id"]) <= kept


def test_masking_still_applies_to_a_variant():
    masked = load("customers", variant=1)
    raw = load("customers", variant=1, mask=False)
    assert (masked["phone"] != raw["phone"]).all() and masked["customer_id"].equals(raw["customer_id"])


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_a_bad_variant_gets_a_chinese_reason(bad):
    with pytest.raises(CourseError, match="variant"):
        load("orders", variant=bad)


def test_cdnow_variant_samples_whole_customers():
    full, one = load("cdnow"), load("cdnow", variant=1)
    assert isinstance(one, pd.DataFrame) and len(one) < len(full)
    kept = set(one["customer_id"])
    assert len(full[full["customer_id"].isin(kept)]) == len(one)


def test_reference_tables_stay_whole():
    for name in WHOLE_TABLES:
        assert load(name, variant=4).equals(load(name))
