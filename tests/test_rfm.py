"""Tests for course.rfm: R/F/M by hand, scores, the eight segments, summaries and Chinese errors."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.rfm import (
    SEGMENT_ACTIONS,
    SEGMENTS,
    analysis_day,
    prepare_orders,
    rfm,
    rfm_scores,
    rfm_segments,
    rfm_table,
    segment_summary,
)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def tiny_orders() -> pd.DataFrame:
    """Five customers whose R/F/M can be worked out by hand (see test_rfm_table_by_hand)."""
    rows = [
        # customer, date, amount
        ("A", "2024-01-01", 100.0),
        ("A", "2024-01-20", 50.0),
        ("A", "2024-01-25", -30.0),  # a return: lowers M, not a purchase for F or R
        ("B", "2024-01-30", 200.0),
        ("B", "2024-02-10", 500.0),  # after as_of=2024-01-31: ignored there
        ("C", "2024-01-15", -40.0),  # only a return: C is dropped
        ("D", "2024-01-10", 80.0),
        ("D", "2024-01-31", 80.0),  # on the as_of day itself: counts, recency 0
        ("E", "2024-01-20", 50.0),  # same last purchase day as A: a recency tie
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    frame.insert(0, "order_id", range(1, len(frame) + 1))
    frame["order_date"] = pd.to_datetime(frame["order_date"])
    return frame


def random_orders(n_orders=3000, n_customers=400, seed=7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    amounts = np.round(rng.lognormal(5, 1.2, n_orders), 2)
    amounts[rng.random(n_orders) < 0.08] *= -1  # some returns
    return pd.DataFrame(
        {
            "order_id": np.arange(n_orders),
            "customer_id": [f"C{i:04d}" for i in rng.integers(0, n_customers, n_orders)],
            "order_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 730, n_orders), unit="D"),
            "amount": amounts,
        }
    )


# ---------------------------------------------------------------------------------- rfm_table
def test_rfm_table_by_hand():
    table = rfm_table(tiny_orders(), as_of="2024-01-31").set_index("customer_id")
    # C has only a return -> dropped; everyone else bought something by 2024-01-31.
    assert sorted(table.index) == ["A", "B", "D", "E"]
    # A: purchases 01-01 and 01-20 (F=2), net 100+50-30 = 120, last purchase 01-20 -> 31-20 = 11
    # B: 01-30 only (02-10 is after as_of): F=1, M=200, R = 31-30 = 1
    # D: 01-10 and 01-31: F=2, M=160, R=0 (bought on the as_of day)
    # E: 01-20: F=1, M=50, R=11 (ties with A)
    expected = {
        "A": (11, 2, 120.0),
        "B": (1, 1, 200.0),
        "D": (0, 2, 160.0),
        "E": (11, 1, 50.0),
    }
    for customer, (recency, frequency, monetary) in expected.items():
        row = table.loc[customer]
        assert (row["recency"], row["frequency"], row["monetary"]) == (recency, frequency, monetary)
    assert table.loc["A", "first_purchase"] == pd.Timestamp("2024-01-01")
    assert table.loc["A", "last_purchase"] == pd.Timestamp("2024-01-20")  # the return is no purchase
    assert table.loc["D", "last_purchase"] == pd.Timestamp("2024-01-31")


def test_rfm_table_default_as_of_is_day_after_last_order():
    table = rfm_table(tiny_orders()).set_index("customer_id")
    # last order 2024-02-10 -> as_of 2024-02-11; B now has both purchases
    assert table.loc["B"].tolist()[:3] == [1, 2, 700.0]
    assert table.loc["A", "recency"] == (pd.Timestamp("2024-02-11") - pd.Timestamp("2024-01-20")).days
    assert "customer_id" in table.reset_index().columns


def test_rfm_table_shape_and_columns():
    table = rfm_table(tiny_orders())
    assert list(table.columns) == [
        "customer_id", "recency", "frequency", "monetary", "first_purchase", "last_purchase"
    ]
    assert table["customer_id"].is_unique
    assert table["frequency"].min() >= 1


def test_rfm_table_as_of_variants_agree():
    orders = tiny_orders()
    a = rfm_table(orders, "2024-01-31")
    b = rfm_table(orders, pd.Timestamp("2024-01-31 17:45"))  # time of day does not matter
    c = rfm_table(orders, pd.Timestamp("2024-01-31").date())
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_rfm_table_accepts_text_dates_amounts_and_other_column_names():
    orders = tiny_orders()
    renamed = pd.DataFrame(
        {
            "客户": orders["customer_id"],
            "日期": orders["order_date"].dt.strftime("%Y-%m-%d"),  # text, as from a CSV export
            "金额": orders["amount"].astype(str),
        }
    )
    got = rfm_table(renamed, "2024-01-31", customer_col="客户", date_col="日期", amount_col="金额")
    pd.testing.assert_frame_equal(got, rfm_table(orders, "2024-01-31"))


def test_rfm_table_matches_a_plain_groupby():
    # Cross-check the numpy implementation against the textbook pandas groupby.
    orders = random_orders()
    as_of = pd.Timestamp("2024-05-31")
    got = rfm_table(orders, as_of).set_index("customer_id")
    upto = orders[orders["order_date"] <= as_of]
    buys = upto[upto["amount"] > 0].groupby("customer_id")["order_date"]
    assert sorted(got.index) == sorted(buys.size().index)
    assert (got["frequency"] == buys.size().reindex(got.index)).all()
    assert (got["last_purchase"] == buys.max().reindex(got.index)).all()
    assert (got["first_purchase"] == buys.min().reindex(got.index)).all()
    net = upto.groupby("customer_id")["amount"].sum().reindex(got.index)
    assert np.allclose(got["monetary"], net)
    assert (got["recency"] == (as_of - got["last_purchase"]).dt.days).all()


def test_rfm_table_before_any_purchase_is_a_chinese_error():
    with pytest.raises(CourseError) as err:
        rfm_table(tiny_orders(), "2023-06-01")
    assert err.value.key == "rfm.no_purchases"
    assert "2023-06-01" in str(err.value) and HAN.search(str(err.value))


# ------------------------------------------------------------------------------------ errors
def test_missing_column_names_the_columns_found():
    orders = tiny_orders().rename(columns={"amount": "金额"})
    with pytest.raises(CourseError) as err:
        rfm_table(orders)
    message = str(err.value)
    assert "amount" in message
    assert "order_id、customer_id、order_date、金额" in message
    assert HAN.search(message)


@pytest.mark.parametrize("bins", [1, 11, 0, 2.5, "5", True])
def test_bad_bins_is_a_chinese_error(bins):
    table = rfm_table(tiny_orders())
    with pytest.raises(CourseError) as err:
        rfm_scores(table, bins=bins)
    assert err.value.key == "rfm.bad_bins"
    assert "2" in str(err.value) and "10" in str(err.value) and HAN.search(str(err.value))


def test_bad_split_lists_valid_rules():
    scored = rfm_scores(rfm_table(tiny_orders()))
    with pytest.raises(CourseError) as err:
        rfm_segments(scored, split="average")
    assert "mean、median" in str(err.value) and "average" in str(err.value)
    assert HAN.search(str(err.value))


def test_bad_dates_amounts_and_as_of_are_chinese_errors():
    orders = tiny_orders()
    bad_dates = orders.assign(order_date=orders["order_date"].astype(str).replace("2024-01-01", "上周"))
    with pytest.raises(CourseError, match="上周"):
        rfm_table(bad_dates)
    bad_amounts = orders.assign(amount=orders["amount"].astype(str).replace("100.0", "¥100"))
    with pytest.raises(CourseError, match="¥100"):
        rfm_table(bad_amounts)
    with pytest.raises(CourseError) as err:
        rfm_table(orders, as_of="明天")
    assert err.value.key == "rfm.bad_as_of"


def test_steps_in_wrong_order_say_what_to_run_first():
    table = rfm_table(tiny_orders())
    with pytest.raises(CourseError, match="rfm_scores"):
        rfm_segments(table)
    with pytest.raises(CourseError, match="rfm_segments"):
        segment_summary(rfm_scores(table))
    with pytest.raises(CourseError, match="rfm_table"):
        rfm_scores(tiny_orders())
    with pytest.raises(CourseError) as err:
        rfm_table([1, 2, 3])
    assert err.value.key == "rfm.not_a_table"


def test_rfm_rejects_unknown_options():
    with pytest.raises(CourseError) as err:
        rfm(tiny_orders(), customer="customer_id")
    assert "customer_col、date_col、amount_col" in str(err.value)


# ------------------------------------------------------------------------------------ scores
def test_scores_by_hand_with_tie_and_reversal():
    table = rfm_table(tiny_orders(), as_of="2024-01-31").set_index("customer_id")
    scored = rfm_scores(table, bins=4)
    # Recency A=11, B=1, D=0, E=11. Reversed average ranks: A,E share 1.5, B 3, D 4.
    # Stretched to 1..4: floor((rank-1.5)*4/2.5)+1 -> A,E 1; B floor(2.4)+1 = 3; D 5 capped to 4.
    assert scored["r_score"].to_dict() == {"A": 1, "B": 3, "D": 4, "E": 1}
    # Monetary A=120, B=200, D=160, E=50: ranks 2,4,3,1 -> floor((r-1)*4/3)+1 = 2,4,3,1
    assert scored["m_score"].to_dict() == {"A": 2, "B": 4, "D": 3, "E": 1}


@pytest.mark.parametrize("bins", range(2, 11))
def test_scores_cover_the_range_and_keep_order(bins):
    rng = np.random.default_rng(bins)
    table = pd.DataFrame(
        {
            "recency": rng.permutation(40),
            "frequency": rng.permutation(40) + 1,
            "monetary": rng.permutation(40) * 10.0,
        }
    )
    scored = rfm_scores(table, bins=bins)
    for value, score, sign in [("recency", "r_score", -1), ("frequency", "f_score", 1),
                               ("monetary", "m_score", 1)]:
        assert set(scored[score]) == set(range(1, bins + 1))
        ordered = scored.sort_values(value)[score].to_numpy() * sign
        assert (np.diff(ordered) >= 0).all()  # larger value never a lower score (R reversed)
    # untied data: bins of (nearly) equal size
    counts = scored["m_score"].value_counts()
    assert counts.max() - counts.min() <= 1 + 40 // bins // 4
    assert scored["r_score"].dtype.kind == "i"


def test_equal_values_get_equal_scores_even_with_heavy_ties():
    frequency = [1] * 60 + [2] * 20 + [3] * 10 + [4] * 5 + [7] * 5
    table = pd.DataFrame({"recency": frequency, "frequency": frequency, "monetary": frequency})
    scored = rfm_scores(table, bins=5)
    per_value = scored.groupby("frequency")["f_score"].nunique()
    assert (per_value == 1).all()
    assert scored.loc[scored["frequency"] == 1, "f_score"].iloc[0] == 1  # ends still reached
    assert scored.loc[scored["frequency"] == 7, "f_score"].iloc[0] == 5
    assert scored.loc[scored["recency"] == 1, "r_score"].iloc[0] == 5  # most recent = highest
    # all customers identical: no way to tell them apart, everyone gets the middle score
    same = rfm_scores(pd.DataFrame({"recency": [3] * 4, "frequency": [2] * 4, "monetary": [9.0] * 4}))
    assert set(same["r_score"]) == {3}


def test_scores_keep_the_input_unchanged():
    table = rfm_table(tiny_orders())
    before = table.copy()
    rfm_scores(table)
    pd.testing.assert_frame_equal(table, before)


# ---------------------------------------------------------------------------------- segments
# The textbook mapping, written as the course teaches it: (R高?, F高?, M高?) -> segment
MAPPING = {
    (True, True, True): "重要价值客户",
    (True, False, True): "重要发展客户",
    (False, True, True): "重要保持客户",
    (False, False, True): "重要挽留客户",
    (True, True, False): "一般价值客户",
    (True, False, False): "一般发展客户",
    (False, True, False): "一般保持客户",
    (False, False, False): "一般挽留客户",
}


def test_all_eight_segments_reachable_and_mapped():
    combos = [(r, f, m) for r in (1, 5) for f in (1, 5) for m in (1, 5)]
    scored = pd.DataFrame(combos, columns=["r_score", "f_score", "m_score"])
    seg = rfm_segments(scored)  # every mean is 3: 5 is high, 1 is low
    assert set(seg["segment"]) == set(SEGMENTS)
    for row in seg.itertuples():
        assert (row.r_high, row.f_high, row.m_high) == (row.r_score > 3, row.f_score > 3, row.m_score > 3)
        assert row.segment == MAPPING[(row.r_high, row.f_high, row.m_high)]


def test_segment_is_an_ordered_categorical_of_all_eight():
    seg = rfm(tiny_orders())
    assert isinstance(seg["segment"].dtype, pd.CategoricalDtype)
    assert seg["segment"].cat.ordered
    assert list(seg["segment"].cat.categories) == SEGMENTS
    assert seg["r_high"].dtype == bool
    assert SEGMENTS[0] == "重要价值客户" and SEGMENTS[-1] == "一般挽留客户"


def test_high_means_strictly_above_the_split():
    scored = pd.DataFrame({"r_score": [1, 2, 3, 4, 5], "f_score": [3] * 5, "m_score": [1, 1, 1, 1, 5]})
    seg = rfm_segments(scored, split="median")
    assert seg["r_high"].tolist() == [False, False, False, True, True]  # 3 == median -> low
    assert not seg["f_high"].any()  # all equal to the middle: nobody is above it


def test_mean_and_median_differ_on_skewed_scores():
    # One big spender pulls the mean of m_score up to 2.3 while the median stays at 1.5:
    # by the median the five 2s are high, by the mean only the 10 is.
    scored = pd.DataFrame({"r_score": [3] * 10, "f_score": [3] * 10,
                           "m_score": [1, 1, 1, 1, 1, 2, 2, 2, 2, 10]})
    by_mean = rfm_segments(scored, "mean")
    by_median = rfm_segments(scored, "median")
    assert by_mean["m_high"].sum() == (scored["m_score"] > scored["m_score"].mean()).sum()
    assert by_median["m_high"].sum() == (scored["m_score"] > scored["m_score"].median()).sum()
    assert (by_mean["segment"] != by_median["segment"]).any()


def test_mean_and_median_differ_through_the_pipeline():
    orders = random_orders(seed=3)
    a = rfm(orders, split="mean", bins=10)
    b = rfm(orders, split="median", bins=10)
    assert (a["segment"] != b["segment"]).any()
    pd.testing.assert_frame_equal(a[["r_score", "f_score", "m_score"]], b[["r_score", "f_score", "m_score"]])


def test_actions_cover_every_segment_in_chinese():
    assert list(SEGMENT_ACTIONS) == SEGMENTS
    assert all(HAN.search(text) for text in SEGMENT_ACTIONS.values())
    assert len(set(SEGMENT_ACTIONS.values())) == 8
    assert "资深" in SEGMENT_ACTIONS["重要挽留客户"]  # win-back by a senior account manager


# ----------------------------------------------------------------------------------- summary
def test_summary_has_all_segments_and_shares_sum_to_one():
    seg = rfm(random_orders())
    summary = segment_summary(seg)
    assert summary["segment"].tolist() == SEGMENTS
    assert list(summary.columns) == [
        "segment", "customers", "customer_share", "revenue", "revenue_share",
        "avg_recency", "avg_frequency", "avg_monetary", "action",
    ]
    assert summary["customers"].sum() == len(seg)
    assert summary["customer_share"].sum() == pytest.approx(1.0)
    assert summary["revenue_share"].sum() == pytest.approx(1.0)
    assert summary["revenue"].sum() == pytest.approx(seg["monetary"].sum())
    means = seg.groupby("segment", observed=True)["recency"].mean()
    for name, value in means.items():
        assert summary.set_index("segment").loc[name, "avg_recency"] == pytest.approx(value)
    assert summary["action"].tolist() == [SEGMENT_ACTIONS[s] for s in SEGMENTS]


def test_summary_keeps_empty_segments():
    seg = rfm(tiny_orders())  # four customers cannot fill eight segments
    summary = segment_summary(seg)
    assert len(summary) == 8
    empty = summary[summary["customers"] == 0]
    assert len(empty) >= 4
    assert (empty["customer_share"] == 0).all() and empty["avg_recency"].isna().all()


def test_summary_accepts_plain_text_segments_but_not_unknown_names():
    seg = rfm(tiny_orders())
    as_text = seg.assign(segment=seg["segment"].astype(str))
    pd.testing.assert_frame_equal(segment_summary(as_text), segment_summary(seg))
    with pytest.raises(CourseError) as err:
        segment_summary(seg.assign(segment="VIP"))
    assert "重要价值客户、重要发展客户" in str(err.value)


def test_rfm_pipeline_equals_the_steps():
    orders = random_orders()
    steps = rfm_segments(rfm_scores(rfm_table(orders, "2024-06-30"), bins=4), split="median")
    pd.testing.assert_frame_equal(rfm(orders, "2024-06-30", bins=4, split="median"), steps)


def test_course_dataset():
    from course.data import load

    orders = load("orders")
    seg = rfm(orders)
    summary = segment_summary(seg)
    assert len(seg) > 0 and summary["customer_share"].sum() == pytest.approx(1.0)
    assert seg["recency"].min() >= 0


def test_both_languages_have_the_same_messages():
    import yaml

    from course.core.paths import REPO_ROOT

    keys = []
    for lang in ("zh_CN", "en"):
        path = REPO_ROOT / "course" / "core" / "locale" / lang / "rfm.yaml"
        keys.append(set(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert keys[0] and keys[0] == keys[1]


# ----------------------------------------------------------------------------------------------
# The public API the RFM explorer uses: orders prepared once, a table for any analysis date
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", ["2023-03-15", "2024-06-30", "2025-01-05"])
def test_prepared_orders_give_the_same_table_as_rfm_table(as_of):
    orders = random_orders().sample(frac=1, random_state=3)  # unsorted on purpose
    base = prepare_orders(orders)
    day = analysis_day(as_of)
    pd.testing.assert_frame_equal(base.table(day).reset_index(drop=True),
                                  rfm_table(orders, as_of).reset_index(drop=True))


def test_prepared_orders_know_their_first_and_default_day():
    base = prepare_orders(tiny_orders())
    assert base.first_day == pd.Timestamp("2024-01-01")
    assert base.default_as_of == pd.Timestamp("2024-02-11")
    assert list(base.table(analysis_day("2024-01-31"))["customer_id"]) == ["A", "B", "D", "E"]


def test_analysis_day_drops_time_and_zone_and_explains_a_bad_value():
    assert analysis_day(pd.Timestamp("2024-03-01 15:30", tz="Asia/Shanghai")) == pd.Timestamp("2024-03-01")
    with pytest.raises(CourseError) as err:
        analysis_day("不是日期")
    assert HAN.search(str(err.value))
