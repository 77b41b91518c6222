"""Tests for course.roleplay: every branch of every scenario walked to an ending, scoring by hand,
and the loader's Chinese errors for broken scenario files."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
import yaml

from course.core.i18n import CourseError
from course.roleplay import (
    MAX_SCORE,
    OUTCOME_CAPS,
    OUTCOMES,
    PRINCIPLES,
    STEPS,
    all_paths,
    choice_value,
    choose,
    is_finished,
    load_scenario,
    load_scenarios,
    options,
    parse_scenario,
    path_table,
    play,
    recommended,
    replay,
    scenario_overview,
    score,
    start,
)
from course.roleplay.engine import current
from course.roleplay.loader import scenario_files

HAN = re.compile(r"[\u4e00-\u9fff]")
SCENARIOS = load_scenarios()


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_at_least_five_scenarios():
    assert len(scenario_files()) >= 5
    assert len(SCENARIOS) == len(scenario_files())


# ----------------------------------------------------------------------------------------------
# Exhaustive walk: every path of every scenario
# ----------------------------------------------------------------------------------------------
def walk(scenario):
    """Independent of all_paths: a recursive walk that records the picks of every path."""
    out = []

    def go(state, picks):
        node = scenario.nodes[state.node]
        if node.is_ending:
            out.append((tuple(picks), state))
            return
        for i in range(len(node.choices)):
            go(choose(scenario, state, i), picks + [i])

    go(start(scenario), [])
    return out


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_every_branch_reaches_an_ending(sid):
    scenario = SCENARIOS[sid]
    paths = walk(scenario)
    assert len(paths) >= 10, "a scenario needs several branches"
    visited_nodes, visited_choices = set(), set()
    for picks, state in paths:
        assert is_finished(scenario, state)
        assert options(scenario, state) == ()
        assert len(state.turns) == len(picks) <= len(scenario.nodes)
        assert 0 <= state.mood <= 100
        for turn in state.turns:
            assert 0 <= turn.mood_after <= 100
            visited_nodes.add(turn.node)
            visited_choices.add((turn.node, turn.choice))
        visited_nodes.add(state.node)
        # replaying the picks gives the same state: the engine is deterministic
        assert play(scenario, picks) == state
    # every node and every reply is used by some path: no dead branch in the data
    assert visited_nodes == set(scenario.nodes)
    assert visited_choices == {(n.id, i) for n in scenario.nodes.values() for i in range(len(n.choices))}
    # all_paths finds the same set of end states as the independent walk
    assert Counter(s for _, s in paths) == Counter(all_paths(scenario))


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_endings_and_scores_are_sane(sid):
    scenario = SCENARIOS[sid]
    results = [score(scenario, s) for s in all_paths(scenario)]
    outcomes = Counter(r.outcome for r in results)
    assert set(outcomes) <= set(OUTCOMES)
    assert outcomes["resolved"] > 0 and outcomes["lost"] > 0, outcomes  # meaningful outcomes
    for r in results:
        assert 0 <= r.total <= MAX_SCORE
        assert r.total == min(r.raw_total, OUTCOME_CAPS.get(r.outcome, MAX_SCORE))
        assert r.step_points == 10 * sum(r.steps.values())
        assert list(r.steps) == list(STEPS) and list(r.principles) == list(PRINCIPLES)
    best = max(r.total for r in results)
    # the best path reaches a resolved ending having practised all seven steps and upheld all
    # four principles: the scenario can teach the whole method
    top = [r for r in results if r.total == best]
    assert all(r.outcome == "resolved" for r in top)
    assert any(all(r.steps.values()) and set(r.principles.values()) == {"upheld"} for r in top)
    assert best >= 90
    # losing the customer always scores below every path that resolves with all seven steps
    full = [r.total for r in results if r.outcome == "resolved" and all(r.steps.values())]
    assert max(r.total for r in results if r.outcome == "lost") < min(full)
    assert min(r.total for r in results) < 30  # bad replies really cost points


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_recommended_replies_lead_to_the_best_score(sid):
    scenario = SCENARIOS[sid]
    state = start(scenario)
    while not is_finished(scenario, state):
        state = choose(scenario, state, recommended(current(scenario, state)))
    best = max(score(scenario, s).total for s in all_paths(scenario))
    assert score(scenario, state).total == best
    assert all(row.best and row.better_reply == "" for row in replay(scenario, state))


@pytest.mark.parametrize("sid", sorted(SCENARIOS))
def test_replay_explains_every_turn(sid):
    scenario = SCENARIOS[sid]
    for state in all_paths(scenario):
        rows = replay(scenario, state)
        assert [r.turn for r in rows] == list(range(1, len(state.turns) + 1))
        for row, turn in zip(rows, state.turns):
            assert HAN.search(row.why) and HAN.search(row.prompt) and HAN.search(row.reply)
            assert (row.mood_before, row.mood_after) == (turn.mood_before, turn.mood_after)
            assert row.best == (row.better_reply == "")


def test_score_by_hand():
    scenario = SCENARIOS["late_installation"]
    # t1 listen (+12, objectivity) → t2 canned apology (+3) → t3 on-the-spot plan (+20, authority
    # timeliness reasonableness) → mood 55 → t4 → vague agreement (+0) → t5 message only (+5)
    state = play(scenario, [0, 1, 0, 1, 1])
    assert [t.node for t in state.turns] == ["t1", "t2", "t3", "t4", "t5"]
    assert state.mood == 20 + 12 + 3 + 20 + 0 + 5
    result = score(scenario, state)
    assert [s for s, ok in result.steps.items() if ok] == ["listen", "apologise", "solve", "agree",
                                                           "follow_through"]
    assert result.principles == {"authority": "upheld", "timeliness": "upheld",
                                 "objectivity": "upheld", "reasonableness": "upheld"}
    assert (result.step_points, result.principle_points, result.mood_points) == (50, 20, 6)
    assert result.total == 76 and result.outcome == "resolved"


def test_mood_routes_the_conversation():
    scenario = SCENARIOS["late_installation"]
    calm = play(scenario, [0, 0, 0])  # mood 67 after the plan → the customer agrees
    cross = play(scenario, [1, 1, 0])  # mood 38 → the customer no longer believes us
    assert calm.node == "t4" and cross.node == "t4_hard"


def test_a_broken_principle_stays_broken():
    scenario = SCENARIOS["late_installation"]
    # breaks reasonableness at t2 (an unchecked promise), upholds it at t3: still broken
    result = score(scenario, play(scenario, [0, 2, 0, 0, 0]))
    assert result.principles["reasonableness"] == "broken"


def test_engine_is_pure():
    scenario = SCENARIOS["refund_delay"]
    state = start(scenario)
    after = choose(scenario, state, 0)
    assert state.turns == () and state.node == scenario.start
    assert after is not state and len(after.turns) == 1
    with pytest.raises(TypeError):
        scenario.nodes["t1"] = None  # scenarios are read-only


def test_choice_value_prefers_good_replies():
    node = SCENARIOS["late_installation"].nodes["t1"]
    values = [choice_value(c) for c in node.choices]
    assert values[0] > values[1] > values[2]


@pytest.mark.parametrize(
    "call, key",
    [
        (lambda s: choose(s, start(s), 9), "roleplay.bad_choice"),
        (lambda s: choose(s, start(s), True), "roleplay.bad_choice"),
        (lambda s: choose(s, play(s, [1, 1, 0]).__class__(s.id, "end_lost", 0), 0), "roleplay.already_finished"),
        (lambda s: score(SCENARIOS["refund_delay"], start(s)), "roleplay.state_mismatch"),
        (lambda s: load_scenario("no_such_scenario"), "roleplay.unknown_scenario"),
    ],
)
def test_engine_errors_are_chinese(call, key):
    with pytest.raises(CourseError) as info:
        call(SCENARIOS["late_installation"])
    assert info.value.key == key and HAN.search(str(info.value))


def test_overview_and_path_table():
    overview = scenario_overview()
    assert len(overview) == len(SCENARIOS)
    for row in overview.itertuples():
        assert row.paths == len(all_paths(SCENARIOS[row.scenario]))
        assert 0 < row.resolved_share < 1 and row.worst < row.best
    table = path_table(SCENARIOS["broken_delivery"])
    assert len(table) == len(all_paths(SCENARIOS["broken_delivery"]))
    assert table["total"].max() == overview.set_index("scenario").loc["broken_delivery", "best"]


# ----------------------------------------------------------------------------------------------
# The loader: clear Chinese errors for broken files
# ----------------------------------------------------------------------------------------------
def minimal() -> dict:
    choice = {"reply": "好的", "mood": 5, "why": "原因", "next": "end"}
    return {
        "id": "mini", "title": "标题", "customer": "客户", "setting": "背景", "start_mood": 30,
        "start": "t1",
        "nodes": {
            "t1": {"say": "你好", "choices": [dict(choice, steps=["listen"]), dict(choice, mood=-5)]},
            "end": {"say": "再见", "ending": "resolved", "summary": "结束"},
        },
    }


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def test_minimal_scenario_loads_from_yaml_and_json(tmp_path):
    assert parse_scenario(dump(minimal()), "mini.yaml").id == "mini"
    assert parse_scenario(json.dumps(minimal(), ensure_ascii=False), "mini.json").title == "标题"
    path = tmp_path / "mini.yaml"
    path.write_text(dump(minimal()), encoding="utf-8")
    assert len(all_paths(load_scenario(path))) == 2


def broken(change) -> dict:
    data = minimal()
    change(data)
    return data


@pytest.mark.parametrize(
    "change, key",
    [
        (lambda d: d.pop("title"), "roleplay.missing_keys"),
        (lambda d: d.update(colour="red"), "roleplay.unknown_keys"),
        (lambda d: d.update(id="other"), "roleplay.id_not_file_name"),
        (lambda d: d.update(start_mood=120), "roleplay.bad_number"),
        (lambda d: d.update(start="t9"), "roleplay.unknown_start"),
        (lambda d: d.update(nodes={}), "roleplay.no_nodes"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(next="t9"), "roleplay.unknown_target"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(steps=["smile"]), "roleplay.unknown_names"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(upholds=["speed"]), "roleplay.unknown_names"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(upholds=["authority"], breaks=["authority"]),
         "roleplay.upholds_and_breaks"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(mood=80), "roleplay.bad_number"),
        (lambda d: d["nodes"]["t1"]["choices"][0].pop("why"), "roleplay.missing_keys"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(reply=""), "roleplay.need_text"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(steps="listen"), "roleplay.need_list"),
        (lambda d: d["nodes"]["t1"].update(choices=d["nodes"]["t1"]["choices"][:1]), "roleplay.too_few_choices"),
        (lambda d: d["nodes"]["t1"].update(ending="resolved"), "roleplay.node_choices_or_ending"),
        (lambda d: d["nodes"]["t1"].pop("say"), "roleplay.node_no_text"),
        (lambda d: d["nodes"]["end"].update(ending="happy"), "roleplay.bad_ending"),
        (lambda d: d["nodes"]["end"].pop("summary"), "roleplay.need_text"),
        (lambda d: d["nodes"].update(orphan={"say": "没人来", "ending": "lost", "summary": "x"}),
         "roleplay.unreachable"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(next="t1"), "roleplay.loop"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(next=[{"to": "end"}, {"to": "end", "min_mood": 5}]),
         "roleplay.bad_rule_order"),
        (lambda d: d["nodes"]["t1"]["choices"][0].update(next=[]), "roleplay.bad_next"),
    ],
)
def test_loader_rejects_broken_files(change, key):
    with pytest.raises(CourseError) as info:
        parse_scenario(dump(broken(change)), "mini.yaml")
    assert info.value.key == key
    assert HAN.search(str(info.value)) and "mini.yaml" in str(info.value)


def test_loader_reports_yaml_syntax_with_line():
    with pytest.raises(CourseError) as info:
        parse_scenario("id: mini\ntitle: [未闭合\n", "mini.yaml")
    assert info.value.key == "roleplay.bad_syntax" and info.value.fields["line"] != "?"


def test_longer_loop_is_found():
    data = minimal()
    data["nodes"]["t1"]["choices"][1]["next"] = "t2"
    data["nodes"]["t2"] = {"say": "再说", "choices": [
        {"reply": "a", "mood": 0, "why": "b", "next": "t1"},
        {"reply": "c", "mood": 0, "why": "d", "next": "end"}]}
    with pytest.raises(CourseError) as info:
        parse_scenario(dump(data), "mini.yaml")
    assert info.value.key == "roleplay.loop" and "t1" in str(info.value) and "t2" in str(info.value)


def test_mood_rules_parse_and_route():
    data = minimal()
    data["nodes"]["t1"]["choices"][0]["next"] = [{"min_mood": 35, "to": "end"}, {"to": "end2"}]
    data["nodes"]["end2"] = {"say": "哼", "ending": "lost", "summary": "流失"}
    scenario = parse_scenario(dump(data), "mini.yaml")
    assert choose(scenario, start(scenario), 0).node == "end"  # 30 + 5 = 35 reaches the rule
    data["start_mood"] = 29
    scenario = parse_scenario(dump(data), "mini.yaml")
    assert choose(scenario, start(scenario), 0).node == "end2"
