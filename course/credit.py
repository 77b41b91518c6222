"""Credit scoring as a transparent points scorecard (module M09), in the seed's four steps.

1. choose indicators — ``information_values(train)``: how well each binned indicator separates
   good from bad payers (information value, IV);
2. fit the model — ``fit_scorecard(train)``: each indicator is cut into a few bins, each bin gets a
   weight of evidence (WoE), a logistic regression on the WoE values weighs the indicators, and the
   result is rounded into a points table anyone can add up by hand;
3. initial grades — ``assign_grades(scores)``: score bands A–E;
4. rule adjustments — ``adjust_grades(apps, grades)``: business rules that move a grade down.

Accuracy and stability are checked on a fixed hold-out: ``split_applications`` keeps the later
applications aside; ``auc`` measures ranking power, ``psi`` measures how far the score distribution
moved, ``grade_report`` shows the bad rate per grade.

Conventions: ``defaulted`` True is a "bad" application. A higher score means a lower risk. Scores
are scaled so that ``BASE_SCORE`` points mean good:bad odds of ``BASE_ODDS``:1 and every
``PDO`` more points double those odds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from course.core.display import hide_columns, name_values
from course.core.i18n import CourseError, choices, t

TARGET = "defaulted"
SPLIT_DATE = "2023-07-01"  # applications from this day on are the hold-out
BASE_SCORE, BASE_ODDS, PDO = 600, 20, 40

# Step 1: candidate indicators and readable cut points (a bin is [cut_i, cut_i+1)).
DEFAULT_CUTS: dict[str, list[float]] = {
    "years_in_business": [2, 5, 10],
    "annual_revenue_wan": [100, 300, 1000],
    "past_overdue_count": [1, 2, 4],
    "avg_order_amount": [2000, 5000, 10000],
    "debt_ratio": [0.4, 0.6, 0.75],
    "is_customer": [1],
}
CATEGORICAL = ["industry"]
INDICATORS = list(DEFAULT_CUTS) + CATEGORICAL
# The four strong, stable indicators the lesson settles on (industry is handled by a rule instead)
DEFAULT_INDICATORS = ["years_in_business", "annual_revenue_wan", "past_overdue_count", "debt_ratio"]

GRADES = ["A", "B", "C", "D", "E"]
DEFAULT_GRADE_CUTS = [620, 580, 540, 480]  # lowest score of A, B, C, D; below the last is E

# Step 4: rules applied after the score. (column, operator, value, action, catalog key)
# action "down1" moves one grade down, "to_E" puts the application straight into E.
DEFAULT_RULES = [
    ("past_overdue_count", ">=", 5, "to_E", "rule_many_overdue"),
    ("industry", "==", "餐饮", "down1", "rule_restaurant"),
    ("years_in_business", "<", 1, "down1", "rule_brand_new"),
]
_OPS = {">=": np.greater_equal, ">": np.greater, "<": np.less, "<=": np.less_equal,
        "==": np.equal}
IV_LEVELS = [(0.02, "iv_useless"), (0.1, "iv_weak"), (0.3, "iv_medium"), (np.inf, "iv_strong")]
MIN_IV = 0.1


# ----------------------------------------------------------------------------------------------
# Data preparation
# ----------------------------------------------------------------------------------------------
def prepare_applications(apps: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``is_customer`` (1 = existing customer, 0 = new applicant) added."""
    if not isinstance(apps, pd.DataFrame):
        raise CourseError("credit.not_a_table", kind=type(apps).__name__)
    needed = [c for c in INDICATORS if c != "is_customer"] + [TARGET]
    missing = [c for c in needed if c not in apps.columns]
    if missing:
        raise CourseError("credit.missing_columns", missing=choices(missing),
                          found=choices(apps.columns) or "—")
    out = apps.copy()
    if "is_customer" not in out.columns:
        out["is_customer"] = (out["customer_id"].notna().astype(int)
                              if "customer_id" in out.columns else 0)
    return out


def split_applications(apps: pd.DataFrame, date: str = SPLIT_DATE,
                       date_col: str = "applied_at") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, holdout): applications before ``date`` build the model, later ones test it."""
    apps = prepare_applications(apps)
    later = pd.to_datetime(apps[date_col]) >= pd.Timestamp(date)
    return apps[~later].reset_index(drop=True), apps[later].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# Bins and weight of evidence
# ----------------------------------------------------------------------------------------------
def bin_labels(cuts) -> list[str]:
    """Readable bin names for cut points, e.g. [2, 5] → ['<2', '2–5', '≥5']."""
    cuts = [_fmt(c) for c in cuts]
    if not cuts:
        return [t("credit.bin_all")]
    return [f"<{cuts[0]}"] + [f"{a}–{b}" for a, b in zip(cuts, cuts[1:])] + [f"≥{cuts[-1]}"]


def quantile_cuts(train: pd.DataFrame, n: int) -> dict[str, list[float]]:
    """Cut points that split each numeric indicator of ``train`` into ``n`` groups of about equal
    size, rounded to two significant digits so they stay readable (ties may merge groups)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= 8:
        raise CourseError("credit.bad_bins", n=n)
    train = prepare_applications(train)
    out = {}
    for indicator in DEFAULT_CUTS:
        if indicator == "is_customer":  # a yes/no indicator has only one sensible cut
            out[indicator] = [1]
            continue
        values = train[indicator].to_numpy(dtype=float)
        qs = np.quantile(values, np.arange(1, n) / n)
        rounded = [float(f"{q:.2g}") for q in qs]
        # a cut at or below the minimum would leave an empty first bin
        out[indicator] = sorted({c for c in rounded if c > values.min()})
    return out


def _fmt(value) -> str:
    value = float(value)
    return f"{value:g}"


def bin_codes(values: pd.Series, cuts) -> np.ndarray:
    """The bin number (0, 1, …) of each value: bin i holds cuts[i-1] <= value < cuts[i]."""
    cuts = sorted(float(c) for c in cuts)
    return np.searchsorted(np.asarray(cuts), values.to_numpy(dtype=float), side="right")


def _binned(apps: pd.DataFrame, indicator: str, cuts) -> tuple[np.ndarray, list[str]]:
    if indicator in CATEGORICAL:
        labels = sorted(apps[indicator].astype(str).unique())
        codes = pd.Categorical(apps[indicator].astype(str), categories=labels).codes
        return np.asarray(codes), labels
    if indicator not in apps.columns:
        raise CourseError("credit.unknown_indicator", name=indicator, valid=choices(INDICATORS))
    return bin_codes(apps[indicator], cuts), bin_labels(sorted(cuts))


def woe_table(apps: pd.DataFrame, indicator: str, cuts=None) -> pd.DataFrame:
    """One row per bin: applications, bad, bad_rate, woe and the bin's share of the IV.

    WoE = ln(share of all goods in the bin / share of all bads in the bin): positive bins are
    safer than average. Half an application is added to empty cells so that no bin is infinite.
    """
    apps = prepare_applications(apps)
    if cuts is None:
        cuts = DEFAULT_CUTS.get(indicator, [])
    codes, labels = _binned(apps, indicator, cuts)
    bad = apps[TARGET].to_numpy(dtype=bool)
    k = len(labels)
    n = np.bincount(codes, minlength=k).astype(float)
    n_bad = np.bincount(codes, weights=bad, minlength=k)
    n_good = n - n_bad
    share_good = (n_good + 0.5) / (n_good.sum() + 0.5 * k)
    share_bad = (n_bad + 0.5) / (n_bad.sum() + 0.5 * k)
    woe = np.log(share_good / share_bad)
    with np.errstate(invalid="ignore", divide="ignore"):
        bad_rate = np.where(n > 0, n_bad / n, np.nan)
    table = pd.DataFrame({
        "indicator": indicator,
        "bin": labels,
        "applications": n.astype(int),
        "bad": n_bad.astype(int),
        "bad_rate": bad_rate,
        "woe": woe,
        "iv": (share_good - share_bad) * woe,
    })
    return name_values(table, "indicator", {indicator: indicator_name(indicator)})


def choose_indicators(ivs: pd.DataFrame, min_iv: float = MIN_IV) -> list[str]:
    """Step 1 by the usual rule of thumb: keep the indicators whose IV is at least ``min_iv``."""
    return ivs.loc[ivs["iv"] >= min_iv, "indicator"].tolist()


def information_values(apps: pd.DataFrame, cuts: dict | None = None) -> pd.DataFrame:
    """Step 1: each indicator's information value and a plain-words strength, strongest first."""
    cuts = {**DEFAULT_CUTS, **(cuts or {})}
    rows = []
    for indicator in INDICATORS:
        iv = float(woe_table(apps, indicator, cuts.get(indicator, [])).iv.sum())
        level = next(key for limit, key in IV_LEVELS if iv < limit)
        rows.append({"indicator": indicator, "name": indicator_name(indicator),
                     "iv": iv, "strength": t(f"credit.{level}")})
    out = pd.DataFrame(rows).sort_values("iv", ascending=False, ignore_index=True)
    return _named(out)


def _named(table: pd.DataFrame) -> pd.DataFrame:
    """Shown: each indicator by its Chinese name once (code keeps the ids in ``indicator``)."""
    name_values(table, "indicator", dict(zip(table["indicator"], table["name"])))
    return hide_columns(table, {"name": "indicator"})


def indicator_name(indicator: str) -> str:
    """The Chinese name of a scorecard indicator (``past_overdue_count`` -> 近两年逾期次数)."""
    return t(f"credit.ind_{indicator}")


# ----------------------------------------------------------------------------------------------
# Step 2: the scorecard
# ----------------------------------------------------------------------------------------------
def _logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Logistic regression by Newton's method (intercept first); a tiny ridge keeps it stable."""
    x = np.column_stack([np.ones(len(x)), x])
    beta = np.zeros(x.shape[1])
    penalty = ridge * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (y - p) - penalty @ beta
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    return beta


@dataclass
class Scorecard:
    """A fitted points scorecard: ``points`` (indicator, bin, points) plus ``base_points``."""

    cuts: dict
    indicators: list
    points: pd.DataFrame
    base_points: int
    weights: dict = field(default_factory=dict)  # logistic weight per indicator (for trainers)

    def score(self, apps: pd.DataFrame) -> pd.Series:
        """Total points of each application: base points + the points of each of its bins."""
        apps = prepare_applications(apps)
        total = np.full(len(apps), float(self.base_points))
        for indicator in self.indicators:
            table = self.points[self.points["indicator"] == indicator]
            codes, labels = _binned(apps, indicator, self.cuts.get(indicator, []))
            lookup = dict(zip(table["bin"], table["points"]))
            # a category never seen in training earns 0 points (neutral)
            per_bin = np.array([lookup.get(label, 0) for label in labels], dtype=float)
            total += per_bin[codes]
        return pd.Series(total.astype(int), index=apps.index, name="score")


def fit_scorecard(train: pd.DataFrame, cuts: dict | None = None,
                  indicators: list | None = None) -> Scorecard:
    """Step 2: bins → WoE → logistic regression → whole points per bin.

    ``indicators`` defaults to ``DEFAULT_INDICATORS``.
    """
    train = prepare_applications(train)
    cuts = {**DEFAULT_CUTS, **(cuts or {})}
    if indicators is None:
        indicators = DEFAULT_INDICATORS
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise CourseError("credit.unknown_indicator", name=unknown[0], valid=choices(INDICATORS))
    if not indicators:
        raise CourseError("credit.no_indicators")
    tables, columns = [], []
    for indicator in indicators:
        table = woe_table(train, indicator, cuts.get(indicator, []))
        codes, _ = _binned(train, indicator, cuts.get(indicator, []))
        tables.append(table)
        columns.append(table["woe"].to_numpy()[codes])
    y = train[TARGET].to_numpy(dtype=float)
    beta = _logistic(np.column_stack(columns), y)

    # log-odds(bad) = b0 + Σ b_j·WoE_j ; score = offset + factor·ln(good:bad odds)
    factor = PDO / np.log(2)
    offset = BASE_SCORE - factor * np.log(BASE_ODDS)
    rows = []
    for b, table in zip(beta[1:], tables):
        for rec in table.itertuples(index=False):
            rows.append({"indicator": rec.indicator, "name": indicator_name(rec.indicator),
                         "bin": rec.bin, "applications": rec.applications,
                         "bad_rate": rec.bad_rate, "woe": rec.woe,
                         "points": int(round(-factor * b * rec.woe))})
    return Scorecard(
        cuts={i: list(cuts.get(i, [])) for i in indicators},
        indicators=list(indicators),
        points=_named(pd.DataFrame(rows)),
        base_points=int(round(offset - factor * beta[0])),
        weights={i: float(b) for i, b in zip(indicators, beta[1:])},
    )


# ----------------------------------------------------------------------------------------------
# Steps 3 and 4: grades and rules
# ----------------------------------------------------------------------------------------------
def _check_grade_cuts(cutoffs) -> list[float]:
    cutoffs = [float(c) for c in cutoffs]
    if len(cutoffs) != len(GRADES) - 1:
        raise CourseError("credit.bad_grade_cuts", n=len(GRADES) - 1, got=len(cutoffs))
    if any(a <= b for a, b in zip(cutoffs, cutoffs[1:])):
        raise CourseError("credit.grade_cuts_order", cuts="、".join(_fmt(c) for c in cutoffs))
    return cutoffs


def assign_grades(scores, cutoffs=DEFAULT_GRADE_CUTS) -> pd.Series:
    """Step 3: grade A (score ≥ cutoffs[0]) … E (score < cutoffs[-1])."""
    cutoffs = _check_grade_cuts(cutoffs)
    scores = pd.Series(scores)
    # number of cut-offs the score fails to reach = grade position
    codes = np.sum(scores.to_numpy(dtype=float)[:, None] < np.asarray(cutoffs)[None, :], axis=1)
    return pd.Series(pd.Categorical.from_codes(codes, categories=GRADES, ordered=True),
                     index=scores.index, name="grade")


def adjust_grades(apps: pd.DataFrame, grades: pd.Series, rules=DEFAULT_RULES) -> pd.DataFrame:
    """Step 4: ``grade_initial``, ``grade_final`` and ``rule`` (which rule moved it, or empty)."""
    apps = prepare_applications(apps)
    codes = pd.Categorical(grades, categories=GRADES, ordered=True).codes.copy()
    initial = codes.copy()
    fired = np.full(len(codes), "", dtype=object)
    for column, op, value, action, key in rules:
        if op not in _OPS:
            raise CourseError("credit.bad_rule_op", op=op, valid=choices(_OPS))
        if isinstance(value, str):  # a category, e.g. industry == "餐饮"
            hit = _OPS[op](apps[column].astype(str).to_numpy(), value)
        else:
            hit = _OPS[op](apps[column].to_numpy(dtype=float), float(value))
        if action == "to_E":
            new = np.where(hit, len(GRADES) - 1, codes)
        elif action == "down1":
            new = np.where(hit, np.minimum(codes + 1, len(GRADES) - 1), codes)
        else:
            raise CourseError("credit.bad_rule_action", action=action,
                              valid=choices(["down1", "to_E"]))
        moved = new != codes
        fired[moved] = np.where(fired[moved] == "", t(f"credit.{key}"),
                                fired[moved] + "；" + t(f"credit.{key}"))
        codes = new
    return pd.DataFrame({
        "grade_initial": pd.Categorical.from_codes(initial, categories=GRADES, ordered=True),
        "grade_final": pd.Categorical.from_codes(codes, categories=GRADES, ordered=True),
        "rule": fired,
    }, index=apps.index)


def rule_list(rules=DEFAULT_RULES) -> pd.DataFrame:
    """The rules in plain words, one row each."""
    return pd.DataFrame({"rule": [t(f"credit.{r[4]}") for r in rules],
                         "action": [t(f"credit.action_{r[3]}") for r in rules]})


# ----------------------------------------------------------------------------------------------
# Accuracy and stability
# ----------------------------------------------------------------------------------------------
def grade_report(grades, defaulted) -> pd.DataFrame:
    """One row per grade: applications, share, bad (defaults) and bad_rate."""
    grades = pd.Categorical(grades, categories=GRADES, ordered=True)
    bad = pd.Series(np.asarray(defaulted, dtype=bool))
    groups = bad.groupby(grades, observed=False)
    n = groups.size().to_numpy()
    n_bad = groups.sum().to_numpy().astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, n_bad / np.maximum(n, 1), np.nan)
    total = n.sum()
    return pd.DataFrame({"grade": GRADES, "applications": n,
                         "share": n / total if total else np.nan,
                         "bad": n_bad, "bad_rate": rate})


def auc(scores, defaulted) -> float:
    """Chance that a random good application scores higher than a random bad one (ties: half).

    0.5 = no better than a coin, 1.0 = perfect ranking.
    """
    scores = np.asarray(scores, dtype=float)
    bad = np.asarray(defaulted, dtype=bool)
    n_bad, n_good = bad.sum(), (~bad).sum()
    if n_bad == 0 or n_good == 0:
        raise CourseError("credit.auc_one_class")
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    return float((ranks[~bad].sum() - n_good * (n_good + 1) / 2) / (n_good * n_bad))


def psi(expected, actual, cutoffs=DEFAULT_GRADE_CUTS) -> float:
    """Population stability index of two score lists over the grade bands.

    Below 0.1 stable, 0.1–0.25 worth a look, above 0.25 the population has shifted.
    """
    e = grade_report(assign_grades(expected, cutoffs), np.zeros(len(expected)))["share"]
    a = grade_report(assign_grades(actual, cutoffs), np.zeros(len(actual)))["share"]
    e = np.clip(e.to_numpy(dtype=float), 1e-4, None)
    a = np.clip(a.to_numpy(dtype=float), 1e-4, None)
    return float(np.sum((a - e) * np.log(a / e)))


def stability_label(value: float) -> str:
    key = "psi_stable" if value < 0.1 else ("psi_watch" if value < 0.25 else "psi_shift")
    return t(f"credit.{key}")


def compare_samples(card: Scorecard, train: pd.DataFrame, holdout: pd.DataFrame,
                    cutoffs=DEFAULT_GRADE_CUTS) -> pd.DataFrame:
    """Accuracy on both samples side by side: applications, bad_rate, auc; plus the PSI."""
    s_train, s_hold = card.score(train), card.score(holdout)
    rows = []
    for name, apps, s in (("train", train, s_train), ("holdout", holdout, s_hold)):
        rows.append({"sample": t(f"credit.sample_{name}"), "applications": len(apps),
                     "bad_rate": float(apps[TARGET].mean()), "auc": auc(s, apps[TARGET])})
    out = pd.DataFrame(rows)
    out["psi"] = [0.0, psi(s_train, s_hold, cutoffs)]
    return out


__all__ = [
    "TARGET", "SPLIT_DATE", "DEFAULT_CUTS", "INDICATORS", "GRADES", "DEFAULT_GRADE_CUTS",
    "DEFAULT_INDICATORS", "DEFAULT_RULES", "Scorecard", "choose_indicators", "prepare_applications", "split_applications", "bin_labels",
    "bin_codes", "quantile_cuts", "woe_table", "information_values", "fit_scorecard", "assign_grades",
    "adjust_grades", "rule_list", "grade_report", "auc", "psi", "stability_label",
    "compare_samples",
]
