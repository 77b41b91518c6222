"""The course data: loader behaviour, reproducibility, and the rules of thumb trainees rediscover.

Every rule is computed the way a trainee would compute it, from load(...).
"""
import re

import numpy as np
import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.data import AS_OF, DATA_DIR, dataset_names, load, load_big_orders, schemas
from course.data import build as data_build

SATISFACTION = ["非常不满意", "不满意", "一般", "满意", "非常满意"]


@pytest.fixture(scope="module")
def customers():
    return load("customers")


@pytest.fixture(scope="module")
def orders():
    return load("orders")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    out = tmp_path_factory.mktemp("rebuilt")
    return out, data_build.build(out)


# --- loader ------------------------------------------------------------------------------------

def test_unknown_name_lists_valid_names():
    with pytest.raises(CourseError) as err:
        load("order")
    message = str(err.value)
    assert "order" in message
    names = dataset_names()
    assert {"customers", "orders", "cdnow"} <= set(names)
    for name in names:
        assert name in message


def test_dtypes_as_documented(customers, orders):
    assert pd.api.types.is_datetime64_any_dtype(orders["order_date"])
    assert pd.api.types.is_float_dtype(orders["amount"])
    assert isinstance(orders["category"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(customers["join_date"])
    assert customers["churned"].dtype == bool
    sat = customers["satisfaction"].dtype
    assert isinstance(sat, pd.CategoricalDtype) and sat.ordered
    assert list(sat.categories) == SATISFACTION
    tier = customers["tier"].dtype
    assert tier.ordered and list(tier.categories) == ["普通", "银卡", "金卡", "钻石"]
    assert customers["customer_id"].str.fullmatch(r"C\d{5}").all()
    assert not customers["satisfaction"].isna().any()


def test_columns_match_the_declared_schema(customers, orders):
    assert list(customers.columns) == list(schemas()["customers"])
    assert list(orders.columns) == list(schemas()["orders"])


def test_load_returns_a_copy_the_trainee_cannot_corrupt():
    first = load("orders")
    first.loc[:, "amount"] = 0.0
    first.pop("category")
    again = load("orders")
    assert "category" in again.columns
    assert again["amount"].abs().sum() > 0


def test_customers_are_masked_by_default():
    masked = load("customers")
    raw = load("customers", mask=False)
    assert raw["phone"].str.fullmatch(r"1\d{10}").all()
    assert masked["phone"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert masked["email"].str.fullmatch(r"[a-z]\*\*\*@example\.(com|cn|net)").all()
    person = raw["customer_type"] == "个人"
    assert raw.loc[person, "id_number"].str.fullmatch(r"\d{17}[\dX]").all()
    assert masked.loc[person, "id_number"].str.fullmatch(r"\d{4}\*{10}[\dX]{4}").all()
    # masking must not touch anything else
    other = [c for c in raw.columns if c not in ("phone", "email", "id_number")]
    pd.testing.assert_frame_equal(masked[other], raw[other])


def test_id_numbers_are_well_formed_but_fictional():
    raw = load("customers", mask=False)
    ids = raw["id_number"].dropna()
    assert len(ids) > 1000
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for value in ids.head(200):
        check = "10X98765432"[sum(int(d) * w for d, w in zip(value[:17], weights)) % 11]
        assert value[17] == check
        assert value[4:6] == "00"  # no real district carries 00


def test_data_dir_can_be_overridden(tmp_path, monkeypatch):
    small = load("orders", mask=False).head(5)
    (tmp_path / "orders.csv").write_bytes(
        data_build.csv_bytes(small, {"order_date": "date", "amount": "float"}))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert len(load("orders")) == 5
    with pytest.raises(CourseError) as err:
        load("customers")
    assert "python -m course data" in str(err.value)


def test_big_orders_look_like_orders():
    big = load_big_orders(50_000, seed=1)
    small = load("orders")
    assert len(big) == 50_000
    assert list(big.columns) == list(small.columns)
    assert big.dtypes.astype(str).tolist() == small.dtypes.astype(str).tolist()
    assert big["order_id"].is_unique
    assert big["order_date"].is_monotonic_increasing
    assert big["order_date"].between("2022-01-01", "2024-12-31").all()
    assert not big.equals(load_big_orders(50_000, seed=2))
    with pytest.raises(CourseError):
        load_big_orders(0)


# --- reproducibility ---------------------------------------------------------------------------

def test_rebuild_is_byte_identical(rebuilt):
    out, written = rebuilt
    assert any(p.suffix == ".csv" for p in written)
    for path in written:
        committed = DATA_DIR / path.name
        assert committed.is_file(), f"{path.name} missing from datasets/"
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_csv_files_are_plain_utf8_with_unix_newlines(rebuilt):
    _, written = rebuilt
    for path in written:
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r\n" not in data
        data.decode("utf-8")


def test_another_seed_gives_other_data():
    a = data_build.generate_all(1)["orders"]
    b = data_build.generate_all(2)["orders"]
    assert not a.equals(b)


def test_every_column_is_in_the_dictionary(rebuilt):
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    _, written = rebuilt
    csvs = [p for p in written if p.suffix == ".csv"]
    assert csvs
    for path in csvs:
        header = path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        section = readme.split(f"## {path.stem}", 1)
        assert len(section) == 2, f"no section for {path.stem}"
        body = section[1].split("\n## ", 1)[0]
        for col in header:
            row = re.search(rf"^\| {re.escape(col)} \| [^|]+ \| (.+) \|$", body, re.M)
            assert row and row.group(1).strip(), f"{path.stem}.{col} undocumented"


def test_check_command_reports_a_changed_file(tmp_path, capsys):
    data_build.build(tmp_path)
    # the generated files agree; only the shipped (not generated) CDNOW files are absent here
    differ, compared = data_build.check(tmp_path)
    assert compared > len(differ) and all(name.startswith("cdnow") for name in differ)
    orders = tmp_path / "orders.csv"
    orders.write_bytes(orders.read_bytes().replace(b"\n", b"\r\n", 1))
    assert data_build.main(["--check", "--out", str(tmp_path)]) == 1
    assert "orders.csv" in capsys.readouterr().err


# --- what the orders look like -----------------------------------------------------------------

def test_returns_are_negative_and_follow_an_earlier_purchase(orders):
    returns = orders[orders["amount"] < 0]
    assert 0.01 < len(returns) / len(orders) < 0.06
    assert returns["ref_order_id"].notna().all()
    assert orders.loc[orders["amount"] > 0, "ref_order_id"].isna().all()
    original = orders.set_index("order_id").loc[returns["ref_order_id"]]
    assert (original["customer_id"].to_numpy() == returns["customer_id"].to_numpy()).all()
    assert (original["order_date"].to_numpy() < returns["order_date"].to_numpy()).all()
    assert (-returns["amount"].to_numpy() <= original["amount"].to_numpy() + 1e-9).all()


def test_orders_cover_the_period_and_every_customer(customers, orders):
    assert 20_000 <= len(orders) <= 40_000
    assert orders["order_id"].is_unique
    assert orders["order_date"].min() >= pd.Timestamp("2022-01-01")
    assert orders["order_date"].max() <= pd.Timestamp("2024-12-31")
    assert set(orders["customer_id"]) == set(customers["customer_id"])
    first = orders.groupby("customer_id")["order_date"].min()
    joined = customers.set_index("customer_id")["join_date"]
    assert (first.reindex(joined.index) >= joined).all()
    assert (orders["amount"].round(2) == orders["amount"]).all()


def test_new_customers_exist(customers):
    new = customers["join_date"] >= AS_OF - pd.Timedelta(days=90)
    assert new.mean() >= 0.03


def test_tier_follows_net_spend(customers, orders):
    spend = orders.groupby("customer_id")["amount"].sum()
    tiers = customers.set_index("customer_id")["tier"]
    by_tier = spend.groupby(tiers.reindex(spend.index), observed=True)
    assert (by_tier.max().iloc[:-1].to_numpy() < by_tier.min().iloc[1:].to_numpy()).all()
    assert (customers["tier"] == "钻石").mean() > 0.01


# --- rules of thumb ----------------------------------------------------------------------------

def test_rule_top_20_percent_hold_about_80_percent(orders):
    net = orders.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top = net.head(int(round(len(net) * 0.2)))
    share = top.sum() / net.sum()
    assert 0.75 <= share <= 0.85, share


def test_rule_churn_by_satisfaction_80_40_20_10_2(customers):
    rate = customers.groupby("satisfaction", observed=True)["churned"].mean()
    expected = [0.80, 0.40, 0.20, 0.10, 0.02]
    assert list(rate.index) == SATISFACTION
    for level, want in zip(SATISFACTION, expected):
        assert abs(rate[level] - want) <= 0.05, (level, rate[level])


def test_churned_customers_stop_buying(customers, orders):
    last = orders.groupby("customer_id")["order_date"].max()
    churned = customers.set_index("customer_id")["churned"]
    # whoever left during 2024 has no purchase in its last days more often than those who stayed
    quiet = last < pd.Timestamp("2024-10-01")
    assert quiet[churned[churned].index].mean() > quiet[churned[~churned].index].mean() + 0.2


def test_rule_dormant_customers_exist(customers, orders):
    buys = orders[orders["amount"] > 0]
    stats = buys.groupby("customer_id")["order_date"].agg(["count", "max"])
    dormant = (stats["count"] >= 2) & (stats["max"] < AS_OF - pd.Timedelta(days=180))
    assert dormant.sum() >= 0.05 * len(customers)
    churned = customers.set_index("customer_id")["churned"]
    assert not churned[dormant[dormant].index].all()


# --- surveys -----------------------------------------------------------------------------------

ATTRIBUTES = ["speed", "attitude", "quality", "price", "convenience", "after_sales"]


@pytest.fixture(scope="module")
def surveys():
    return load("surveys")


def test_surveys_are_one_row_per_customer_within_range(surveys, customers):
    assert 1000 <= len(surveys) <= 1400
    assert surveys["customer_id"].is_unique
    assert surveys["customer_id"].isin(customers["customer_id"]).all()
    assert surveys["nps"].between(0, 10).all() and surveys["csat"].between(1, 5).all()
    assert surveys["ces"].between(1, 7).all()
    for col in ATTRIBUTES:
        assert surveys[col].between(1, 5).all() and surveys[col].dtype.kind == "i"
    joined = surveys.merge(customers, on="customer_id")
    assert (joined["survey_date"] > joined["join_date"]).all()


def test_survey_scores_follow_the_customers_satisfaction(surveys, customers):
    joined = surveys.merge(customers[["customer_id", "satisfaction"]], on="customer_id")
    by_level = joined.groupby("satisfaction", observed=True)
    assert by_level["csat"].mean().is_monotonic_increasing
    promoters = by_level["nps"].apply(lambda s: (s >= 9).mean())
    assert promoters.is_monotonic_increasing
    assert by_level["ces"].mean().is_monotonic_decreasing


def test_key_drivers_are_after_sales_and_speed_not_price(surveys):
    corr = surveys[ATTRIBUTES].corrwith(surveys["csat"])
    assert set(corr.nlargest(2).index) == {"after_sales", "speed"}
    assert corr.idxmin() == "price" and corr["price"] < 0.25
    # the same ranking from a multiple regression, as the key-driver lesson computes it
    x = np.column_stack([np.ones(len(surveys)), surveys[ATTRIBUTES].to_numpy(float)])
    beta = pd.Series(np.linalg.lstsq(x, surveys["csat"].to_numpy(float), rcond=None)[0][1:],
                     index=ATTRIBUTES)
    assert beta.idxmax() == "after_sales"
    assert beta["after_sales"] > 3 * beta["price"]


def test_importance_performance_puts_after_sales_in_the_fix_first_corner(surveys):
    importance = surveys[ATTRIBUTES].corrwith(surveys["csat"])
    performance = surveys[ATTRIBUTES].mean()
    fix_first = (importance > importance.mean()) & (performance < performance.mean())
    assert fix_first["after_sales"]
    assert not fix_first["quality"]


# --- complaints --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def complaints():
    return load("complaints")


def _within_sla(df):
    return ((df["first_response_at"] - df["created_at"] <= pd.Timedelta(hours=1))
            & (df["resolved_at"] - df["created_at"] <= pd.Timedelta(hours=24)))


def test_complaint_log_is_consistent(complaints, customers):
    assert 500 <= len(complaints) <= 700
    assert complaints["complaint_id"].is_unique
    assert complaints["customer_id"].isin(customers["customer_id"]).all()
    assert (complaints["first_response_at"] > complaints["created_at"]).all()
    solved = complaints["resolved_at"].notna()
    assert (solved == (complaints["outcome"] == "已解决")).all()
    assert (complaints.loc[solved, "resolved_at"]
            >= complaints.loc[solved, "first_response_at"]).all()
    assert not complaints.loc[~solved, "first_contact_resolved"].any()
    sev = complaints["severity"].dtype
    assert sev.ordered and list(sev.categories) == ["低", "中", "高"]
    for col in ("escalated", "first_contact_resolved", "repurchased"):
        assert complaints[col].dtype == bool


def test_rule_most_unhappy_customers_never_complain(customers, complaints):
    unhappy = customers[customers["satisfaction"].isin(["非常不满意", "不满意"])]
    silent = 1 - unhappy["customer_id"].isin(complaints["customer_id"]).mean()
    assert 0.90 <= silent <= 0.98, silent


def test_rule_recovery_brings_customers_back(complaints):
    resolved = complaints[complaints["outcome"] == "已解决"]
    assert 0.65 <= resolved["repurchased"].mean() <= 0.75
    fast = resolved[_within_sla(resolved)]
    assert len(fast) >= 50
    assert 0.90 <= fast["repurchased"].mean() <= 0.98
    unresolved = complaints[complaints["outcome"] == "未解决"]
    assert unresolved["repurchased"].mean() < resolved["repurchased"].mean()


def test_repurchased_agrees_with_the_orders(complaints, orders):
    buys = orders.loc[orders["amount"] > 0, ["customer_id", "order_date"]]
    pairs = complaints[["complaint_id", "customer_id", "created_at"]].merge(buys, on="customer_id")
    days = (pairs["order_date"] - pairs["created_at"].dt.normalize()).dt.days
    pairs["bought"] = (days > 0) & (days <= 180)
    bought = pairs.groupby("complaint_id")["bought"].any()
    bought = bought.reindex(complaints["complaint_id"], fill_value=False)
    assert (bought.to_numpy() == complaints["repurchased"].to_numpy()).all()
    assert complaints["created_at"].max() <= pd.Timestamp("2024-07-04")


# --- referrals ---------------------------------------------------------------------------------

def test_referral_network_has_a_few_hubs_and_many_leaves(customers):
    edges = load("referrals")
    assert 1200 <= len(edges) <= 1800
    assert set(edges["relation"].cat.categories) == {"推荐", "影响"}
    ids = set(customers["customer_id"])
    assert edges["referrer_id"].isin(ids).all() and edges["referred_id"].isin(ids).all()
    assert (edges["referrer_id"] != edges["referred_id"]).all()
    assert not edges.duplicated(["referrer_id", "referred_id"]).any()
    # a newcomer is recommended by one person at most, and joins on that day
    recommended = edges[edges["relation"] == "推荐"]
    assert recommended["referred_id"].is_unique
    joined = customers.set_index("customer_id")["join_date"]
    assert (recommended["created_at"].to_numpy()
            == joined.loc[recommended["referred_id"]].to_numpy()).all()
    assert (joined.loc[recommended["referrer_id"]].to_numpy()
            < recommended["created_at"].to_numpy()).all()
    out_degree = edges["referrer_id"].value_counts()
    assert out_degree.median() <= 2
    top = out_degree.head(int(0.01 * len(customers)))  # the top 1% of customers
    assert top.sum() / len(edges) >= 0.3
    assert out_degree.iloc[0] >= 20 * out_degree.median()


# --- credit ------------------------------------------------------------------------------------

def _binned_scorecard_auc(apps, indicators, bins=5):
    """Weight-of-evidence points per quantile bin, summed; AUC by the rank (Mann–Whitney) formula."""
    bad = apps["defaulted"].to_numpy()
    score = np.zeros(len(apps))
    for col in indicators:
        if isinstance(apps[col].dtype, pd.CategoricalDtype):
            group = apps[col].astype(str)
        else:
            group = pd.qcut(apps[col], bins, duplicates="drop").astype(str)
        table = pd.crosstab(group, bad)
        woe = np.log((table[False] / table[False].sum() + 1e-6)
                     / (table[True] / table[True].sum() + 1e-6))
        score += group.map(woe).to_numpy(float)
    ranks = pd.Series(-score).rank().to_numpy()
    n_bad, n_good = bad.sum(), (~bad).sum()
    return (ranks[bad].sum() - n_bad * (n_bad + 1) / 2) / (n_bad * n_good)


def test_credit_scorecard_separates_good_from_bad(customers):
    apps = load("credit_applications")
    assert 1300 <= len(apps) <= 1700
    assert apps["application_id"].is_unique
    known = apps["customer_id"].notna()
    assert 0.5 < known.mean() < 0.9  # mostly existing customers, some newcomers
    kinds = customers.set_index("customer_id")["customer_type"]
    assert (kinds.loc[apps.loc[known, "customer_id"]] == "企业").mean() > 0.8
    assert apps["debt_ratio"].between(0, 1).all()
    assert (apps["annual_revenue_wan"] > 0).all() and (apps["credit_limit_wan"] > 0).all()
    assert 0.08 <= apps["defaulted"].mean() <= 0.30
    indicators = ["years_in_business", "annual_revenue_wan", "past_overdue_count",
                  "avg_order_amount", "debt_ratio", "industry"]
    auc = _binned_scorecard_auc(apps, indicators)
    assert 0.75 <= auc <= 0.85, auc
    # each single sensible indicator points the right way
    assert apps.groupby(apps["past_overdue_count"] > 0)["defaulted"].mean().is_monotonic_increasing
    high_debt = apps["debt_ratio"] > apps["debt_ratio"].median()
    assert apps.loc[high_debt, "defaulted"].mean() > apps.loc[~high_debt, "defaulted"].mean()


# --- CDNOW -------------------------------------------------------------------------------------

def test_cdnow_sample_has_the_published_counts():
    from course.data.cdnow import SAMPLE_CUSTOMERS, SAMPLE_ROWS

    cdnow = load("cdnow")
    assert list(cdnow.columns) == ["customer_id", "date", "quantity", "amount"]
    assert len(cdnow) == SAMPLE_ROWS == 6919
    assert cdnow["customer_id"].nunique() == SAMPLE_CUSTOMERS == 2357
    assert pd.api.types.is_datetime64_any_dtype(cdnow["date"])
    assert cdnow["quantity"].dtype.kind == "i" and cdnow["amount"].dtype.kind == "f"
    assert cdnow["date"].min() == pd.Timestamp("1997-01-01")
    assert cdnow["date"].max() <= pd.Timestamp("1998-06-30")
    # every sample customer made the first purchase in the first quarter of 1997
    assert cdnow.groupby("customer_id")["date"].min().max() < pd.Timestamp("1997-04-01")


def test_cdnow_master_when_shipped():
    from course.data.cdnow import cdnow_path, load_cdnow

    if not cdnow_path(sample=False).is_file():
        pytest.skip("master file not shipped")
    master = load_cdnow(sample=False)
    assert len(master) == 69659 and master["customer_id"].nunique() == 23570


def test_cdnow_edits_are_caught(tmp_path):
    from course.data.cdnow import verify_files

    assert verify_files(DATA_DIR) == []
    (tmp_path / "cdnow").mkdir()
    for name in ("CDNOW_sample.txt", "CDNOW_master.txt"):
        source = DATA_DIR / "cdnow" / name
        if source.is_file():
            (tmp_path / "cdnow" / name).write_bytes(source.read_bytes())
    sample = tmp_path / "cdnow" / "CDNOW_sample.txt"
    sample.write_bytes(sample.read_bytes().replace(b"29.33", b"29.34", 1))
    assert "cdnow/CDNOW_sample.txt" in verify_files(tmp_path)


def test_cdnow_is_in_the_dictionary():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## cdnow", 1)[1]
    assert "Fader" in section and "lifetimes 0.11.3" in section
    for col in ("customer_id", "date", "quantity", "amount"):
        assert re.search(rf"^\| {col} \| [^|]+ \| .+ \|$", section, re.M)
