"""Editable keyword-rule classifier: add a keyword to a category, watch accuracy and the matrix.

``classifier_view(base, rules)`` is a pure function that computes everything the widget shows;
``keyword_classifier(feedback)`` wires it to a category picker, a keyword box and three buttons.

Speed: ``prepare(feedback, tokens)`` keeps the texts, the labels and the jieba tokens once. Each
keyword's hit vector (which comments contain it) is computed the first time the keyword is used and
then reused, so an update only adds integer vectors and counts a few thousand tokens.
"""
from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns
from course.voc import (
    CATEGORIES,
    DEFAULT_RULES,
    STOPWORDS,
    UNKNOWN,
    check_rules,
    confusion,
    keyword_hits,
    pick_category,
    rule_scores,
)

N_HINTS = 12


@dataclass(eq=False)
class ClassifierBase:
    """Feedback prepared once: texts, labels, tokens, and a cache of keyword hit vectors."""

    texts: list
    labels: np.ndarray
    tokens: list | None
    hits: dict = field(default_factory=dict)  # keyword → bool array (a cache, not state)

    def hit(self, word: str) -> np.ndarray:
        if word not in self.hits:
            self.hits[word] = keyword_hits(self.texts, word)
        return self.hits[word]


def prepare(feedback: pd.DataFrame, tokens=None) -> ClassifierBase:
    """Check the feedback table and keep what every view needs; ``tokens`` from voc.tokenize."""
    require_columns(feedback, ["text", "category"], "voc", "feedback")
    texts = feedback["text"].astype(str).tolist()
    if tokens is not None and len(tokens) != len(texts):
        raise CourseError("voc.length_mismatch", labels=len(texts), predicted=len(tokens))
    labels = np.asarray(feedback["category"].astype(str), dtype=object)
    bad = sorted(set(labels) - set(CATEGORIES))
    if bad:
        raise CourseError("voc.unknown_category", name=bad[0], valid=choices(CATEGORIES))
    return ClassifierBase(texts=texts, labels=labels,
                          tokens=None if tokens is None else [list(ws) for ws in tokens])


@dataclass(frozen=True, eq=False)
class ClassifierView:
    """What the widget shows for one rule set."""

    rules: dict
    predicted: np.ndarray
    accuracy: float
    matrix: pd.DataFrame
    hints: list  # (word, comments, label) frequent in wrong / unclassified comments
    caption: str
    rules_html: str
    matrix_html: str
    hints_html: str


def classifier_view(base: ClassifierBase, rules=None) -> ClassifierView:
    """Classify every comment with ``rules`` and render caption, rules, matrix and hints."""
    rules = check_rules(DEFAULT_RULES if rules is None else rules)
    hits = {w: base.hit(w) for ws in rules.values() for w in ws}
    predicted = pick_category(rule_scores(hits, rules, len(base.texts)))
    right = predicted == base.labels
    acc = float(right.mean()) if len(right) else float("nan")
    matrix = confusion(base.labels, predicted)
    hints = _hints(base, ~right, rules)
    caption = t("voc.kc_caption", n=f"{len(right):,}", accuracy=_pct(acc),
                correct=f"{int(right.sum()):,}", unknown=f"{int((predicted == UNKNOWN).sum()):,}")
    return ClassifierView(
        rules=rules, predicted=predicted, accuracy=acc, matrix=matrix, hints=hints,
        caption=caption, rules_html=_rules_html(rules), matrix_html=_matrix_html(matrix),
        hints_html=_hints_html(hints),
    )


def add_keyword(rules, category: str, word: str) -> dict:
    """A new rule set with ``word`` added to ``category`` (the input is not changed)."""
    rules = check_rules(rules)
    if category not in CATEGORIES:
        raise CourseError("voc.unknown_category", name=category, valid=choices(CATEGORIES))
    word = str(word).strip()
    if not word:
        raise CourseError("voc.kc_empty_keyword")
    return {c: ws + [word] if c == category and word not in ws else list(ws) for c, ws in rules.items()}


def remove_keyword(rules, category: str, word: str) -> dict:
    """A new rule set without ``word`` in ``category``."""
    rules = check_rules(rules)
    if category not in CATEGORIES:
        raise CourseError("voc.unknown_category", name=category, valid=choices(CATEGORIES))
    word = str(word).strip()
    if word not in rules[category]:
        raise CourseError("voc.kc_not_found", category=category, word=word)
    return {c: [w for w in ws if not (c == category and w == word)] for c, ws in rules.items()}


def _hints(base: ClassifierBase, wrong: np.ndarray, rules: dict) -> list:
    """(word, comments, label): frequent unused words in the wrong comments, with the label most
    of those comments carry — the category the word would be a keyword for."""
    if base.tokens is None:
        return []
    used = {w for ws in rules.values() for w in ws}
    pairs = Counter(
        (w, base.labels[i]) for i in np.flatnonzero(wrong) for w in set(base.tokens[i])
        if len(w) >= 2 and w not in STOPWORDS and w not in used
    )
    totals: Counter = Counter()
    best: dict = {}
    for (word, label), n in pairs.items():
        totals[word] += n
        if n > best.get(word, (0, ""))[0] or (n == best[word][0] and label < best[word][1]):
            best[word] = (n, label)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:N_HINTS]
    return [(word, n, best[word][1]) for word, n in ranked]


# ----------------------------------------------------------------------------------------------
# HTML rendering (inline styles: JupyterLab, Voila and exported HTML alike)
# ----------------------------------------------------------------------------------------------
def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1%}"


def _rules_html(rules: dict) -> str:
    items = "".join(
        f'<li><b>{html.escape(c)}</b>：{html.escape("、".join(ws)) or html.escape(t("voc.kc_none"))}</li>'
        for c, ws in rules.items()
    )
    return (f'<div style="font-size:13px"><div style="font-weight:bold">'
            f'{html.escape(t("voc.kc_rules_title"))}</div><ul style="margin:2px 0">{items}</ul></div>')


def _matrix_html(matrix: pd.DataFrame) -> str:
    cell = "padding:3px 10px;border:1px solid #ddd;text-align:right;"
    widest = max(int(matrix.to_numpy().max()), 1)
    head = "".join(f'<th style="{cell}">{html.escape(str(c))}</th>' for c in matrix.columns)
    rows = []
    for label, rec in matrix.iterrows():
        tds = []
        for col, value in rec.items():
            # green on the diagonal (right), orange elsewhere (wrong), stronger = more comments
            hue = "47,158,68" if col == label else "217,72,15"
            alpha = 0.08 + 0.5 * int(value) / widest
            tds.append(f'<td style="{cell}background:rgba({hue},{alpha:.2f})">{int(value):,}</td>')
        rows.append(f'<tr><th style="{cell}">{html.escape(str(label))}</th>{"".join(tds)}</tr>')
    corner = html.escape(f"{matrix.index.name} ＼ {matrix.columns.name}")
    return (
        f'<div style="font-size:13px"><div style="font-weight:bold;margin:4px 0">'
        f'{html.escape(t("voc.kc_matrix_title"))}</div>'
        f'<table style="border-collapse:collapse"><thead><tr><th style="{cell}">{corner}</th>{head}'
        f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


def _hints_html(hints: list) -> str:
    if not hints:
        return ""
    words = "　".join(html.escape(t("voc.kc_hint_item", word=w, count=n, label=label))
                     for w, n, label in hints)
    return (f'<div style="font-size:13px;margin-top:4px"><b>{html.escape(t("voc.kc_hints_title"))}'
            f'</b><br>{words}</div>')


# ----------------------------------------------------------------------------------------------
# The widget: a thin layer over classifier_view
# ----------------------------------------------------------------------------------------------
def keyword_classifier(feedback: pd.DataFrame, tokens=None, rules=None):
    """An interactive keyword-rule classifier (an ``ipywidgets.VBox``).

    The box carries ``.controls`` (category, keyword, add, remove, reset), ``.status``,
    ``.caption``, ``.rules``, ``.matrix``, ``.hints`` (HTML widgets), ``.view`` (the last
    ``ClassifierView``) and ``.current`` (the rule set shown) for trainers and tests.
    """
    import ipywidgets as w

    base = prepare(feedback, tokens)
    start = check_rules(DEFAULT_RULES if rules is None else rules)
    controls = {
        "category": w.Dropdown(description=t("voc.kc_category"), options=list(CATEGORIES)),
        "keyword": w.Text(description=t("voc.kc_keyword"),
                          placeholder=t("voc.kc_keyword_placeholder")),
        "add": w.Button(description=t("voc.kc_add"), button_style="primary"),
        "remove": w.Button(description=t("voc.kc_remove")),
        "reset": w.Button(description=t("voc.kc_reset")),
    }
    status, caption, rules_box, matrix, hints = (w.HTML() for _ in range(5))
    box = w.VBox([w.HBox(list(controls.values())), status, caption, rules_box, matrix, hints])
    box.controls, box.status, box.caption = controls, status, caption
    box.rules, box.matrix, box.hints = rules_box, matrix, hints
    box.base = base

    def show(new_rules, message: str = ""):
        view = classifier_view(base, new_rules)
        box.view, box.current = view, view.rules
        status.value = html.escape(message)
        caption.value = f"<b>{html.escape(view.caption)}</b>"
        rules_box.value, matrix.value, hints.value = view.rules_html, view.matrix_html, view.hints_html

    def change(edit, key):
        before = box.view.accuracy
        category, word = controls["category"].value, controls["keyword"].value.strip()
        try:
            new_rules = edit(box.current, category, word)
        except CourseError as err:
            status.value = f'<span style="color:#b00020">{html.escape(str(err))}</span>'
            return
        show(new_rules)
        status.value = html.escape(t(key, word=word, category=category, before=_pct(before),
                                     after=_pct(box.view.accuracy)))
        controls["keyword"].value = ""

    controls["add"].on_click(lambda _b: change(add_keyword, "voc.kc_added"))
    controls["remove"].on_click(lambda _b: change(remove_keyword, "voc.kc_removed"))
    controls["reset"].on_click(lambda _b: show(start, t("voc.kc_reset_done")))
    show(start)
    return box


__all__ = ["ClassifierBase", "ClassifierView", "prepare", "classifier_view", "add_keyword",
           "remove_keyword", "keyword_classifier"]
