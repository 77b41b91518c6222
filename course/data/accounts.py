"""Who looks after each customer, and why the churned ones left (module M14).

Two tables: ``salespeople`` (the ten account owners, two of whom left in 2024) and ``accounts``
(one row per customer: owner, assignment date and, for churned customers, the reason found in the
exit call). Two seed rules are built in so that analysis rediscovers them:

* staff who leave take customers with them: most customers of a departed owner who stop buying
  within 120 days of the departure left *because of it* (reason 员工离职带走);
* one star owner on the business team holds a large share of that team's revenue — the risk of
  accounts concentrated on one person.

Nothing here touches customers or orders: the tables are derived from them and add rows of their
own, so the existing files keep their bytes.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from course.core.vocab import SATISFACTION

REASONS = ("员工离职带走", "被竞争对手吸引", "服务细节疏忽", "产品质量问题", "市场波动与需求变化")
TEAMS = ("企业客户组", "个人客户组")
# id, name, team, hired, left ("" = still here), weight of ordinary accounts
SALESPEOPLE = (
    ("E01", "周启明", "企业客户组", "2019-03-01", "", 1.0),
    ("E02", "沈嘉怡", "企业客户组", "2017-07-01", "", 1.0),  # the star: gets the big accounts
    ("E03", "邵立峰", "企业客户组", "2020-09-01", "2024-05-31", 1.0),
    ("E04", "韩雨桐", "企业客户组", "2022-04-01", "", 0.8),
    ("E05", "程晓雯", "个人客户组", "2018-05-01", "", 1.0),
    ("E06", "付俊杰", "个人客户组", "2019-11-01", "", 1.0),
    ("E07", "钟莉", "个人客户组", "2021-02-01", "2024-08-31", 1.0),
    ("E08", "陶明轩", "个人客户组", "2020-06-01", "", 1.0),
    ("E09", "黎欣然", "个人客户组", "2022-08-01", "", 0.9),
    ("E10", "顾承泽", "个人客户组", "2023-03-01", "", 0.7),
)
STAR = "E02"
STAR_TOP_SHARE = 0.6  # share of the business team's top-value accounts the star owns
FOLLOW_DAYS = 120  # a churn this soon after the owner left can be "taken along"
FOLLOW_SHARE = 0.6  # share of such churned customers moved to the leaver and reasoned so

DAY = np.timedelta64(1, "D")


def _salespeople() -> pd.DataFrame:
    rows = [{"salesperson_id": i, "name": n, "team": team, "hired_at": pd.Timestamp(h),
             "left_at": pd.Timestamp(left) if left else pd.NaT} for i, n, team, h, left, _ in SALESPEOPLE]
    return pd.DataFrame(rows)


def _owners(rng, customers: pd.DataFrame, spend: np.ndarray) -> np.ndarray:
    team_of = np.where(customers["customer_type"].to_numpy() == "企业", TEAMS[0], TEAMS[1])
    owner = np.empty(len(customers), dtype=object)
    for team in TEAMS:
        members = [(sid, w) for sid, _, tm, _, _, w in SALESPEOPLE if tm == team]
        ids = np.array([m[0] for m in members])
        weight = np.array([m[1] for m in members])
        idx = np.flatnonzero(team_of == team)
        owner[idx] = rng.choice(ids, len(idx), p=weight / weight.sum())
        if team == TEAMS[0]:
            # the star holds most of the team's biggest accounts (top fifth by spend)
            top = idx[spend[idx] >= np.quantile(spend[idx], 0.8)]
            star = top[rng.random(len(top)) < STAR_TOP_SHARE]
            owner[star] = STAR
    return owner


def generate(rng: np.random.Generator, customers: pd.DataFrame, orders: pd.DataFrame):
    people = _salespeople()
    spend = (orders.groupby("customer_id")["amount"].sum()
             .reindex(customers["customer_id"]).fillna(0).to_numpy())
    owner = _owners(rng, customers, spend)
    churned = customers["churned"].to_numpy()
    churn_day = customers["_churn_date"].to_numpy().astype("datetime64[D]")
    business = customers["customer_type"].to_numpy() == "企业"
    reason = np.full(len(customers), "", dtype=object)

    # customers who stopped soon after a departure: most of them followed the person out
    for sid, _, team, _, left, _ in SALESPEOPLE:
        if not left:
            continue
        in_team = business if team == TEAMS[0] else ~business
        gone = np.datetime64(left)
        soon = churned & in_team & (churn_day > gone) & (churn_day <= gone + FOLLOW_DAYS * DAY)
        took = soon & (rng.random(len(customers)) < FOLLOW_SHARE)
        owner[took] = sid
        reason[took] = REASONS[0]

    # the other churned customers: unhappy ones mostly over service or quality, content ones
    # mostly to a competitor or because their needs changed
    level = customers["satisfaction"].map({s: i for i, s in enumerate(
        SATISFACTION)}).to_numpy()
    unhappy = (0.12, 0.45, 0.33, 0.10)  # 竞争对手, 细节疏忽, 质量, 市场波动
    content = (0.45, 0.15, 0.05, 0.35)
    rest = np.flatnonzero(churned & (reason == ""))
    for i in rest:
        p = unhappy if level[i] <= 1 else content
        reason[i] = REASONS[1 + rng.choice(4, p=p)]

    hired_of = dict(zip(people["salesperson_id"], people["hired_at"].to_numpy().astype("datetime64[D]")))
    join = customers["join_date"].to_numpy().astype("datetime64[D]")
    assigned = np.array([max(j, hired_of[o]) for j, o in zip(join, owner)], dtype="datetime64[D]")

    # the accounts a leaver still held when leaving went to a teammate the next day
    for sid, _, team, _, left, _ in SALESPEOPLE:
        if not left:
            continue
        gone = np.datetime64(left)
        stayed = (owner == sid) & ~(churned & (churn_day <= gone)) & (reason != REASONS[0])
        mates = np.array([m[0] for m in SALESPEOPLE if m[2] == team and not m[4]])
        owner[stayed] = rng.choice(mates, int(stayed.sum()))
        assigned[stayed] = np.maximum(join[stayed], gone + DAY)

    accounts = pd.DataFrame({
        "customer_id": customers["customer_id"].to_numpy(),
        "salesperson_id": owner.astype(str),
        "assigned_at": pd.to_datetime(assigned),
        "churn_reason": reason.astype(str),
    })
    return {"salespeople": people, "accounts": accounts}
