"""Tests for course.data.texts: the Chinese feedback, dialogue and SPIN tables."""
from __future__ import annotations

import collections
import logging
import math

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.data import text_vocab as V
from course.data import texts
from course.data.dictionary import descriptions

SEED = 11
PAIN = texts.pain_point_categories()


def make_customers(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "customer_id": [f"C{i:04d}" for i in range(1, n + 1)],
        "satisfaction": rng.choice(V.SATISFACTION, n, p=(0.1, 0.15, 0.25, 0.3, 0.2)),
        "channel": rng.choice(["门店", "天猫旗舰店", "微信小程序", "企业客户经理"], n),
    })


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return make_customers()


@pytest.fixture(scope="module")
def tables(customers) -> dict[str, pd.DataFrame]:
    return texts.generate(customers, SEED)


@pytest.fixture(scope="module")
def jieba_ready():
    import jieba
    jieba.setLogLevel(logging.WARNING)
    for word in texts.jieba_words():
        jieba.add_word(word)
    return jieba


# ------------------------------------------------------------------------------ shape & seeds


def test_same_seed_gives_identical_tables(customers, tables):
    again = texts.generate(customers, SEED)
    assert set(again) == {"feedback", "dialogues", "spin_questions"}
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])


def test_different_seed_gives_different_tables(customers, tables):
    other = texts.generate(customers, SEED + 1)
    assert list(other["feedback"]["text"]) != list(tables["feedback"]["text"])
    assert list(other["dialogues"]["utterance"]) != list(tables["dialogues"]["utterance"])
    assert list(other["spin_questions"]["question"]) != list(tables["spin_questions"]["question"])


def test_sizes(tables):
    assert len(tables["feedback"]) == texts.N_FEEDBACK == 1200
    assert len(tables["dialogues"]) == texts.N_DIALOGUES == 400
    assert len(tables["spin_questions"]) == texts.N_QUESTIONS == 200


@pytest.mark.parametrize("name,id_col", [("feedback", "feedback_id"), ("dialogues", "dialogue_id"),
                                         ("spin_questions", "question_id")])
def test_rows_sorted_by_unique_id(tables, name, id_col):
    ids = tables[name][id_col]
    assert ids.is_unique
    assert list(ids) == sorted(ids)
    assert tables[name].index.equals(pd.RangeIndex(len(ids)))


@pytest.mark.parametrize("name", ["feedback", "dialogues", "spin_questions"])
def test_every_column_described_in_chinese(tables, name):
    described = descriptions()[name]
    assert list(tables[name].columns) == list(described)
    for col, text in described.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), col
    assert tables[name].notna().all().all()


def test_missing_columns_raise_chinese_error(customers):
    with pytest.raises(CourseError) as info:
        texts.generate(customers.drop(columns=["satisfaction"]), SEED)
    assert "satisfaction" in str(info.value) and "缺少" in str(info.value)
    with pytest.raises(CourseError):
        texts.generate(customers.iloc[:0], SEED)


# ------------------------------------------------------------------------------------ feedback


def test_feedback_values_are_valid(customers, tables):
    fb = tables["feedback"]
    assert set(fb["category"]) == set(V.CATEGORIES)
    assert set(fb["sentiment"]) == set(V.SENTIMENTS)
    assert set(fb["customer_id"]) <= set(customers["customer_id"])
    assert set(fb["channel"]) <= set(V.CHANNELS)
    assert "客服热线" in set(fb["channel"])
    stamps = pd.to_datetime(fb["created_at"])
    assert stamps.min() >= pd.Timestamp("2022-01-01")
    assert stamps.max() < pd.Timestamp("2025-01-01")
    assert stamps.is_monotonic_increasing
    lengths = fb["text"].str.len()
    assert lengths.min() >= 10 and lengths.max() <= 60
    assert lengths.std() > 5  # varied, not one template length


def test_feedback_mostly_unique_but_with_messy_repeats(tables):
    text = tables["feedback"]["text"]
    distinct = text.nunique() / len(text)
    assert 0.80 <= distinct < 1.0
    assert text.str.contains("，").mean() > 0.5  # full-width punctuation is the norm
    assert text.str.contains(",", regex=False).any()  # ... with some half-width slips
    assert text.str.contains("按装|师父|以经|真滴|神马|一值|不造|作工|帐号|在也").any()  # typos


def test_negative_feedback_comes_from_unhappy_customers(customers, tables):
    fb = tables["feedback"].merge(customers, on="customer_id", suffixes=("", "_customer"))
    negative = fb.groupby("satisfaction")["sentiment"].apply(lambda s: (s == "负面").mean())
    assert negative["非常不满意"] > negative["一般"] > negative["非常满意"]
    assert negative["非常不满意"] > 0.5 and negative["非常满意"] < 0.15


def test_pain_points_follow_a_pareto_curve(tables):
    negative = tables["feedback"].query("sentiment == '负面'")["text"]
    counts = sorted((negative.str.contains(k, regex=False).sum() for k in PAIN), reverse=True)
    top = math.ceil(0.2 * len(counts))
    assert sum(counts[:top]) / sum(counts) > 0.5
    assert counts[0] > 3 * counts[len(counts) // 2]


@pytest.mark.parametrize("seed", [SEED, 2024])
def test_jieba_finds_pain_points_in_negative_feedback(customers, jieba_ready, seed):
    fb = texts.generate(customers, seed)["feedback"]
    stop = {"真的", "东西", "以后", "没有", "不会", "一个", "我们", "你们", "就是", "还是", "已经",
            "这个", "什么", "家里", "希望", "第一次", "上个月"}
    words = collections.Counter(
        w for t in fb.loc[fb["sentiment"] == "负面", "text"]
        for w in jieba_ready.lcut(t) if len(w) > 1 and w not in stop
    )
    top30 = [w for w, _ in words.most_common(30)]
    assert len(set(top30) & set(PAIN)) >= 5, top30


def test_keyword_rule_classifier_is_good_not_perfect(tables):
    rules = {
        "产品": ["质量", "噪音", "价格", "贵", "耗电", "做工", "包装", "安静", "性价比", "制冷", "功能"],
        "服务": ["师傅", "安装", "配送", "送货", "客服", "售后", "退款", "维修", "收费"],
        "体验": ["小程序", "电话", "排队", "流程", "积分", "响应", "回复", "门店", "下单", "会员"],
    }

    def classify(text: str) -> str:
        score = {cat: sum(text.count(w) for w in words) for cat, words in rules.items()}
        best = max(score, key=score.get)
        return best if score[best] > 0 else "体验"

    fb = tables["feedback"]
    accuracy = (fb["text"].map(classify) == fb["category"]).mean()
    assert 0.60 <= accuracy <= 0.95, accuracy


def test_feedback_stays_inside_each_customers_active_period():
    cust = make_customers(50, seed=3)
    cust["join_date"] = pd.Timestamp("2024-03-01")
    cust["_end"] = pd.Timestamp("2024-09-30")
    fb = texts.generate(cust, 5)["feedback"]
    stamps = pd.to_datetime(fb["created_at"])
    assert stamps.min() >= pd.Timestamp("2024-03-01")
    assert stamps.max() < pd.Timestamp("2024-10-01")


def test_jieba_words_cover_every_pain_point():
    words = texts.jieba_words()
    assert set(PAIN) <= set(words)
    assert len(words) == len(set(words))


# ----------------------------------------------------------------------------------- dialogues


def test_all_customer_types_present_and_balanced(tables):
    share = tables["dialogues"]["customer_type"].value_counts(normalize=True)
    assert set(share.index) == set(V.CUSTOMER_TYPES)
    assert share.min() > 0.05 and share.max() < 0.25


def test_dialogue_labels_are_valid(tables):
    d = tables["dialogues"]
    assert set(d["channel"]) == set(V.CHANNELS)
    assert set(d["scenario"]) == set(V.SCENARIOS)
    # enterprise purchasing happens only through the account managers
    assert set(d.loc[d["scenario"] == "企业采购", "channel"]) == {"企业客户经理"}


def test_most_frequent_type_differs_by_channel(tables):
    table = pd.crosstab(tables["dialogues"]["channel"], tables["dialogues"]["customer_type"])
    modes = table.idxmax(axis=1)
    assert modes.nunique() >= 4, modes.to_dict()
    # and not by a hair: each channel's top type leads its runner-up clearly
    top2 = np.sort(table.to_numpy(), axis=1)[:, -2:]
    assert (top2[:, 1] - top2[:, 0] >= 2).all()


SIGNALS = {
    "犹豫不决": "再想想|拿不准|商量|再说|观察",
    "贪小便宜": "送|优惠券|积分|免费|赠品",
    "节约俭朴": "便宜|打折|省钱|划算|最低|性价比|退给我|压一压",
    "虚荣心强": "最好|高端|最贵|钻石|进口|限量|资深|名气|最高|最新|顶配|面子|体面",
    "理智好辩": "依据|参数|数据|条款|对比|比价|报告|等级|成本|算算|分贝|核对",
}


@pytest.mark.parametrize("ctype,pattern", SIGNALS.items())
def test_each_type_carries_its_signal(tables, ctype, pattern):
    d = tables["dialogues"]
    own = d.loc[d["customer_type"] == ctype, "utterance"]
    others = d.loc[d["customer_type"] != ctype, "utterance"]
    assert own.str.contains(pattern).mean() >= 0.9
    assert others.str.contains(pattern).mean() < 0.5


def test_tone_signals_of_angry_quiet_and_talkative(tables):
    d = tables["dialogues"]
    length = d["utterance"].str.len().groupby(d["customer_type"]).mean()
    assert length["沉默寡言"] < 8
    assert length["滔滔不绝"] > 1.6 * length.drop("滔滔不绝").max()
    assert d.loc[d["customer_type"] == "滔滔不绝", "utterance"].str.len().min() >= 45
    angry = d.loc[d["customer_type"] == "脾气暴躁", "utterance"]
    assert angry.str.contains("！").mean() >= 0.9


# -------------------------------------------------------------------------------------- SPIN


def test_spin_labels_balanced_in_every_scenario(tables):
    q = tables["spin_questions"]
    share = q["spin"].value_counts(normalize=True)
    assert set(share.index) == set(V.SPIN_LABELS)
    assert share.min() >= 0.20 and share.max() <= 0.30
    assert set(q["scenario"]) == set(V.SPIN_SCENARIOS)
    assert (pd.crosstab(q["scenario"], q["spin"]) > 0).all().all()


def test_spin_questions_unique_and_explained(tables):
    q = tables["spin_questions"]
    assert q["question"].is_unique
    assert q["question"].str.endswith("？").all()
    assert (~q["question"].str.contains("{", regex=False)).all()
    # each explanation names the label it justifies, in one short sentence
    named = [f"（{label}）" in why for label, why in zip(q["spin"], q["explanation"])]
    assert all(named)
    assert q["explanation"].str.len().max() <= 60
    assert (q["explanation"].str.count("。") == 1).all()
