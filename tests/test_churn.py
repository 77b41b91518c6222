"""Churn by reason and the concentration of accounts on one salesperson, on a small hand-made book
whose answers are worked out in the comments, then on the fictional company."""
from __future__ import annotations

import pandas as pd
import pytest

from course.churn import TAKEN_ALONG, churn_reasons, concentration, departure_losses, owner_book
from course.core.i18n import CourseError


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture
def book_tables():
    people = pd.DataFrame({"salesperson_id": ["E1", "E2", "E3"], "name": ["甲", "乙", "丙"],
                           "team": ["企业", "企业", "个人"],
                           "left_at": [pd.NaT, pd.Timestamp("2024-05-31"), pd.NaT]})
    accounts = pd.DataFrame({"customer_id": ["A", "B", "C", "D", "E"],
                             "salesperson_id": ["E1", "E1", "E2", "E2", "E3"],
                             "churn_reason": ["", "服务细节疏忽", TAKEN_ALONG, TAKEN_ALONG, None]})
    orders = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "D", "E"],
                           "amount": [600.0, -100.0, 500.0, 300.0, 100.0, 50.0]})
    return accounts, orders, people


def test_reasons_count_only_churned(book_tables):
    accounts, _, _ = book_tables
    out = churn_reasons(accounts)
    assert list(out["reason"]) == [TAKEN_ALONG, "服务细节疏忽"]
    assert list(out["customers"]) == [2, 1]
    assert out["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    with pytest.raises(CourseError, match="没有任何流失原因"):
        churn_reasons(accounts.assign(churn_reason=""))


def test_owner_book_and_concentration(book_tables):
    book = owner_book(*book_tables).set_index("salesperson_id")
    # E1: A (500 net) + B (500) = 1000; E2: 400; team 企业 = 1400
    assert book.loc["E1", "revenue"] == 1000 and book.loc["E2", "revenue"] == 400
    assert book.loc["E1", "team_share"] == pytest.approx(1000 / 1400)
    assert book.loc["E3", "team_share"] == 1
    assert (book.loc["E1", "churned_customers"], book.loc["E2", "taken_along"]) == (1, 2)
    assert list(book["active"]) == [True, False, True]
    top = concentration(book.reset_index(), team="企业")
    assert top["salesperson_id"].tolist() == ["E1"]
    with pytest.raises(CourseError, match="没有名为"):
        concentration(book.reset_index(), team="海外")


def test_departure_losses(book_tables):
    out = departure_losses(*book_tables)
    assert out["salesperson_id"].tolist() == ["E2"]
    assert (out["customers_lost"].item(), out["revenue_lost"].item()) == (2, 400)


def test_company_shows_both_seed_rules():
    from course import load

    accounts, orders, people = load("accounts"), load("orders"), load("salespeople")
    reasons = churn_reasons(accounts)
    assert reasons["reason"].iloc[0] == TAKEN_ALONG  # staff who leave take customers along
    assert reasons["customers"].sum() == load("customers")["churned"].sum()
    top = concentration(owner_book(accounts, orders, people))
    assert top["team_share"].max() > 0.4  # one person holds a large share of a team's revenue
