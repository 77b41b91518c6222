"""Negotiation goals and concessions: the zone of agreement, the concession plan and the mistakes
it names, and the discount/volume arithmetic."""
from __future__ import annotations

import pytest

from course.core.i18n import CourseError
from course.negotiation import bargaining_zone, concession_plan, parse_concessions, plan_issues, volume_to_offset


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_zone_is_floor_to_their_limit():
    zone = bargaining_zone(42_000, 47_000)
    assert (zone.low, zone.high, zone.width) == (42_000, 47_000, 5_000)
    assert bargaining_zone(47_001, 47_000) is None
    assert bargaining_zone(47_000, 47_000).width == 0  # touching still leaves one price


def test_plan_prices_and_room():
    plan = concession_plan(50_000, 45_000, 40_000, [3000, 2000, 1000])
    assert list(plan["price"]) == [47_000, 45_000, 44_000]
    assert list(plan["room_left"]) == [7_000, 5_000, 4_000]
    assert list(plan["given_share"].round(2)) == [0.3, 0.5, 0.6]


@pytest.mark.parametrize("text, steps", [("3000, 2000, 1000", [3000, 2000, 1000]),
                                         ("3000，2000、1000", [3000, 2000, 1000]),
                                         ("", [])])
def test_parse_concessions(text, steps):
    assert parse_concessions(text) == steps


def test_sound_plan_has_no_issue():
    assert plan_issues(50_000, 45_000, 40_000, "3000, 1500, 500", their_limit=47_000) == []


def test_each_mistake_is_named():
    # below the floor at step 3, first step 60 % of the room, step 3 bigger than step 2
    found = plan_issues(50_000, 45_000, 40_000, "6000, 2000, 3000")
    assert any("第 3 次让步后" in f and "低于底线" in f for f in found), found
    assert any("60%" in f for f in found), found
    assert any("第 3 次让步比上一次更大" in f for f in found), found
    under = plan_issues(50_000, 45_000, 40_000, "3000, 2000, 1000")
    assert len(under) == 1 and "低于目标价" in under[0]


def test_zone_findings():
    assert any("没有成交区间" in f for f in plan_issues(50_000, 45_000, 44_000, "2000", their_limit=43_000))
    assert any("仍高于对方上限" in f for f in plan_issues(50_000, 45_000, 40_000, "1000", their_limit=46_000))


@pytest.mark.parametrize("args", [(40_000, 45_000, 42_000, "1000"), (50_000, 45_000, 46_000, "1000"),
                                  (50_000, 45_000, 40_000, "1000, -5"), ("五万", 45_000, 40_000, "1000")])
def test_bad_input_is_explained(args):
    with pytest.raises(CourseError) as err:
        concession_plan(*args)
    assert any(word in str(err.value) for word in ("顺序", "不可用"))


def test_volume_to_offset():
    assert volume_to_offset(0.05, 0.25) == pytest.approx(0.25)
    assert volume_to_offset(0.10, 0.30) == pytest.approx(0.5)
    assert volume_to_offset(0, 0.30) == 0
    with pytest.raises(CourseError, match="小于毛利率"):
        volume_to_offset(0.3, 0.25)
