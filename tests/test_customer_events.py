"""The customer-event budget and its break-even number of orders."""
from __future__ import annotations

import pytest

from course.core.i18n import CourseError
from course.customer_events import break_even_orders, event_budget


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_budget_adds_fixed_and_per_guest():
    out = event_budget(50, {"场地": ("fixed", 5000), "餐饮": ("per_guest", 200)})
    assert out["cost"].tolist() == [5000, 10000, 15000] and out["expense"].iloc[-1] == "合计"
    sample = event_budget(60)
    assert sample["cost"].iloc[-1] == sample["cost"].iloc[:-1].sum()


def test_break_even_rounds_up():
    assert break_even_orders(30_000, 3000, 0.25) == 40
    assert break_even_orders(30_001, 3000, 0.25) == 41


@pytest.mark.parametrize("call", [lambda: event_budget(-1), lambda: event_budget(10, {"x": ("each", 5)}),
                                  lambda: break_even_orders(100, 0, 0.2), lambda: break_even_orders(100, 50, 1.5)])
def test_bad_input(call):
    with pytest.raises(CourseError):
        call()
