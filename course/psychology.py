"""M01 客户心理与类型应对 —— the eight customer types, the ten user psychologies, reading body
language, and counting the labelled dialogue snippets.

The teaching content lives in the message catalog (``locale/*/psychology.yaml``); this module turns
it into tables:

* ``customer_types_table()`` — one row per type: signals, psychology, strategy, what to avoid;
* ``psychologies_table()`` — the ten psychologies: how they show, how to respond;
* ``body_language_table()`` — eyes, face, body, tone: signal, possible meaning, what to do.

On the ``dialogues`` data (columns dialogue_id, customer_type, channel, scenario, utterance):
``type_counts(dialogues, by="channel")`` cross-tabulates, ``top_type_by(dialogues, "channel")``
gives the most frequent type per channel, ``examples(dialogues)`` one snippet per type, and
``clues(utterance, customer_type)`` the words in a snippet that point to its type.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns
from course.core.vocab import CUSTOMER_TYPES

# The eight types, as spelled in the dialogues data, in teaching order.
TYPES = list(CUSTOMER_TYPES)
_TYPE_KEYS = dict(zip(TYPES, ["hesitant", "irritable", "silent", "thrifty", "vain", "bargain",
                              "talkative", "rational"]))
_PSYCHOLOGY_KEYS = ["god", "show", "profit", "change", "herd", "contrary", "guard", "rights",
                    "anxiety", "sympathy"]
_CUES = ["eyes", "face", "body", "tone"]

# The strategies in the order the scenario trainer offers them: deliberately not the type order,
# so that the position of a type never gives its strategy away.
_STRATEGY_ORDER = ["理智好辩", "贪小便宜", "犹豫不决", "沉默寡言", "虚荣心强", "脾气暴躁", "滔滔不绝",
                   "节约俭朴"]

# Words that point to a type (matched as substrings). Silence and talkativeness show in length.
CLUE_WORDS = {
    "犹豫不决": ["再想想", "拿不准", "万一", "不踏实", "怕买错", "说不好", "再说吧", "别催", "再观察", "要不"],
    "脾气暴躁": ["气死", "马上", "必须", "没工夫", "没完", "别跟我解释", "到底", "光道歉", "又让我等", "什么态度", "负责人叫来",
             "谁让你们", "一拖再拖", "真是的"],
    "沉默寡言": [],
    "节约俭朴": ["便宜", "省钱", "划算", "刀刃", "基本款", "打折", "差价", "最低", "凑合", "省着", "压一压",
             "一分都不能少", "预算", "性价比"],
    "虚荣心强": ["面子", "身份", "钻石会员", "有头有脸", "顶配", "最贵", "资深", "圈子", "名气", "体面", "最好的",
             "旗舰", "最新款", "最高等级", "专属", "形象"],
    "贪小便宜": ["送", "赠品", "优惠券", "叠加", "积分", "免费", "顺便", "不要钱"],
    "滔滔不绝": ["对了", "说起这个", "话说回来", "……"],
    "理智好辩": ["讲道理", "依据", "数据", "条款", "参数", "对比", "书面", "逐条", "怎么解释",
             "正面回答", "凭什么", "分贝", "功率", "能效", "具体在哪"],
}
SHORT_UTTERANCE, LONG_UTTERANCE = 8, 50  # characters: a few words vs a long monologue


def _type_text(customer_type: str, field: str) -> str:
    return t(f"psychology.{_TYPE_KEYS[customer_type]}_{field}")


def check_type(name) -> str:
    """``name`` if it is one of the eight types, else a CourseError listing them."""
    if name not in _TYPE_KEYS:
        raise CourseError("psychology.unknown_type", name=name, valid=choices(TYPES))
    return name


def customer_types_table(headers: str = "en") -> pd.DataFrame:
    """One row per customer type: customer_type, signals, psychology, strategy, avoid.

    ``headers="zh"`` gives Chinese column names (here and in the other two tables), for showing
    the table to trainees.
    """
    fields = ["signals", "psychology", "strategy", "avoid"]
    table = pd.DataFrame(
        [{"customer_type": ty, **{f: _type_text(ty, f) for f in fields}} for ty in TYPES],
        index=pd.RangeIndex(1, len(TYPES) + 1),
    )
    return _headers(table, headers, {"customer_type": "col_type"})


def psychologies_table(headers: str = "en") -> pd.DataFrame:
    """The ten user psychologies: name, what (how it shows), respond (how to respond)."""
    table = pd.DataFrame(
        [{f: t(f"psychology.{key}_{f}") for f in ("name", "what", "respond")} for key in _PSYCHOLOGY_KEYS],
        index=pd.RangeIndex(1, len(_PSYCHOLOGY_KEYS) + 1),
    )
    return _headers(table, headers, {})


def body_language_table(headers: str = "en") -> pd.DataFrame:
    """Reading eyes, face, body and tone: cue, signal, meaning, respond (three rows per cue)."""
    rows = []
    for cue in _CUES:
        for i in (1, 2, 3):
            rows.append({"cue": t(f"psychology.cue_{cue}"),
                         **{f: t(f"psychology.{cue}_{i}_{f}") for f in ("signal", "meaning", "respond")}})
    table = pd.DataFrame(rows, index=pd.RangeIndex(1, len(rows) + 1))
    return _headers(table, headers, {"respond": "col_cue_respond"})


def _headers(table: pd.DataFrame, headers: str, keys: dict) -> pd.DataFrame:
    """English column names (``"en"``) or their Chinese captions from the catalog (``"zh"``)."""
    if headers == "en":
        return table
    if headers != "zh":
        raise CourseError("psychology.bad_headers", value=headers)
    return table.rename(columns=lambda c: t("psychology." + keys.get(c, f"col_{c}")))


# ----------------------------------------------------------------------------------------------
# Strategies (for the scenario trainer and the exercise)
# ----------------------------------------------------------------------------------------------
def strategy_for(customer_type: str) -> str:
    """The short strategy label that fits ``customer_type``."""
    return _type_text(check_type(customer_type), "label")


def strategy_options() -> list[str]:
    """The eight strategy labels in the order the trainer offers them (not the type order)."""
    return [strategy_for(ty) for ty in _STRATEGY_ORDER]


def type_for_strategy(label: str) -> str:
    """The customer type a strategy label was written for."""
    for ty in TYPES:
        if strategy_for(ty) == label:
            return ty
    raise CourseError("psychology.unknown_strategy", name=label, valid=choices(strategy_options()))


def clues(utterance: str, customer_type: str) -> list[str]:
    """What in ``utterance`` points to ``customer_type``: matched clue words, in the order they
    appear, plus a note on length for the silent and the talkative types."""
    check_type(customer_type)
    text = str(utterance)
    found = sorted((text.find(w), w) for w in CLUE_WORDS[customer_type] if w in text)
    out = [f"「{w}」" for _, w in found]
    length = len(text.strip())
    if customer_type == "沉默寡言" and length <= SHORT_UTTERANCE:
        out.append(t("psychology.trainer_clue_short"))
    if customer_type == "滔滔不绝" and length >= LONG_UTTERANCE:
        out.append(t("psychology.trainer_clue_long", length=length))
    return out


# ----------------------------------------------------------------------------------------------
# Counting the labelled dialogues
# ----------------------------------------------------------------------------------------------
def type_counts(dialogues: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """Snippets per ``by`` value (rows, sorted) and customer type (columns, teaching order)."""
    _require(dialogues, ["customer_type"])
    if by not in dialogues.columns:
        raise CourseError("psychology.unknown_by", by=by, valid=choices(dialogues.columns))
    kinds = dialogues["customer_type"].astype(str)
    for name in kinds.unique():
        check_type(name)
    table = pd.crosstab(dialogues[by].astype(str), pd.Categorical(kinds, categories=TYPES),
                        dropna=False)
    table.index.name, table.columns.name = by, "customer_type"
    return table.reindex(columns=TYPES, fill_value=0).astype(np.int64)


def top_type_by(dialogues: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """The most frequent customer type in each ``by`` group.

    Columns: ``by``, customer_type, dialogues (its count), share (of the group, 0 … 1). A tie goes
    to the type that comes first in ``TYPES``.
    """
    counts = type_counts(dialogues, by)
    top = counts.to_numpy().argmax(axis=1)  # argmax keeps the first of equal counts
    best = counts.to_numpy()[np.arange(len(counts)), top]
    totals = counts.sum(axis=1).to_numpy()
    return pd.DataFrame({
        by: counts.index.to_numpy(),
        "customer_type": [TYPES[i] for i in top],
        "dialogues": best.astype(np.int64),
        "share": best / np.where(totals > 0, totals, np.nan),
    })


def examples(dialogues: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """One snippet per customer type (deterministic for a given ``seed``): customer_type, utterance."""
    _require(dialogues, ["customer_type", "utterance"])
    rows = []
    for ty in TYPES:
        pool = dialogues.loc[dialogues["customer_type"] == ty, "utterance"].drop_duplicates()
        if len(pool):
            rows.append({"customer_type": ty, "utterance": pool.sample(1, random_state=seed).iloc[0]})
    return pd.DataFrame(rows)


def type_chart(dialogues: pd.DataFrame):
    """Bar chart of the number of snippets per customer type."""
    from course.core.plotting import bar_chart

    counts = type_counts(dialogues).sum(axis=0)
    return bar_chart(counts.index, counts.to_numpy(), title=t("psychology.chart_types_title"),
                     ylabel=t("psychology.chart_types_ylabel"))


def _require(table, needed) -> None:
    require_columns(table, needed, "psychology", "dialogues")


__all__ = [
    "TYPES", "CLUE_WORDS", "check_type", "customer_types_table", "psychologies_table",
    "body_language_table", "strategy_for", "strategy_options", "type_for_strategy", "clues",
    "type_counts", "top_type_by", "examples", "type_chart",
]
