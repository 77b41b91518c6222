"""Voice of the customer (module M05): clean, classify, segment, count pain points, write CTQs.

The steps, each a plain function::

    fb     = clean_feedback(load("feedback"))          # drop double submissions and system fillers
    pred   = classify(fb["text"], DEFAULT_RULES)        # keyword rules → 产品 / 服务 / 体验 / 未识别
    accuracy(fb["category"], pred); confusion(fb["category"], pred)
    load_segmenter(); tokens = tokenize(fb["text"])     # jieba word segmentation (the dictionary loads once)
    top_words(tokens)                                   # the most frequent words
    pain = pain_points(fb)                              # pain-point keywords in negative comments, Pareto order
    pareto_chart(pain)  # from course.core.plotting; ctq_table(pain, top=5); print(ctq_tree(ctq_table(pain)))

Rules of the classifier (what a trainer may be asked): every keyword of a category that appears in a
comment (plain substring match, so "师傅" also matches "安装师傅") gives the category one point; the
category with the most points wins; a tie goes to the category listed first in ``CATEGORIES``; a
comment without any keyword is ``UNKNOWN`` and counts as wrong in the accuracy.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns

CATEGORIES = ("产品", "服务", "体验")
UNKNOWN = "未识别"

# A starting rule set, deliberately short: trainees improve it in the widget and watch accuracy.
DEFAULT_RULES = {
    "产品": ["质量", "噪音", "价格", "包装", "耗电", "做工"],
    "服务": ["师傅", "配送", "售后", "退款", "维修", "客服态度"],
    "体验": ["响应", "电话", "小程序", "流程", "排队", "积分"],
}

# Texts the system writes when a customer leaves no comment: not the customer's voice.
FILLER_MARKERS = ("系统默认好评", "未填写评价")

# Words that say little on their own; left out of the word counts.
STOPWORDS = frozenset(
    "的 了 是 我 也 都 就 还 在 和 有 没 不 很 太 又 要 说 到 这 那 个 吧 吗 呢 啊 呀 着 给 让 被 把 从 对 "
    "一个 一下 一直 一次 我们 你们 他们 什么 怎么 这么 那么 这个 那个 这样 还是 就是 但是 不过 而且 "
    "已经 没有 可以 不是 真的 以后 之前 结果 每次 感觉 东西 时候 一点 还有 自己 知道 如果 因为 所以 "
    "有点 一般 挺 比较 非常 特别 实在 好 买 用 次 再".split()
)
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")

# Each pain-point keyword of the data (course.data.texts.pain_point_categories) → catalog stem of its
# CTQ and spec in locale/*/voc.yaml.
CTQ_KEYS = {
    "响应慢": "slow_reply",
    "配送延误": "late_delivery",
    "售后差": "poor_after_sales",
    "安装师傅迟到": "late_installer",
    "质量问题": "quality_defect",
    "噪音大": "noise",
    "客服态度": "agent_attitude",
    "价格贵": "price",
    "电话打不通": "hotline_busy",
    "退款慢": "slow_refund",
    "包装破损": "damaged_package",
    "流程繁琐": "complex_process",
    "维修慢": "slow_repair",
    "小程序卡顿": "app_lag",
    "乱收费": "hidden_fees",
    "耗电高": "power_use",
    "排队久": "queue",
    "积分难用": "points",
}


# ----------------------------------------------------------------------------------------------
# Cleaning
# ----------------------------------------------------------------------------------------------
def clean_feedback(feedback: pd.DataFrame) -> pd.DataFrame:
    """A copy without double submissions (same customer, same text) and system filler texts."""
    _require(feedback, ["customer_id", "text"], "feedback")
    text = feedback["text"].astype(str)
    filler = text.str.contains("|".join(FILLER_MARKERS), regex=True)
    repeat = feedback.duplicated(subset=["customer_id", "text"], keep="first")
    return feedback.loc[~filler & ~repeat].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# The keyword-rule classifier
# ----------------------------------------------------------------------------------------------
def check_rules(rules) -> dict[str, list[str]]:
    """The rules as {category: [keywords]} in CATEGORIES order; blanks and repeats dropped."""
    if not isinstance(rules, dict):
        raise CourseError("voc.rules_not_dict", kind=type(rules).__name__)
    unknown = [c for c in rules if c not in CATEGORIES]
    if unknown:
        raise CourseError("voc.unknown_category", name=unknown[0], valid=choices(CATEGORIES))
    out = {}
    for category in CATEGORIES:
        words = rules.get(category, [])
        if isinstance(words, str):
            words = [words]
        seen: list[str] = []
        for word in words:
            word = str(word).strip()
            if word and word not in seen:
                seen.append(word)
        out[category] = seen
    return out


def keyword_hits(texts, keyword: str) -> np.ndarray:
    """True where the text contains ``keyword``."""
    return np.fromiter((keyword in str(x) for x in texts), dtype=bool, count=len(texts))


def rule_scores(hits: dict[str, np.ndarray], rules: dict[str, list[str]], n: int) -> np.ndarray:
    """n × 3 matrix: how many keywords of each category each text contains."""
    scores = np.zeros((n, len(CATEGORIES)), dtype=np.int64)
    for j, category in enumerate(CATEGORIES):
        for word in rules[category]:
            scores[:, j] += hits[word]
    return scores


def pick_category(scores: np.ndarray) -> np.ndarray:
    """The winning category per row (first listed on ties), UNKNOWN where nothing matched."""
    labels = np.array(CATEGORIES + (UNKNOWN,), dtype=object)
    best = scores.argmax(axis=1)  # argmax returns the first maximum: the tie rule
    best[scores.max(axis=1) == 0] = len(CATEGORIES)
    return labels[best]


def classify(texts, rules=None) -> pd.Series:
    """The category the keyword rules give each text (产品 / 服务 / 体验 / 未识别)."""
    rules = check_rules(DEFAULT_RULES if rules is None else rules)
    texts = list(texts.astype(str) if isinstance(texts, pd.Series) else map(str, texts))
    words = {w for ws in rules.values() for w in ws}
    hits = {w: keyword_hits(texts, w) for w in words}
    return pd.Series(pick_category(rule_scores(hits, rules, len(texts))), name="predicted")


def accuracy(labels, predicted) -> float:
    """Share of texts (0–1) whose predicted category equals the human label."""
    labels, predicted = _pair(labels, predicted)
    if len(labels) == 0:
        raise CourseError("voc.empty")
    return float((labels == predicted).mean())


def confusion(labels, predicted) -> pd.DataFrame:
    """Counts: rows = human label (人工标注), columns = rule result (规则判定, 未识别 last)."""
    labels, predicted = _pair(labels, predicted)
    rows = pd.Categorical(labels, categories=list(CATEGORIES))
    cols = pd.Categorical(predicted, categories=list(CATEGORIES) + [UNKNOWN])
    table = pd.crosstab(rows, cols, dropna=False)
    table.index.name, table.columns.name = t("voc.label_axis"), t("voc.predicted_axis")
    return table.reindex(index=list(CATEGORIES), columns=list(CATEGORIES) + [UNKNOWN], fill_value=0)


def _pair(labels, predicted) -> tuple[np.ndarray, np.ndarray]:
    a = np.asarray(pd.Series(labels).astype(str), dtype=object)
    b = np.asarray(pd.Series(predicted).astype(str), dtype=object)
    if len(a) != len(b):
        raise CourseError("voc.length_mismatch", labels=len(a), predicted=len(b))
    return a, b


# ----------------------------------------------------------------------------------------------
# Word segmentation (jieba)
# ----------------------------------------------------------------------------------------------
_segmenter_seconds: float | None = None
_segmenter_lock = threading.Lock()
_loading: threading.Thread | None = None


def _load_dictionary() -> None:
    global _segmenter_seconds
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba prints its progress to stderr otherwise
    with _segmenter_lock:
        if _segmenter_seconds is not None:
            return
        from course.data.texts import jieba_words

        start = time.perf_counter()
        jieba.initialize()
        for word in jieba_words():  # keep "配送延误" etc. as one word instead of two
            jieba.add_word(word)
        _segmenter_seconds = time.perf_counter() - start


def load_segmenter(background: bool = False) -> float:
    """Load jieba's dictionary once (quietly) and add the course's domain phrases.

    Returns the seconds the load took (0.0 when it was already loaded in this process). With
    ``background=True`` the load (about a second) starts in a thread and this returns 0.0 at once,
    so the lesson's first cell is not dead air; the first ``tokenize`` waits for it to finish.
    """
    global _loading
    if background:
        if _loading is None and _segmenter_seconds is None:
            _loading = threading.Thread(target=_load_dictionary, daemon=True)
            _loading.start()
        return 0.0
    if _segmenter_seconds is not None:
        return 0.0
    _load_dictionary()
    return _segmenter_seconds


def tokenize(texts) -> list[list[str]]:
    """Each text cut into words by jieba; punctuation and spaces dropped."""
    import jieba

    load_segmenter()
    return [[w for w in jieba.lcut(str(x)) if _WORD.search(w)] for x in texts]


def top_words(tokens, n: int = 20, min_length: int = 2) -> pd.DataFrame:
    """The ``n`` most frequent words (stopwords and words shorter than ``min_length`` left out).

    Each word counts once per comment: ``comments`` is how many comments mention it.
    """
    counts = Counter(
        w for words in tokens for w in set(words) if len(w) >= min_length and w not in STOPWORDS
    )
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return pd.DataFrame(ranked, columns=["word", "comments"])


# ----------------------------------------------------------------------------------------------
# Pain points: Pareto and CTQ
# ----------------------------------------------------------------------------------------------
def pain_points(feedback: pd.DataFrame, keywords: dict | None = None,
                sentiment: str | None = "负面") -> pd.DataFrame:
    """How many comments mention each pain-point keyword, most frequent first.

    ``keywords`` maps keyword → category (default: the course's pain-point list); ``sentiment``
    limits the count to negative comments (None counts all). Columns: keyword, category,
    mentions, share (of all mentions), cum_share, example (the shortest comment that says it).
    """
    _require(feedback, ["text"] + (["sentiment"] if sentiment else []), "feedback")
    if keywords is None:
        from course.data.texts import pain_point_categories

        keywords = pain_point_categories()
    rows = feedback if sentiment is None else feedback[feedback["sentiment"].astype(str) == sentiment]
    texts = rows["text"].astype(str).tolist()
    records = []
    for word, category in keywords.items():
        hits = keyword_hits(texts, word)
        # the shortest comment that says it: usually the clearest quote of the customer's words
        quotes = [x for x, hit in zip(texts, hits) if hit]
        example = min(quotes, key=len) if quotes else ""
        records.append((word, category, int(hits.sum()), example))
    out = pd.DataFrame(records, columns=["keyword", "category", "mentions", "example"])
    out = out.sort_values(["mentions", "keyword"], ascending=[False, True], kind="mergesort")
    out = out.reset_index(drop=True)
    total = out["mentions"].sum()
    out["share"] = out["mentions"] / total if total else np.nan
    out["cum_share"] = out["share"].cumsum()
    out = out[["keyword", "category", "mentions", "share", "cum_share", "example"]]
    out.attrs.update(pareto_title=t("voc.pareto_title"), pareto_ylabel=t("voc.pareto_ylabel"))
    return out


def vital_few(pain: pd.DataFrame, cutoff: float = 0.8) -> pd.DataFrame:
    """The first pain points whose cumulative share reaches ``cutoff`` (the Pareto 'vital few')."""
    _require(pain, ["cum_share"], "pain")
    reached = pain["cum_share"].to_numpy() >= cutoff - 1e-12
    end = int(reached.argmax()) + 1 if reached.any() else len(pain)
    return pain.iloc[:end]


def ctq_table(pain: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """The ``top`` pain points as a CTQ table: need in the customer's words → CTQ → spec."""
    _require(pain, ["keyword", "category", "mentions", "example"], "pain")
    rows = []
    for rec in pain.head(top).itertuples(index=False):
        stem = CTQ_KEYS.get(rec.keyword)
        rows.append({
            "keyword": rec.keyword,
            "category": rec.category,
            "mentions": int(rec.mentions),
            "customer_words": rec.example,
            "need": t(f"voc.need_{stem}") if stem else t("voc.need_open"),
            "ctq": t(f"voc.ctq_{stem}") if stem else t("voc.ctq_open"),
            "spec": t(f"voc.spec_{stem}") if stem else t("voc.spec_open"),
        })
    return pd.DataFrame(rows, columns=["keyword", "category", "mentions", "customer_words", "need",
                                       "ctq", "spec"])


def ctq_tree(ctq: pd.DataFrame) -> str:
    """The CTQ table as a text tree: category → need (customer's words) → CTQ → spec."""
    _require(ctq, ["category", "keyword", "customer_words", "need", "ctq", "spec"], "ctq")
    lines = [t("voc.tree_root")]
    groups = [(c, ctq[ctq["category"] == c]) for c in CATEGORIES if (ctq["category"] == c).any()]
    for gi, (category, part) in enumerate(groups):
        last_group = gi == len(groups) - 1
        lines.append(("└─ " if last_group else "├─ ") + t("voc.tree_category", category=category))
        stem = "   " if last_group else "│  "
        for ri, rec in enumerate(part.itertuples(index=False)):
            last = ri == len(part) - 1
            lines.append(stem + ("└─ " if last else "├─ ")
                         + t("voc.tree_need", need=rec.need, words=rec.customer_words))
            inner = stem + ("   " if last else "│  ")
            lines.append(inner + "└─ " + t("voc.tree_ctq", ctq=rec.ctq))
            lines.append(inner + "   └─ " + t("voc.tree_spec", spec=rec.spec))
    return "\n".join(lines)


def _require(table, needed, what: str) -> None:
    require_columns(table, needed, "voc", what)
