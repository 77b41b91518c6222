"""Customer data and profiles (module M06): clean, profile, measure completeness, estimate propensity.

The steps, each a plain function::

    messy = messy_customers(load("customers"))        # a copy with blanks, duplicates, variant spellings
    data_issues(messy)                                # what is wrong, column by column
    clean = clean_customers(messy)                    # one row per customer, standard values
    prof  = build_profiles(clean, orders, surveys, complaints, feedback)   # four dimensions
    completeness(prof); field_completeness(prof)      # how complete each profile / field is
    train = propensity_data(clean, orders, "2024-07-01")   # features before, purchase in 92 days
    model = fit_propensity(train); propensity_scores(model, data)      # logistic regression
    touch_points(orders, feedback, complaints)        # where customers meet the company
    seasonal_demand(orders, customers, by="customer_type")   # quarter shares of each segment's year
    demand_forecast(orders, customers, by="category")         # next year's spend per segment and quarter

Cleaning never invents a value: a blank stays blank (and lowers completeness); variant spellings
are mapped to the standard value; a duplicated customer keeps its most complete row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.display import name_values
from course.core.i18n import CourseError, t
from course.core.tables import require_columns

AS_OF = pd.Timestamp("2025-01-01")

# Variant spellings → standard value, per column (what messy exports really contain).
ALIASES = {
    "gender": {"M": "男", "男性": "男", "F": "女", "女性": "女"},
    "customer_type": {"个人客户": "个人", "个体": "个人", "企业客户": "企业", "公司": "企业"},
    "channel": {"天猫": "天猫旗舰店", "天猫店": "天猫旗舰店", "小程序": "微信小程序",
                "线下门店": "门店", "客户经理": "企业客户经理"},
}
TEXT_COLUMNS = ("name", "gender", "age_band", "city", "customer_type", "industry", "channel")

# The profile's four dimensions and their fields (the columns of build_profiles).
DIMENSIONS = {
    "基础属性": ["customer_type", "gender", "age_band", "industry", "city", "channel", "join_date"],
    "行为特征": ["purchases", "net_spend", "last_purchase", "favourite_category"],
    "需求痛点": ["nps", "voiced_need"],
    "价值层级": ["tier", "rfm_segment"],
}
# Fields that only apply to one kind of customer: a company has no gender, a person no industry.
ONLY_FOR = {"gender": "个人", "age_band": "个人", "industry": "企业"}

SATISFACTION_SCORE = {"非常不满意": 1, "不满意": 2, "一般": 3, "满意": 4, "非常满意": 5}
PROPENSITY_FEATURES = ["recency_days", "purchases", "satisfaction_score"]


# ----------------------------------------------------------------------------------------------
# A messy copy, and cleaning it
# ----------------------------------------------------------------------------------------------
def messy_customers(customers: pd.DataFrame, seed: int = 2025) -> pd.DataFrame:
    """A copy of the customer table with the problems of a real export, made with a fixed seed.

    About 5% of cities and 3% of channels blank, variant spellings (上海市, 天猫, 男性 …), stray
    spaces, dates written three ways, and about 3% of customers entered twice.
    """
    _require(customers, ["customer_id", "city", "channel", "gender", "customer_type", "join_date"],
             "customers")
    rng = np.random.default_rng(seed)
    df = customers.copy()
    for col in TEXT_COLUMNS:
        if col in df.columns:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    n = len(df)

    def pick(share):
        return rng.random(n) < share

    df.loc[pick(0.05), "city"] = None
    df.loc[pick(0.03), "channel"] = ""
    city_suffix = pick(0.15) & df["city"].notna()
    df.loc[city_suffix, "city"] = df.loc[city_suffix, "city"] + "市"
    spaced = pick(0.04) & df["city"].notna()
    df.loc[spaced, "city"] = " " + df.loc[spaced, "city"] + " "
    for col, variants in ALIASES.items():
        for variant, standard in variants.items():
            hit = pick(0.12 / len(variants)) & (df[col] == standard)
            df.loc[hit, col] = variant
    dates = pd.to_datetime(df["join_date"])
    style = rng.integers(0, 3, n)
    df["join_date"] = np.where(style == 0, dates.dt.strftime("%Y-%m-%d"),
                               np.where(style == 1, dates.dt.strftime("%Y/%m/%d"),
                                        dates.dt.strftime("%Y年%m月%d日")))
    twice = df.iloc[np.flatnonzero(pick(0.03))].copy()
    twice["name"] = twice["name"].astype(str) + " "  # the second entry typed slightly differently
    twice.loc[:, "city"] = None  # ... and less complete
    out = pd.concat([df, twice], ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


def data_issues(customers: pd.DataFrame) -> pd.DataFrame:
    """One row per column: blanks, stray spaces, non-standard spellings; plus repeated ids."""
    _require(customers, ["customer_id"], "customers")
    rows = []
    for col in customers.columns:
        s = customers[col]
        text = s.dropna().astype(str)
        blanks = int(s.isna().sum() + (text.str.strip() == "").sum())
        spaces = int((text != text.str.strip()).sum())
        variants = int(text.str.strip().isin(list(ALIASES.get(col, {})) ).sum())
        if col == "city":
            variants += int(text.str.strip().str.endswith("市").sum())
        if col == "join_date":
            variants += int((~text.str.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?")).sum())
        rows.append((col, blanks, spaces, variants))
    out = pd.DataFrame(rows, columns=["column", "blanks", "extra_spaces", "nonstandard"])
    out.attrs["duplicate_rows"] = int(customers["customer_id"].duplicated().sum())
    return name_values(out, "column")  # each column shown by its glossary name


def duplicate_count(customers: pd.DataFrame) -> int:
    """How many rows repeat a customer_id already seen above them."""
    _require(customers, ["customer_id"], "customers")
    return int(customers["customer_id"].duplicated().sum())


def clean_customers(customers: pd.DataFrame) -> pd.DataFrame:
    """Trim spaces, blank → empty, map variant spellings, parse dates, keep one row per customer."""
    _require(customers, ["customer_id"], "customers")
    df = customers.copy()
    for col in TEXT_COLUMNS:
        if col in df.columns:
            text = df[col].astype(object).where(df[col].notna(), None)
            text = text.map(lambda v: v.strip() if isinstance(v, str) else v)
            df[col] = text.replace("", None)
    if "city" in df.columns:
        df["city"] = df["city"].map(lambda v: v[:-1] if isinstance(v, str) and v.endswith("市") else v)
    for col, variants in ALIASES.items():
        if col in df.columns:
            df[col] = df[col].replace(variants)
    if "join_date" in df.columns:
        text = df["join_date"].astype(str).str.strip()
        text = text.str.replace("年", "-").str.replace("月", "-").str.replace("日", "").str.replace("/", "-")
        df["join_date"] = pd.to_datetime(text.str[:10], format="%Y-%m-%d", errors="coerce")
    # the most complete row of a customer wins; equal completeness keeps the first one
    filled = df.notna().sum(axis=1)
    order = np.lexsort((np.arange(len(df)), -filled.to_numpy()))
    df = df.iloc[order].drop_duplicates("customer_id", keep="first")
    return df.sort_values("customer_id", kind="mergesort").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# The multi-dimensional profile
# ----------------------------------------------------------------------------------------------
def build_profiles(customers: pd.DataFrame, orders: pd.DataFrame, surveys=None, complaints=None,
                   feedback=None, as_of=AS_OF) -> pd.DataFrame:
    """One row per customer with the fields of ``DIMENSIONS`` plus helpers (name, days_since_last,
    complaints, churned …). Tables left out (None) simply leave their fields blank."""
    from course.rfm import rfm

    _require(customers, ["customer_id", "tier"], "customers")
    _require(orders, ["customer_id", "order_date", "amount", "category"], "orders")
    as_of = pd.Timestamp(as_of)
    prof = customers.set_index("customer_id", drop=False).copy()
    past = orders[orders["order_date"] < as_of]
    bought = past[past["amount"] > 0]
    groups = bought.groupby("customer_id")
    prof["purchases"] = groups.size().reindex(prof.index).fillna(0).astype(int)
    prof["net_spend"] = past.groupby("customer_id")["amount"].sum().reindex(prof.index).fillna(0.0).round(2)
    prof["last_purchase"] = groups["order_date"].max().reindex(prof.index)
    prof["days_since_last"] = (as_of - prof["last_purchase"]).dt.days
    favourite = (bought.groupby(["customer_id", "category"], observed=True).size().rename("n")
                 .reset_index().sort_values(["customer_id", "n", "category"],
                                            ascending=[True, False, True], kind="mergesort")
                 .drop_duplicates("customer_id").set_index("customer_id")["category"])
    prof["favourite_category"] = favourite.reindex(prof.index).astype(object)

    prof["nps"] = np.nan
    if surveys is not None:
        latest = surveys.sort_values("survey_date", kind="mergesort").drop_duplicates("customer_id", keep="last")
        prof["nps"] = latest.set_index("customer_id")["nps"].reindex(prof.index)
    prof["complaints"] = 0
    needs = pd.Series(np.nan, index=prof.index, dtype=object)
    if complaints is not None:
        prof["complaints"] = complaints.groupby("customer_id").size().reindex(prof.index).fillna(0).astype(int)
        last_complaint = complaints.sort_values("created_at", kind="mergesort").drop_duplicates(
            "customer_id", keep="last").set_index("customer_id")["category"].astype(object)
        needs = needs.fillna(last_complaint.reindex(prof.index))
    if feedback is not None:
        needs = needs.fillna(_feedback_needs(feedback).reindex(prof.index))
    prof["voiced_need"] = needs

    segments = rfm(orders, as_of=as_of).set_index("customer_id")["segment"].astype(object)
    prof["rfm_segment"] = segments.reindex(prof.index)
    return prof.reset_index(drop=True)


def _feedback_needs(feedback: pd.DataFrame) -> pd.Series:
    """Per customer: the pain-point keyword of their latest negative comment that names one."""
    from course.data.texts import pain_point_categories

    words = list(pain_point_categories())
    neg = feedback[feedback["sentiment"].astype(str) == "负面"].sort_values("created_at", kind="mergesort")
    found = neg["text"].astype(str).map(lambda x: next((w for w in words if w in x), None))
    named = neg.assign(need=found).dropna(subset=["need"])
    return named.drop_duplicates("customer_id", keep="last").set_index("customer_id")["need"]


def profile_fields() -> list[str]:
    return [f for fields in DIMENSIONS.values() for f in fields]


def _applicable(profiles: pd.DataFrame) -> pd.DataFrame:
    """True where a field applies to the customer (see ONLY_FOR)."""
    fields = profile_fields()
    _require(profiles, fields + ["customer_type"], "profiles")
    out = pd.DataFrame(True, index=profiles.index, columns=fields)
    for field, kind in ONLY_FOR.items():
        out[field] = (profiles["customer_type"] == kind).to_numpy()
    return out


def _filled(profiles: pd.DataFrame) -> pd.DataFrame:
    fields = profile_fields()
    filled = profiles[fields].notna()
    # no purchase yet is known information, but an empty spend field says nothing
    filled["purchases"] &= profiles["purchases"].to_numpy() > 0
    filled["net_spend"] &= profiles["purchases"].to_numpy() > 0
    return filled


def completeness(profiles: pd.DataFrame) -> pd.Series:
    """Per customer: filled fields ÷ fields that apply to them, in percent (0–100)."""
    applies = _applicable(profiles)
    filled = _filled(profiles) & applies
    return (100 * filled.sum(axis=1) / applies.sum(axis=1)).rename("completeness")


def field_completeness(profiles: pd.DataFrame) -> pd.DataFrame:
    """Per field: its dimension, how many customers it applies to and the filled share (%)."""
    applies = _applicable(profiles)
    filled = _filled(profiles) & applies
    rows = [(dim, f, int(applies[f].sum()), 100 * filled[f].sum() / max(int(applies[f].sum()), 1))
            for dim, fields in DIMENSIONS.items() for f in fields]
    out = pd.DataFrame(rows, columns=["dimension", "field", "applies_to", "filled_pct"])
    return name_values(out, "field")  # each field shown by its glossary name


def segment_profile(profiles: pd.DataFrame, by: str = "tier") -> pd.DataFrame:
    """One row per group of ``by``: customers, average purchases / spend / NPS, complaint rate."""
    _require(profiles, [by, "purchases", "net_spend", "nps", "complaints"], "profiles")
    groups = profiles.groupby(profiles[by], observed=True)
    return pd.DataFrame({
        "customers": groups.size(),
        "avg_purchases": groups["purchases"].mean(),
        "avg_spend": groups["net_spend"].mean(),
        "avg_nps": groups["nps"].mean(),
        "complaint_rate": groups["complaints"].apply(lambda s: (s > 0).mean()),
    }).reset_index()


# ----------------------------------------------------------------------------------------------
# Purchase propensity
# ----------------------------------------------------------------------------------------------
def propensity_data(customers: pd.DataFrame, orders: pd.DataFrame, cutoff,
                    horizon_days: int = 92) -> pd.DataFrame:
    """Customers who joined before ``cutoff``: features from the orders before it, and ``bought``
    = whether they purchased in the ``horizon_days`` from the cutoff on (False when the window
    lies in the future). A customer with no purchase yet gets the days since 2022-01-01 as recency."""
    _require(customers, ["customer_id", "join_date", "satisfaction"], "customers")
    _require(orders, ["customer_id", "order_date", "amount"], "orders")
    cutoff = pd.Timestamp(cutoff)
    known = customers[pd.to_datetime(customers["join_date"]) < cutoff]
    before = orders[(orders["order_date"] < cutoff) & (orders["amount"] > 0)]
    after = orders[(orders["order_date"] >= cutoff) & (orders["amount"] > 0)
                   & (orders["order_date"] < cutoff + pd.Timedelta(days=horizon_days))]
    g = before.groupby("customer_id")
    out = pd.DataFrame({"customer_id": known["customer_id"].to_numpy()}).set_index("customer_id")
    out["purchases"] = g.size().reindex(out.index).fillna(0).astype(int)
    last = g["order_date"].max().reindex(out.index)
    out["recency_days"] = (cutoff - last).dt.days.fillna((cutoff - pd.Timestamp("2022-01-01")).days)
    sat = known.set_index("customer_id")["satisfaction"].astype(str).map(SATISFACTION_SCORE)
    out["satisfaction_score"] = sat.reindex(out.index).fillna(3).astype(int)
    out["bought"] = out.index.isin(after["customer_id"].unique())
    return out.reset_index()


def rule_score(data: pd.DataFrame) -> pd.Series:
    """A transparent points rule (0–4): bought within 90 days +2 (within 180 days +1),
    3 or more purchases +1, satisfied (满意 or better) +1."""
    _require(data, ["recency_days", "purchases", "satisfaction_score"], "data")
    points = np.where(data["recency_days"] <= 90, 2, np.where(data["recency_days"] <= 180, 1, 0))
    points = points + (data["purchases"] >= 3) + (data["satisfaction_score"] >= 4)
    return pd.Series(points.astype(int), index=data.index, name="rule_points")


def fit_propensity(data: pd.DataFrame, features=None, target: str = "bought",
                   ridge: float = 1e-3) -> pd.DataFrame:
    """A logistic regression fitted by Newton's method (numpy only).

    Features are standardised first, so each ``weight`` reads "one standard deviation more of this
    feature multiplies the odds of buying by ``odds_ratio``". Returns one row per term (the
    intercept first) with weight, odds_ratio, and the mean / std used for standardising.
    """
    features = list(PROPENSITY_FEATURES if features is None else features)
    _require(data, features + [target], "data")
    x = data[features].to_numpy(dtype=float)
    y = data[target].to_numpy(dtype=float)
    if len(np.unique(y)) < 2:
        raise CourseError("profiles.one_class", target=target)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    design = np.column_stack([np.ones(len(x)), (x - mean) / std])
    beta = np.zeros(design.shape[1])
    penalty = ridge * np.eye(len(beta))
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ beta))
        gradient = design.T @ (y - p) - penalty @ beta
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-10:
            break
    model = pd.DataFrame({
        "term": ["intercept"] + features,
        "weight": beta,
        "odds_ratio": np.exp(beta),
        "mean": np.r_[0.0, mean],
        "std": np.r_[1.0, std],
    })
    return name_values(model, "term")  # each factor shown by its glossary name


def propensity_scores(model: pd.DataFrame, data: pd.DataFrame) -> pd.Series:
    """The probability (0–1) that each customer buys, from a ``fit_propensity`` model."""
    _require(model, ["term", "weight", "mean", "std"], "model")
    features = model["term"].iloc[1:].tolist()
    _require(data, features, "data")
    z = (data[features].to_numpy(dtype=float) - model["mean"].to_numpy()[1:]) / model["std"].to_numpy()[1:]
    logit = model["weight"].iloc[0] + z @ model["weight"].to_numpy()[1:]
    return pd.Series(1 / (1 + np.exp(-logit)), index=data.index, name="propensity")


def lift_table(scores, outcome, groups: int = 5) -> pd.DataFrame:
    """Customers ranked by score into ``groups`` equal groups (1 = highest scores): size, actual
    purchase rate, and lift = that rate ÷ the overall rate."""
    scores, outcome = pd.Series(scores).reset_index(drop=True), pd.Series(outcome).reset_index(drop=True)
    if len(scores) != len(outcome) or len(scores) == 0:
        raise CourseError("profiles.bad_lift_input", scores=len(scores), outcome=len(outcome))
    # rank with ties broken by position, so equal rule scores split deterministically
    order = np.lexsort((np.arange(len(scores)), -scores.to_numpy(dtype=float)))
    group = np.empty(len(scores), dtype=int)
    group[order] = np.arange(len(scores)) * groups // len(scores) + 1
    frame = pd.DataFrame({"group": group, "bought": outcome.astype(float).to_numpy()})
    out = frame.groupby("group").agg(customers=("bought", "size"), buy_rate=("bought", "mean"))
    out["lift"] = out["buy_rate"] / frame["bought"].mean()
    return out.reset_index()


# ----------------------------------------------------------------------------------------------
# Touch points
# ----------------------------------------------------------------------------------------------
def touch_points(orders: pd.DataFrame, feedback=None, complaints=None) -> pd.DataFrame:
    """Every channel where customers meet the company: contacts of each kind and distinct customers."""
    parts = [(orders, "kind_order")]
    if feedback is not None:
        parts.append((feedback, "kind_feedback"))
    if complaints is not None:
        parts.append((complaints, "kind_complaint"))
    frames = []
    for table, key in parts:
        _require(table, ["customer_id", "channel"], "table")
        frames.append(pd.DataFrame({"touch_point": table["channel"].astype(str).to_numpy(),
                                    "kind": t(f"profiles.{key}"),
                                    "customer_id": table["customer_id"].to_numpy()}))
    allc = pd.concat(frames, ignore_index=True)
    counts = allc.pivot_table(index="touch_point", columns="kind", values="customer_id",
                              aggfunc="size", fill_value=0)
    counts = counts[[t(f"profiles.{key}") for _, key in parts]]
    counts["customers"] = allc.groupby("touch_point")["customer_id"].nunique()
    counts.columns.name = None
    return counts.sort_values("customers", ascending=False, kind="mergesort").reset_index()


# ----------------------------------------------------------------------------------------------
# Needs forecasting: seasonal demand by segment, from the order history
# ----------------------------------------------------------------------------------------------
def _with_segment(orders: pd.DataFrame, customers, by: str) -> pd.DataFrame:
    """The orders with a ``segment`` column taken from the orders or, failing that, the customers."""
    _require(orders, ["customer_id", "order_date", "amount"], "orders")
    if by in orders.columns:
        return orders.assign(segment=orders[by])
    if customers is not None and by in customers.columns:
        return orders.merge(customers[["customer_id", by]], on="customer_id", how="left").rename(
            columns={by: "segment"})
    valid = sorted(set(orders.columns) | set(customers.columns if customers is not None else []))
    raise CourseError("profiles.bad_segment", by=by, valid="、".join(valid))


def seasonal_demand(orders: pd.DataFrame, customers=None, by: str = "customer_type",
                    years: int = 2) -> pd.DataFrame:
    """How each segment's yearly (net) spend spreads over the four quarters.

    Uses the last ``years`` complete calendar years; a quarter's ``share`` is the average, over
    those years, of that quarter's part of the year — so a segment that grew still gets fair
    shares — and ``seasonal_index`` = share × 4 (1 = an ordinary quarter, 1.2 = 20% busier).
    """
    data = _with_segment(orders, customers, by)
    dates = pd.to_datetime(data["order_date"])
    last_month = dates.groupby(dates.dt.year).max().dt.month
    used = sorted(last_month[last_month == 12].index)[-years:]  # complete calendar years only
    data = data.assign(year=dates.dt.year, quarter=dates.dt.quarter)
    data = data[data["year"].isin(used)]
    amounts = (data.groupby(["segment", "year", "quarter"], observed=True)["amount"].sum()
               .unstack("quarter", fill_value=0.0).reindex(columns=[1, 2, 3, 4], fill_value=0.0))
    shares = amounts.div(amounts.sum(axis=1), axis=0).groupby(level="segment").mean()
    table = shares.stack().rename("share").reset_index()
    table["seasonal_index"] = table["share"] * 4
    table["years"] = f"{used[0]}–{used[-1]}" if len(used) > 1 else str(used[0])
    return table.rename(columns={"segment": by})


def demand_forecast(orders: pd.DataFrame, customers=None, by: str = "customer_type",
                    growth=None, years: int = 2) -> pd.DataFrame:
    """Next year's spend per segment and quarter = last full year × (1 + growth) × quarter share.

    ``growth`` is one number for every segment (0.1 = +10%) or, when left out, each segment's own
    change from the year before last to last year. A planning estimate, not a promise: it assumes
    next year repeats the seasonal pattern of the years used.
    """
    data = _with_segment(orders, customers, by)
    year = pd.to_datetime(data["order_date"]).dt.year
    last = int(year.max())
    totals = data.assign(year=year).groupby(["segment", "year"], observed=True)["amount"].sum().unstack("year")
    if growth is None:
        rate = totals[last] / totals[last - 1] - 1
    else:
        rate = pd.Series(float(growth), index=totals.index)
    season = seasonal_demand(orders, customers, by, years).rename(columns={by: "segment"})
    out = season.merge(pd.DataFrame({"last_year": totals[last], "growth": rate}).reset_index(),
                       on="segment")
    out["forecast"] = out["last_year"] * (1 + out["growth"]) * out["share"]
    return out[["segment", "quarter", "share", "seasonal_index", "growth", "forecast"]].rename(
        columns={"segment": by})


def _require(table, needed, what: str) -> None:
    require_columns(table, needed, "profiles", what)
