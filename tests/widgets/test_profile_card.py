"""Tests for the profile card widget: the pure card view and the ipywidgets layer."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.widgets.profile_card import card_view, nps_group, prepare, profile_card


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


@pytest.fixture(scope="module")
def tables():
    customers = pd.DataFrame({
        "customer_id": ["C1", "C2"], "name": ["张三", "某某科技"], "gender": ["男", None],
        "age_band": ["26-35", None], "city": ["上海", "杭州"], "customer_type": ["个人", "企业"],
        "industry": [None, "制造"], "channel": ["门店", "企业客户经理"],
        "join_date": pd.to_datetime(["2023-01-05", "2022-06-01"]), "tier": ["银卡", "金卡"],
        "satisfaction": ["满意", "不满意"], "churned": [False, True],
        "phone": ["13812345678", "13900001111"], "email": ["zhang@example.com", "it@example.com"],
        "id_number": ["310100199001011234", None],
    })
    dates = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01",
                            "2024-06-01", "2023-03-01"])
    orders = pd.DataFrame({"customer_id": ["C1"] * 6 + ["C2"], "order_date": dates,
                           "amount": [100.0, 200.0, 300.0, -50.0, 400.0, 500.0, 9000.0],
                           "category": ["空调"] * 7, "channel": ["门店"] * 7})
    surveys = pd.DataFrame({"customer_id": ["C1", "C1"], "survey_date": pd.to_datetime(["2024-01-01", "2024-06-01"]),
                            "nps": [3, 10]})
    complaints = pd.DataFrame({"customer_id": ["C2"], "created_at": pd.to_datetime(["2023-04-01 10:00"]),
                               "category": ["产品质量"], "severity": ["高"], "outcome": ["已解决"]})
    return customers, orders, surveys, complaints


def test_card_shows_profile_with_pii_masked(tables):
    customers, orders, surveys, complaints = tables
    base = prepare(customers, orders, surveys, complaints)
    view = card_view(base, " c1 ")  # spaces and lower case are forgiven
    assert view.customer_id == "C1"
    assert view.profile["phone"] == "138****5678" and "13812345678" not in view.html
    assert view.profile["email"] == "z***@example.com"
    assert "199001011234" not in view.html
    assert "industry" not in view.profile  # a person has no industry
    assert view.nps == 10.0 and "推荐者" in view.html  # the latest survey counts
    assert view.recent_orders["order_date"].tolist() == sorted(
        orders.loc[orders["customer_id"] == "C1", "order_date"], reverse=True)[:5]
    assert view.complaints.empty and "没有投诉记录" in view.html
    assert view.profile["purchases"] == "5" and view.profile["net_spend"] == "1,450.00"
    assert customers.loc[0, "phone"] == "13812345678"  # input not modified


def test_company_card(tables):
    base = prepare(*tables)
    view = card_view(base, "C2")
    assert "gender" not in view.profile and view.profile["industry"] == "制造"
    assert view.complaints["category"].tolist() == ["产品质量"]
    assert view.nps is None and "没有参加过满意度调查" in view.html
    assert view.profile["churned"] == "是"
    assert 0 < view.completeness <= 100


def test_unknown_id(tables):
    base = prepare(*tables)
    with pytest.raises(CourseError, match="C00001"):
        card_view(base, "C9")


def test_nps_groups():
    assert [nps_group(s) for s in (0, 6, 7, 8, 9, 10)] == ["贬损者", "贬损者", "中立者", "中立者",
                                                           "推荐者", "推荐者"]


def test_widget_switches_customer(tables):
    box = profile_card(*tables)
    assert box.view.customer_id == "C1"
    box.controls["customer_id"].value = "C2"
    assert box.view.customer_id == "C2" and "某某科技" in box.card.value
    box.controls["customer_id"].value = "nobody"
    assert box.view is None and "b00020" in box.card.value


def test_real_data_card(tables):
    from course import load

    names = ("customers", "orders", "surveys", "complaints", "feedback")
    base = prepare(*(load(n) for n in names))
    cid = load("complaints")["customer_id"].iloc[0]
    view = card_view(base, cid)
    assert len(view.complaints) >= 1 and len(view.recent_orders) <= 5
    assert "****" in view.profile["phone"]
    assert "profiles." not in view.html  # every label comes from the catalog, none is a raw key


def test_prebuilt_profiles_give_the_same_card(tables):
    from course.profiles import build_profiles

    customers, orders, surveys, complaints = tables
    built = build_profiles(customers, orders, surveys, complaints, as_of="2025-01-01")
    a = card_view(prepare(*tables), "C1")
    b = card_view(prepare(*tables, profiles=built), "C1")
    assert a.html == b.html
    assert built.loc[0, "phone"] == "13812345678"  # the caller's table is not masked in place
