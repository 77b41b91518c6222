"""Chinese free-text tables of 「悦家优选」: customer feedback, dialogue snippets, SPIN questions.

``generate(customers, seed)`` composes every sentence from the phrase banks in ``text_vocab`` with
one seeded generator, so the same seed always gives the same tables. The patterns the lessons
rediscover are built in on purpose: pain points follow a Pareto curve, unhappy customers write
negative comments, the category is readable from keywords most (not all) of the time, and each
customer type is more common in some channels than in others.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices
from course.core.vocab import SATISFACTION
from course.data import text_vocab as V
from course.data.dictionary import columns

N_FEEDBACK = 1200
N_DIALOGUES = 400
N_QUESTIONS = 200
START = pd.Timestamp("2022-01-01")
END = pd.Timestamp("2024-12-31 23:59:59")
REQUIRED = ("customer_id", "satisfaction", "channel")

# P(负面, 中性, 正面) for each satisfaction level: one row per level, worst first as in SATISFACTION
SENTIMENT_BY_SATISFACTION = dict(zip(SATISFACTION, (
    (0.80, 0.15, 0.05),
    (0.62, 0.25, 0.13),
    (0.30, 0.40, 0.30),
    (0.12, 0.28, 0.60),
    (0.05, 0.15, 0.80),
), strict=True))
# how much more often a customer at each level writes a comment: the unhappy write more
WRITE_RATE = dict(zip(SATISFACTION, (3.0, 2.5, 1.5, 1.0, 1.0), strict=True))
# unhappy customers more often pick up the phone than write in their purchase channel
HOTLINE_SHARE = {"负面": 0.30, "中性": 0.15, "正面": 0.05}
# comment assembly probabilities
P_OPENER, P_DETAIL, P_CLOSER = 0.45, 0.45, 0.55
P_SAME_CAT_EXTRA, P_OTHER_CAT_EXTRA = 0.15, 0.13
P_VAGUE, P_MIXED_NEUTRAL = 0.06, 0.30
P_TYPO, P_HALF_WIDTH, P_SPACES, P_EMPHASIS = 0.07, 0.12, 0.03, 0.10
DUPLICATE_SHARE, STOCK_SHARE = 0.04, 0.015
ZIPF_EXPONENT = 1.1
MIN_LEN, MAX_LEN = 10, 60

# hour-of-day activity for timestamps: quiet at night, busy in the evening
HOUR_WEIGHTS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 5, 5, 4, 4, 4, 4, 4, 5, 6, 7, 7,
                         5, 3], dtype=float)



def generate(customers: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """The three text tables, each sorted by its id; identical for identical inputs and seed."""
    _check_customers(customers)
    rng_feedback, rng_dialogues, rng_questions = np.random.default_rng(seed).spawn(3)
    return {
        "feedback": make_feedback(customers, rng_feedback),
        "dialogues": make_dialogues(rng_dialogues),
        "spin_questions": make_spin_questions(rng_questions),
    }


def jieba_words() -> list[str]:
    """Pain-point and praise phrases, to add to jieba's dictionary so each stays one word."""
    return sorted({kw for kw, _, _ in V.PAIN_POINTS} | {kw for kw, _, _ in V.PRAISES})


def pain_point_categories() -> dict[str, str]:
    """Each pain-point keyword with the feedback category it belongs to."""
    return {kw: cat for kw, cat, _ in V.PAIN_POINTS}


def _check_customers(customers: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED if c not in customers.columns]
    if missing:
        raise CourseError("texts.missing_columns", missing=choices(missing), required=choices(REQUIRED))
    if len(customers) == 0:
        raise CourseError("texts.no_customers")


# ---------------------------------------------------------------------------------- feedback


def make_feedback(customers: pd.DataFrame, rng: np.random.Generator, n: int = N_FEEDBACK) -> pd.DataFrame:
    n_dup = int(round(n * DUPLICATE_SHARE))
    n_stock = int(round(n * STOCK_SHARE))
    n_own = n - n_dup - n_stock

    levels = customers["satisfaction"].astype(str).to_numpy()
    rate = np.array([WRITE_RATE.get(s, 1.0) for s in levels])
    who = rng.choice(len(customers), n_own + n_stock, p=rate / rate.sum())
    sat = levels[who]
    probs = np.array([SENTIMENT_BY_SATISFACTION.get(s, SENTIMENT_BY_SATISFACTION["一般"]) for s in sat])
    # inverse-CDF draw per row keeps one uniform per comment
    u = rng.random(len(who))
    sentiment_idx = (u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1).clip(0, 2)
    sentiments = [V.SENTIMENTS[i] for i in sentiment_idx]

    pain_weights = _zipf(len(V.PAIN_POINTS))
    rows = []
    for k in range(n_own + n_stock):
        if k >= n_own:
            text, sentiment, category = V.STOCK_TEXT
        else:
            sentiment = sentiments[k]
            category, text = _comment(rng, sentiment, pain_weights)
        rows.append((who[k], sentiment, category, text))

    frame = pd.DataFrame(rows, columns=["row", "sentiment", "category", "text"])
    cust = customers.reset_index(drop=True)
    frame["customer_id"] = cust["customer_id"].to_numpy()[frame["row"]]
    own_channel = cust["channel"].astype(str).to_numpy()[frame["row"]]
    hotline = rng.random(len(frame)) < frame["sentiment"].map(HOTLINE_SHARE).to_numpy()
    frame["channel"] = np.where(hotline, "客服热线", own_channel)
    frame["created_at"] = _timestamps(rng, cust, frame["row"].to_numpy())

    # double submissions: the same customer sends the same text again a little later
    src = frame.iloc[rng.choice(n_own, n_dup, replace=False)].copy()
    later = src["created_at"] + pd.to_timedelta(rng.integers(5, 900, n_dup), unit="s")
    # ... on the same day, so no copy slips past the end of 2024 or of the customer's activity
    day_end = src["created_at"].dt.normalize() + pd.Timedelta(hours=23, minutes=59, seconds=59)
    src["created_at"] = later.where(later <= day_end, day_end)
    frame = pd.concat([frame, src], ignore_index=True)

    frame = frame.sort_values(["created_at", "customer_id", "text"], kind="mergesort").reset_index(drop=True)
    frame["feedback_id"] = [f"FB{i:05d}" for i in range(1, len(frame) + 1)]
    return frame[columns("feedback")]


def _zipf(k: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** ZIPF_EXPONENT
    return w / w.sum()


def _pick(rng: np.random.Generator, seq):
    return seq[int(rng.integers(0, len(seq)))]


def _fill(rng: np.random.Generator, text: str) -> str:
    return text.replace("{product}", _pick(rng, V.PRODUCTS)) if "{product}" in text else text


def _comment(rng: np.random.Generator, sentiment: str, pain_weights: np.ndarray) -> tuple[str, str]:
    """(category, text) of one comment, 10–60 characters."""
    for _ in range(50):
        category, text = _draft(rng, sentiment, pain_weights)
        text = _mess(rng, _fill(rng, text), sentiment)  # one product per comment
        if MIN_LEN <= len(text) <= MAX_LEN:
            return category, text
    return category, text[:MAX_LEN]


def _draft(rng: np.random.Generator, sentiment: str, pain_weights: np.ndarray) -> tuple[str, str]:
    """(category, text) with ``{product}`` still open."""
    if sentiment in V.VAGUE and rng.random() < P_VAGUE:
        category, core = _pick(rng, V.VAGUE[sentiment])
        return category, _join(rng, sentiment, [core])
    if sentiment == "中性":
        category, core = _pick(rng, V.NEUTRALS)
        parts = [core]
        if rng.random() < P_MIXED_NEUTRAL:
            # a mild remark on something else: a realistic source of misclassification
            _, _, phrases = _pick(rng, V.PRAISES if rng.random() < 0.5 else V.PAIN_POINTS)
            parts.append("不过" + _pick(rng, phrases))
        return category, _join(rng, sentiment, parts)

    bank = V.PAIN_POINTS if sentiment == "负面" else V.PRAISES
    weights = pain_weights if sentiment == "负面" else None
    main = int(rng.choice(len(bank), p=weights))
    _, category, phrases = bank[main]
    parts = [_pick(rng, phrases)]
    r = rng.random()
    if r < P_SAME_CAT_EXTRA + P_OTHER_CAT_EXTRA:
        same = r < P_SAME_CAT_EXTRA
        pool = [i for i, b in enumerate(bank) if i != main and (b[1] == category) == same]
        if pool:
            # a second issue follows the same Pareto weights as the first
            w = pain_weights[pool] if weights is not None else np.ones(len(pool))
            extra = pool[int(rng.choice(len(pool), p=w / w.sum()))]
            parts.append(_pick(rng, bank[extra][2]))
    if rng.random() < P_DETAIL:
        parts.append(_pick(rng, V.DETAILS[sentiment]))
    return category, _join(rng, sentiment, parts)


def _join(rng: np.random.Generator, sentiment: str, parts: list[str]) -> str:
    """Opener + parts + closer; an opener naming a product only if the parts name none."""
    opener = ""
    if rng.random() < P_OPENER:
        body = "".join(parts)
        named = "{product}" in body or any(p in body for p in V.PRODUCTS)
        openers = [o for o in V.OPENERS[sentiment] if not (named and "{product}" in o)]
        opener = _pick(rng, openers)
    body = opener + "，".join(parts)
    closer = _pick(rng, V.CLOSERS[sentiment]) if rng.random() < P_CLOSER else ""
    if not closer:
        return body + "。"
    return body + closer if closer[0] in "！。？" else body + "，" + closer


def _mess(rng: np.random.Generator, text: str, sentiment: str) -> str:
    """Everyday untidiness: slips of the keyboard, half-width marks, stray spaces, !!!"""
    if rng.random() < P_TYPO:
        present = [pair for pair in V.TYPOS if pair[0] in text]
        if present:
            right, wrong = _pick(rng, present)
            text = text.replace(right, wrong, 1)
    if rng.random() < P_HALF_WIDTH:
        text = text.replace("，", ",").replace("！", "!").replace("？", "?")
    if rng.random() < P_SPACES:
        text = text.replace("，", " ", 1)
    if sentiment == "负面" and rng.random() < P_EMPHASIS:
        if text.endswith(("！", "!")):
            text = text + text[-1] * 2
        elif text.endswith("。"):
            text = text[:-1] + "。。。"
    return text


def _timestamps(rng: np.random.Generator, customers: pd.DataFrame, rows: np.ndarray) -> pd.Series:
    """A moment inside each customer's active period (join date to end), else inside 2022–2024."""
    n = len(rows)
    lo = np.full(n, START.value, dtype="int64")
    hi = np.full(n, pd.Timestamp(END.date()).value, dtype="int64")
    if "join_date" in customers:
        join = pd.to_datetime(customers["join_date"]).to_numpy("datetime64[ns]")[rows].astype("int64")
        lo = np.where((join > lo) & (join < hi), join, lo)
    if "_end" in customers:
        end = pd.to_datetime(customers["_end"]).to_numpy("datetime64[ns]")[rows].astype("int64")
        hi = np.where((end > lo) & (end < hi), end, hi)
    day_ns = 86_400 * 10**9
    days = ((hi - lo) // day_ns + 1)
    day = lo // day_ns + np.floor(rng.random(n) * days).astype("int64")
    hour = rng.choice(24, n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    second = hour * 3600 + rng.integers(0, 3600, n)
    stamp = day * day_ns + second * 10**9
    return pd.Series(pd.to_datetime(stamp).as_unit("s"))


# --------------------------------------------------------------------------------- dialogues


def make_dialogues(rng: np.random.Generator, n: int = N_DIALOGUES) -> pd.DataFrame:
    channels = list(V.CHANNEL_SHARE)
    # fixed quotas (largest remainder) keep the channel × type table the same for every seed
    per_channel = _quota(n, [V.CHANNEL_SHARE[c] for c in channels])
    rows = []
    for channel, k in zip(channels, per_channel):
        for ctype, m in zip(V.CUSTOMER_TYPES, _quota(k, V.TYPE_WEIGHTS[channel])):
            scen_names = list(V.SCENARIO_WEIGHTS[channel])
            scen_p = np.array(list(V.SCENARIO_WEIGHTS[channel].values()))
            for _ in range(m):
                scenario = scen_names[int(rng.choice(len(scen_names), p=scen_p / scen_p.sum()))]
                rows.append((ctype, channel, scenario, _utterance(rng, ctype, scenario)))
    frame = pd.DataFrame(rows, columns=["customer_type", "channel", "scenario", "utterance"])
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame["dialogue_id"] = [f"DL{i:04d}" for i in range(1, len(frame) + 1)]
    return frame[columns("dialogues")]


def _quota(n: int, weights) -> list[int]:
    w = np.asarray(weights, dtype=float)
    exact = n * w / w.sum()
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: n - base.sum()]] += 1
    return base.tolist()


def _utterance(rng: np.random.Generator, ctype: str, scenario: str) -> str:
    bank = V.UTTERANCES[ctype]
    own = tuple(t for key, lines in bank.items() if scenario in key.split("|") for t in lines)
    generic = bank.get("*", ())
    # lines made for the scenario carry its context; the generic ones add variety
    text = _pick(rng, own) if own and (not generic or rng.random() < 0.6) else _pick(rng, generic)
    if "{thing}" in text:
        text = text.replace("{thing}", _pick(rng, V.THINGS[scenario]))
    text = _fill(rng, text)
    return _pick(rng, V.LEADS[ctype]) + text + _pick(rng, V.TAILS[ctype])


# ---------------------------------------------------------------------------- SPIN questions


def make_spin_questions(rng: np.random.Generator, n: int = N_QUESTIONS) -> pd.DataFrame:
    per_label = _quota(n, [1] * len(V.SPIN_LABELS))
    rows = []
    for label, k in zip(V.SPIN_LABELS, per_label):
        pools = {s: _spin_variants(s, label) for s in V.SPIN_SCENARIOS}
        for scenario, m in zip(V.SPIN_SCENARIOS, _spread(k, [len(pools[s]) for s in V.SPIN_SCENARIOS])):
            pool = pools[scenario]
            for i in sorted(rng.choice(len(pool), m, replace=False)):
                question, focus = pool[i]
                why = _pick(rng, V.SPIN_EXPLAIN[label]).format(focus=focus)
                rows.append((scenario, label, question, why))
    frame = pd.DataFrame(rows, columns=["scenario", "spin", "question", "explanation"])
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    frame["question_id"] = [f"SQ{i:04d}" for i in range(1, len(frame) + 1)]
    return frame[columns("spin_questions")]


def _spin_variants(scenario: str, label: str) -> list[tuple[str, str]]:
    """Every distinct (question, focus) a template set yields once its slot is filled."""
    slot, values = V.SPIN_SLOTS[scenario]
    mark = "{" + slot + "}"
    out: list[tuple[str, str]] = []
    for question, focus in V.SPIN_QUESTIONS[scenario][label]:
        if mark in question or mark in focus:
            out += [(question.replace(mark, v), focus.replace(mark, v)) for v in values]
        else:
            out.append((question, focus))
    return out


def _spread(n: int, capacity: list[int]) -> list[int]:
    """Split n as evenly as possible over cells without exceeding any cell's capacity."""
    if n > sum(capacity):
        raise ValueError("SPIN bank too small for the requested number of questions")
    take = [0] * len(capacity)
    while n:
        open_cells = [i for i, c in enumerate(capacity) if take[i] < c]
        for i in sorted(open_cells, key=lambda i: take[i])[:n]:
            take[i] += 1
            n -= 1
    return take
