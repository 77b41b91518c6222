"""Customer satisfaction from survey answers (module M04): NPS, CSAT, CES, key drivers, IPA.

Small pure functions, each takes a table (or a column) and returns a number or a new table::

    nps(surveys["nps"])                      # one number, -100 … 100
    nps_interval(surveys["nps"])             # NPS with a 95% confidence interval (formula)
    nps_bootstrap(surveys["nps"], seed=0)    # the same interval by resampling, for comparison
    nps_table(with_segments(surveys, customers), by="customer_type")   # NPS per segment
    survey_indicators(surveys)               # NPS, CSAT, CES side by side
    csat_distribution(surveys["csat"])       # answers per score 1–5
    key_drivers(surveys)                     # importance and performance of each attribute
    ipa_quadrants(key_drivers(surveys))      # + the quadrant of the importance–performance matrix
    ipa_chart(...)                           # the matrix as a matplotlib figure

Definitions (what a trainer may be asked):

* NPS: 9–10 is a promoter, 7–8 a passive, 0–6 a detractor; NPS = % promoters − % detractors.
* Its interval uses the usual variance formula: each answer scores +1 / 0 / −1, whose variance is
  p + d − (p − d)², so the standard error of NPS is 100·√((p + d − (p − d)²) / n); the interval is
  NPS ± z·SE, cut to −100 … 100. The bootstrap redraws the answers with a fixed seed.
* CSAT (%) is the share answering 4 or 5 on the 1–5 scale ("top-two box").
* CES is reported as its mean (1 = very easy … 7 = very hard) and as the share answering 1–3.
* Importance of an attribute = its Pearson correlation with overall satisfaction (``csat``);
  ``beta`` is its standardised coefficient in a multiple regression, shown next to it. Performance
  = the attribute's mean rating.
* IPA cut lines default to the mean importance and mean performance of the attributes shown.
"""
from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

from course.core.display import hide_columns, name_values
from course.core.i18n import CourseError, choices, t
from course.core.tables import require_columns

ATTRIBUTES = ["speed", "attitude", "quality", "price", "convenience", "after_sales"]
SEGMENT_COLUMNS = ["customer_type", "tier", "channel", "city"]
NPS_GROUPS = ["promoter", "passive", "detractor"]
QUADRANTS = ["keep", "fix", "later", "overkill"]  # catalog keys, in the order taught
SMALL_SAMPLE = 30  # fewer answers than this: the lesson warns that the number is shaky


def attribute_label(name: str) -> str:
    """The Chinese name of a survey attribute (the column name itself when it is unknown)."""
    label = t(f"satisfaction.attr_{name}")
    return name if label == f"satisfaction.attr_{name}" else label


def group_label(group: str) -> str:
    return t(f"satisfaction.group_{group}")


def quadrant_label(quadrant: str) -> str:
    return t(f"satisfaction.quadrant_{quadrant}")


# ----------------------------------------------------------------------------------------------
# NPS
# ----------------------------------------------------------------------------------------------
def _scores(values, low: int, high: int, name: str) -> np.ndarray:
    """The answers as floats with blanks dropped; anything outside low…high is an error."""
    series = pd.Series(values)
    numbers = pd.to_numeric(series, errors="coerce")
    bad = numbers.isna() & series.notna()
    if bad.any():
        raise CourseError("satisfaction.not_numbers", column=name, example=series[bad].iloc[0])
    arr = numbers.dropna().to_numpy(dtype=float)
    out_of_range = (arr < low) | (arr > high)
    if out_of_range.any():
        raise CourseError("satisfaction.out_of_range", column=name, low=low, high=high,
                          example=arr[out_of_range][0])
    return arr


def nps_group(scores) -> pd.Series:
    """推荐者 / 中立者 / 贬损者 for each 0–10 answer (blank stays blank)."""
    series = pd.Series(scores)
    _scores(series, 0, 10, "nps")
    numbers = pd.to_numeric(series, errors="coerce")
    labels = np.select([numbers >= 9, numbers >= 7, numbers >= 0],
                       [group_label(g) for g in NPS_GROUPS], default="")
    out = pd.Series(labels, index=series.index, name="nps_group")
    return out.where(numbers.notna())


def nps_counts(scores) -> dict:
    """{"promoters": …, "passives": …, "detractors": …, "respondents": …} of 0–10 answers."""
    arr = _scores(scores, 0, 10, "nps")
    promoters = int((arr >= 9).sum())
    detractors = int((arr <= 6).sum())
    return {"promoters": promoters, "passives": len(arr) - promoters - detractors,
            "detractors": detractors, "respondents": len(arr)}


def nps_from_counts(promoters: int, passives: int, detractors: int, level: float = 0.95) -> dict:
    """NPS and its confidence interval from the three counts (the formula in the module text)."""
    for value in (promoters, passives, detractors):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise CourseError("satisfaction.bad_count", value=value)
    if not 0 < level < 1:
        raise CourseError("satisfaction.bad_level", level=level)
    n = promoters + passives + detractors
    if n == 0:
        raise CourseError("satisfaction.no_answers", column="nps")
    p, d = promoters / n, detractors / n
    score = 100 * (p - d)
    se = 100 * float(np.sqrt(max(p + d - (p - d) ** 2, 0.0) / n))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return {"respondents": n, "promoters": promoters, "passives": passives,
            "detractors": detractors, "promoter_share": p, "passive_share": passives / n,
            "detractor_share": d, "nps": score, "se": se,
            "ci_low": max(score - z * se, -100.0), "ci_high": min(score + z * se, 100.0)}


def nps(scores) -> float:
    """Net Promoter Score of 0–10 answers: % promoters (9–10) minus % detractors (0–6)."""
    return nps_interval(scores)["nps"]


def nps_interval(scores, level: float = 0.95) -> dict:
    """NPS with its standard error and confidence interval (variance formula)."""
    counts = nps_counts(scores)
    return nps_from_counts(counts["promoters"], counts["passives"], counts["detractors"], level)


def nps_bootstrap(scores, n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> dict:
    """The NPS interval by resampling the answers ``n_boot`` times (fixed ``seed``: reproducible)."""
    arr = _scores(scores, 0, 10, "nps")
    if len(arr) == 0:
        raise CourseError("satisfaction.no_answers", column="nps")
    if not 0 < level < 1:
        raise CourseError("satisfaction.bad_level", level=level)
    points = np.where(arr >= 9, 1, np.where(arr <= 6, -1, 0)).astype(np.int8)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(points), size=(int(n_boot), len(points)))
    samples = 100 * points[picks].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(samples, [tail, 1 - tail])
    return {"nps": float(100 * points.mean()), "ci_low": float(low), "ci_high": float(high),
            "n_boot": int(n_boot), "seed": seed}


def with_segments(surveys: pd.DataFrame, customers: pd.DataFrame,
                  columns=SEGMENT_COLUMNS) -> pd.DataFrame:
    """The survey answers with the customer's segment columns (customer_type, tier …) added."""
    _require_columns(surveys, ["customer_id"], "surveys")
    wanted = [c for c in columns if c not in surveys.columns]
    _require_columns(customers, ["customer_id", *wanted], "customers")
    return surveys.merge(customers[["customer_id", *wanted]], on="customer_id", how="left")


def nps_table(answers: pd.DataFrame, by: str | None = None, level: float = 0.95) -> pd.DataFrame:
    """NPS per segment (one row per value of ``by``) with shares and a confidence interval.

    Without ``by`` there is one row for all answers. ``small_sample`` marks segments with fewer than
    30 answers, whose NPS can swing a lot.
    """
    _require_columns(answers, ["nps", *([by] if by else [])], "answers")
    if by is None:
        groups = [(t("satisfaction.all_answers"), answers["nps"])]
        key = "segment"
    else:
        groups = [(name, part["nps"]) for name, part in answers.groupby(by, observed=True, sort=True)]
        key = by
    rows = []
    for name, scores in groups:
        counts = nps_counts(scores)
        if counts["respondents"] == 0:
            continue
        res = nps_from_counts(counts["promoters"], counts["passives"], counts["detractors"], level)
        rows.append({key: name, **{k: res[k] for k in _TABLE_COLUMNS}})
    out = pd.DataFrame(rows, columns=[key, *_TABLE_COLUMNS])
    out["small_sample"] = out["respondents"] < SMALL_SAMPLE
    return out


_TABLE_COLUMNS = ["respondents", "promoter_share", "passive_share", "detractor_share",
                  "nps", "ci_low", "ci_high"]


# ----------------------------------------------------------------------------------------------
# CSAT and CES
# ----------------------------------------------------------------------------------------------
def csat_distribution(csat) -> pd.DataFrame:
    """Answers per CSAT score 1–5 (every score listed, also when nobody chose it)."""
    arr = _scores(csat, 1, 5, "csat")
    counts = pd.Series(arr).value_counts().reindex([1.0, 2.0, 3.0, 4.0, 5.0], fill_value=0)
    total = counts.sum()
    return pd.DataFrame({
        "score": [1, 2, 3, 4, 5],
        "label": [t(f"satisfaction.csat_{i}") for i in range(1, 6)],
        "answers": counts.to_numpy(dtype=np.int64),
        "share": counts.to_numpy(dtype=float) / total if total else np.nan,
    })


def csat_score(csat) -> float:
    """CSAT in %: the share of answers that are 4 (满意) or 5 (非常满意)."""
    arr = _scores(csat, 1, 5, "csat")
    if len(arr) == 0:
        raise CourseError("satisfaction.no_answers", column="csat")
    return float(100 * (arr >= 4).mean())


def ces_low_effort(ces) -> float:
    """The share (%) of CES answers 1–3 on the 1–7 scale: the customers for whom it was easy."""
    arr = _scores(ces, 1, 7, "ces")
    if len(arr) == 0:
        raise CourseError("satisfaction.no_answers", column="ces")
    return float(100 * (arr <= 3).mean())


def survey_indicators(surveys: pd.DataFrame) -> pd.DataFrame:
    """The three indicators side by side: one row each, with how to read them."""
    _require_columns(surveys, ["nps", "csat", "ces"], "surveys")
    ces = _scores(surveys["ces"], 1, 7, "ces")
    rows = [
        ("NPS", nps(surveys["nps"]), "nps"),
        ("CSAT（%）", csat_score(surveys["csat"]), "csat"),
        (t("satisfaction.ces_mean_name"), float(ces.mean()), "ces_mean"),
        (t("satisfaction.ces_easy_name"), ces_low_effort(surveys["ces"]), "ces_easy"),
    ]
    return pd.DataFrame({
        "indicator": [r[0] for r in rows],
        "value": [round(r[1], 1) for r in rows],
        "reading": [t(f"satisfaction.reading_{r[2]}") for r in rows],
    })


def rate_by(answers: pd.DataFrame, score: str, outcome: str) -> pd.DataFrame:
    """For each value of ``score`` (e.g. ces 1–7): how many answers and the mean of ``outcome``."""
    _require_columns(answers, [score, outcome], "answers")
    grouped = answers.groupby(score, observed=True)[outcome]
    return pd.DataFrame({score: grouped.size().index, "answers": grouped.size().to_numpy(),
                         f"{outcome}_rate": grouped.mean().to_numpy(dtype=float)})


# ----------------------------------------------------------------------------------------------
# Key drivers and the importance–performance matrix
# ----------------------------------------------------------------------------------------------
def key_drivers(surveys: pd.DataFrame, attributes=None, target: str = "csat") -> pd.DataFrame:
    """One row per attribute: performance (mean rating), importance (correlation with ``target``)
    and beta (standardised multiple-regression coefficient), sorted by importance."""
    attributes = list(ATTRIBUTES if attributes is None else attributes)
    if not attributes:
        raise CourseError("satisfaction.no_attributes", valid=choices(ATTRIBUTES))
    _require_columns(surveys, [*attributes, target], "surveys")
    data = surveys[[*attributes, target]].apply(pd.to_numeric, errors="coerce").dropna()
    if len(data) < 3:
        raise CourseError("satisfaction.too_few_answers", n=len(data))
    x = data[attributes].to_numpy(dtype=float)
    y = data[target].to_numpy(dtype=float)
    importance = np.array([_correlation(x[:, i], y) for i in range(x.shape[1])])
    out = pd.DataFrame({
        "attribute": attributes,
        "label": [attribute_label(a) for a in attributes],
        "performance": x.mean(axis=0),
        "importance": importance,
        "beta": _betas(x, y),
    })
    out.attrs["answers"] = len(data)
    out = out.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    # shown: each attribute by its Chinese name once (code keeps the ids in ``attribute``)
    name_values(out, "attribute", dict(zip(out["attribute"], out["label"])))
    return hide_columns(out, {"label": "attribute"})


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    if a.std() == 0 or b.std() == 0:  # everybody gave the same rating: no signal at all
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def _betas(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Standardised regression coefficients; a constant column gets 0."""
    sx, sy = x.std(axis=0), y.std()
    if sy == 0:
        return np.zeros(x.shape[1])
    usable = sx > 0
    z = (x[:, usable] - x[:, usable].mean(axis=0)) / sx[usable]
    zy = (y - y.mean()) / sy
    coef, *_ = np.linalg.lstsq(z, zy, rcond=None)
    out = np.zeros(x.shape[1])
    out[usable] = coef
    return out


def ipa_quadrants(drivers: pd.DataFrame, importance_cut: float | None = None,
                  performance_cut: float | None = None) -> pd.DataFrame:
    """A copy of ``drivers`` with ``quadrant`` (keep/fix/later/overkill) and its Chinese name.

    High importance means strictly above ``importance_cut`` (default: the mean importance of the
    rows); the same for performance. The cuts used are kept in ``.attrs``.
    """
    _require_columns(drivers, ["importance", "performance"], "drivers")
    imp_cut = float(drivers["importance"].mean()) if importance_cut is None else float(importance_cut)
    perf_cut = (float(drivers["performance"].mean()) if performance_cut is None
                else float(performance_cut))
    high_imp = drivers["importance"].to_numpy() > imp_cut
    high_perf = drivers["performance"].to_numpy() > perf_cut
    quadrant = np.select([high_imp & high_perf, high_imp & ~high_perf, ~high_imp & ~high_perf],
                         ["keep", "fix", "later"], default="overkill")
    out = drivers.copy()
    out["quadrant"] = quadrant
    out["quadrant_label"] = [quadrant_label(q) for q in quadrant]
    out.attrs.update(drivers.attrs, importance_cut=imp_cut, performance_cut=perf_cut)
    name_values(out, "quadrant", {q: quadrant_label(q) for q in QUADRANTS})
    return hide_columns(out, {"quadrant_label": "quadrant"})


def ipa_chart(quadrants: pd.DataFrame, title: str | None = None):
    """The importance–performance matrix: x = performance, y = importance, Chinese quadrant names."""
    from course.core.plotting import ACCENT_COLOR, BASE_COLOR, new_figure

    _require_columns(quadrants, ["label", "importance", "performance", "quadrant"], "quadrants")
    imp_cut = quadrants.attrs.get("importance_cut", float(quadrants["importance"].mean()))
    perf_cut = quadrants.attrs.get("performance_cut", float(quadrants["performance"].mean()))
    fig, ax = new_figure(title or t("satisfaction.ipa_title"), figsize=(7, 4.6))
    colors = [ACCENT_COLOR if q == "fix" else BASE_COLOR for q in quadrants["quadrant"]]
    ax.scatter(quadrants["performance"], quadrants["importance"], s=70, color=colors, zorder=3)
    for rec in quadrants.itertuples(index=False):
        ax.annotate(rec.label, (rec.performance, rec.importance), xytext=(6, 4),
                    textcoords="offset points", fontsize=11)
    ax.axvline(perf_cut, color="#5C6770", linestyle="--", linewidth=0.9)
    ax.axhline(imp_cut, color="#5C6770", linestyle="--", linewidth=0.9)
    # pad the axes so that every point and every quadrant name has room
    x0, x1 = _padded(quadrants["performance"], perf_cut)
    y0, y1 = _padded(quadrants["importance"], imp_cut)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # quadrant names sit just inside the corners (axes coordinates: 0…1 whatever the data)
    corners = {"keep": (0.98, 0.97, "right", "top"), "fix": (0.02, 0.97, "left", "top"),
               "later": (0.02, 0.03, "left", "bottom"), "overkill": (0.98, 0.03, "right", "bottom")}
    for quadrant, (x, y, ha, va) in corners.items():
        ax.text(x, y, quadrant_label(quadrant), ha=ha, va=va, fontsize=12, transform=ax.transAxes,
                color=ACCENT_COLOR if quadrant == "fix" else "#5C6770", alpha=0.9)
    ax.set_xlabel(t("satisfaction.ipa_x"))
    ax.set_ylabel(t("satisfaction.ipa_y"))
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def _padded(values: pd.Series, cut: float) -> tuple[float, float]:
    low, high = min(values.min(), cut), max(values.max(), cut)
    span = (high - low) or 1.0
    return float(low - 0.25 * span), float(high + 0.25 * span)


def csat_chart(distribution: pd.DataFrame):
    """Bar chart of the CSAT distribution (4 and 5 highlighted: they make up CSAT %)."""
    from course.core.plotting import bar_chart

    _require_columns(distribution, ["score", "label", "share"], "distribution")
    labels = [t("satisfaction.csat_bar", score=s, label=lab)
              for s, lab in zip(distribution["score"], distribution["label"])]
    return bar_chart(labels, distribution["share"] * 100, title=t("satisfaction.csat_title"),
                     ylabel=t("satisfaction.share_axis"), highlight=labels[3:])


# ----------------------------------------------------------------------------------------------
# Input checks
# ----------------------------------------------------------------------------------------------
def _require_columns(table, needed, what: str) -> None:
    require_columns(table, needed, "satisfaction", what)


__all__ = [
    "ATTRIBUTES", "SEGMENT_COLUMNS", "QUADRANTS", "attribute_label", "nps_group", "nps_counts",
    "nps_from_counts", "nps", "nps_interval", "nps_bootstrap", "with_segments", "nps_table",
    "csat_distribution", "csat_score", "ces_low_effort", "survey_indicators", "rate_by",
    "key_drivers", "ipa_quadrants", "ipa_chart", "csat_chart",
]
