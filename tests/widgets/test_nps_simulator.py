"""Tests for the NPS simulator: the pure view function and the thin ipywidgets layer."""
from __future__ import annotations

import pandas as pd
import pytest

from course.core.i18n import CourseError
from course.satisfaction import nps_interval
from course.widgets.nps_simulator import nps_simulator, nps_simulator_view


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_no_move_is_the_baseline():
    view = nps_simulator_view(40, 30, 30)
    assert view.nps == pytest.approx(10) and view.delta == 0 and not view.outside_baseline
    assert (view.promoters, view.passives, view.detractors) == (40, 30, 30)


def test_each_move_changes_nps_by_one_step():
    # with n = 100 one person moving one group up is worth +1 point, whichever group it is
    base = nps_simulator_view(40, 30, 30)
    up_from_detractor = nps_simulator_view(40, 30, 30, detractors_to_passive=1)
    up_from_passive = nps_simulator_view(40, 30, 30, passives_to_promoter=1)
    down = nps_simulator_view(40, 30, 30, promoters_to_passive=1)
    assert up_from_detractor.nps - base.nps == pytest.approx(1)
    assert up_from_passive.nps - base.nps == pytest.approx(1)
    assert down.delta == pytest.approx(-1)


def test_moves_keep_the_total_and_combine():
    view = nps_simulator_view(40, 30, 30, 10, 5, 3)
    assert (view.promoters, view.passives, view.detractors) == (42, 38, 20)
    assert view.promoters + view.passives + view.detractors == 100
    assert view.nps == pytest.approx(22)


def test_big_change_leaves_the_interval():
    small = nps_simulator_view(400, 300, 300, detractors_to_passive=5)
    big = nps_simulator_view(400, 300, 300, detractors_to_passive=150)
    assert not small.outside_baseline and big.outside_baseline
    assert "置信区间" in big.html and "NPS" in big.html


def test_all_detractors_converted():
    view = nps_simulator_view(0, 0, 5, detractors_to_passive=5)
    assert view.nps == 0 and view.detractors == 0


@pytest.mark.parametrize("moves", [{"detractors_to_passive": 31}, {"passives_to_promoter": -1},
                                   {"promoters_to_passive": 1.5}])
def test_bad_moves(moves):
    with pytest.raises(CourseError) as err:
        nps_simulator_view(40, 30, 30, **moves)
    assert "人" in str(err.value)


def test_view_is_pure():
    first = nps_simulator_view(40, 30, 30, 4, 2, 1)
    nps_simulator_view(40, 30, 30, 30, 30, 40)
    assert nps_simulator_view(40, 30, 30, 4, 2, 1) == first


def test_widget_from_surveys():
    surveys = pd.DataFrame({"nps": [10, 9, 8, 7, 6, 0, 10, 3]})
    box = nps_simulator(surveys)
    assert box.view.baseline == pytest.approx(nps_interval(surveys["nps"])["nps"])
    assert box.controls["detractors_to_passive"].max == 3
    box.controls["detractors_to_passive"].value = 3
    assert box.view.detractors == 0
    assert box.view.nps == pytest.approx(100 * 3 / 8)
    assert box.output.value == box.view.html


def test_widget_from_counts_and_bad_input():
    box = nps_simulator(promoters=5, passives=3, detractors=2)
    box.controls["passives_to_promoter"].value = 3
    assert box.view.promoters == 8
    with pytest.raises(CourseError):
        nps_simulator(pd.DataFrame({"score": [1]}))
