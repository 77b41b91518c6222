"""Tests for the role-play widget: the pure view and the thin ipywidgets layer."""
from __future__ import annotations

import html
import re
import timeit

import pytest

from course.roleplay import all_paths, load_scenarios, play, score, start
from course.widgets.roleplay import display_order, roleplay_simulator, roleplay_view

HAN = re.compile(r"[\u4e00-\u9fff]")
SCENARIOS = load_scenarios()


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_display_order_is_a_fixed_permutation():
    order = display_order("late_installation", "t1", 3)
    assert sorted(order) == [0, 1, 2]
    assert order == display_order("late_installation", "t1", 3)
    # over all nodes the best reply is not always shown first
    firsts = [display_order(sid, nid, len(n.choices))[0] == 0
              for sid, s in SCENARIOS.items() for nid, n in s.nodes.items() if n.choices]
    assert 0 < sum(firsts) < len(firsts)


def test_view_at_start():
    scenario = SCENARIOS["broken_delivery"]
    view = roleplay_view(scenario, start(scenario))
    assert not view.finished and view.report_html == "" and view.score is None
    assert view.letters == ("A", "B", "C")
    assert sorted(view.indexes) == [0, 1, 2]
    for i, letter in zip(view.indexes, view.letters):  # each letter shows its own reply
        reply = scenario.nodes["t1"].choices[i].reply
        assert f"<b>{letter}.</b> {html.escape(reply)}" in view.options_html
    assert scenario.title in view.header_html and "30 / 100" in view.mood_html


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_view_at_every_ending(sid):
    scenario = SCENARIOS[sid]
    for state in all_paths(scenario)[:40]:
        view = roleplay_view(scenario, state)
        assert view.finished and view.letters == () and view.options_html == ""
        assert view.score == score(scenario, state)
        assert f"{view.score.total} / 100" in view.report_html
        assert scenario.nodes[state.node].summary in view.transcript_html
        assert view.report_html.count("第 ") >= len(state.turns)  # one replay block per turn


def test_view_escapes_text():
    scenario = SCENARIOS["late_installation"]
    view = roleplay_view(scenario, play(scenario, [0]))
    assert "<script" not in view.transcript_html


def test_widget_plays_to_the_end_and_restarts():
    box = roleplay_simulator("late_installation")
    assert [b.description for b in box.buttons] == ["A", "B", "C"]
    while not box.view.finished:
        view = box.view
        # press the button whose reply is the first choice in the data
        box.buttons[view.indexes.index(0)].click()
    assert box.view.score.outcome == "resolved" and box.buttons == []
    assert box.view.score.total == score(SCENARIOS["late_installation"], box.state).total
    box.restart.click()
    assert box.state.turns == () and len(box.buttons) == 3
    box.picker.value = "angry_vip"
    assert box.state.scenario == "angry_vip" and "钱总" in box.view.header_html


def test_widget_update_is_fast():
    box = roleplay_simulator("angry_vip")
    letter = box.view.letters[0]
    # relative, not absolute: a click (view + new buttons) costs about as much as a few views
    scenario = SCENARIOS["angry_vip"]
    per_view = timeit.timeit(lambda: roleplay_view(scenario, box.state), number=20) / 20
    per_click = timeit.timeit(lambda: (box.restart.click(), box.pick(letter)), number=5) / 5
    assert per_click < 50 * per_view + 0.05
