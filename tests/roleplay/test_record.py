"""Record codes: the path a trainee took, typed back as an answer and replayed by the grader."""
import pytest

from course.core.i18n import CourseError
from course.exercises.answers import compare, public_verdict
from course.roleplay import all_paths, load_scenarios, score
from course.roleplay.record import grade_record, read_record, record_code

SCENARIOS = load_scenarios()


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_every_path_round_trips_and_scores_like_the_engine(scenario_id):
    scenario = SCENARIOS[scenario_id]
    paths = all_paths(scenario)
    best = max(score(scenario, s).total for s in paths)
    codes = set()
    for state in paths:
        code = record_code(scenario, state)
        codes.add(code)
        assert read_record(code, scenario).turns == state.turns
        share, details = grade_record(code.lower().replace("-", " - "), scenario)
        assert details["total"] == score(scenario, state).total
        assert share == pytest.approx(min(1.0, details["total"] / best), abs=1e-4)
    assert len(codes) == len(paths)  # one code per path


def test_a_typo_is_caught_by_the_checksum_not_replayed_as_another_path():
    scenario = SCENARIOS["angry_vip"]
    state = all_paths(scenario)[5]
    code = record_code(scenario, state)
    tag, picks, check = code.split("-")
    caught = 0
    for position in range(len(picks)):
        for digit in "123":
            if digit == picks[position]:
                continue
            typo = f"{tag}-{picks[:position]}{digit}{picks[position + 1:]}-{check}"
            with pytest.raises(CourseError):
                read_record(typo, scenario)
            caught += 1
    assert caught >= len(picks)


@pytest.mark.parametrize("code, words", [
    ("hello", "格式"),
    ("37-1111-", "格式"),
])
def test_malformed_codes_get_a_chinese_reason(code, words):
    with pytest.raises(CourseError, match=words):
        read_record(code, SCENARIOS["angry_vip"])


def test_a_code_from_another_scenario_or_an_unfinished_path_is_refused():
    one, other = SCENARIOS["angry_vip"], SCENARIOS["refund_delay"]
    code = record_code(one, all_paths(one)[0])
    with pytest.raises(CourseError, match="场景"):
        read_record(code, other)
    from course.roleplay import play
    from course.roleplay.record import _symbols, scenario_tag
    partial = play(one, [0])
    picks = "1"
    forged = f"{scenario_tag(one.id)}-{picks}-{_symbols(one.id + '|' + picks)}"
    assert record_code(one, partial) == forged
    with pytest.raises(CourseError, match="没有结束"):
        read_record(forged, one)


def test_the_grader_uses_the_replay_never_a_typed_score():
    scenario = SCENARIOS["angry_vip"]
    spec = {"kind": "record", "scenario": "angry_vip", "points": 4}
    paths = all_paths(scenario)
    best = max(paths, key=lambda s: score(scenario, s).total)
    weak = min(paths, key=lambda s: score(scenario, s).total)
    good = {"type": "text", "value": record_code(scenario, best)}
    assert compare(spec, good, good).score == 1.0
    low = compare(spec, {"type": "text", "value": record_code(scenario, weak)}, good)
    assert low.score == pytest.approx(score(scenario, weak).total / 100, abs=1e-3) and low.score < 0.5
    assert compare(spec, {"type": "text", "value": "100"}, good).score == 0
    assert compare(spec, {"type": "number", "value": 100}, good).score == 0
    # check(): any finished path passes the public check, and says what it scored
    verdict = public_verdict(spec, {"type": "text", "value": record_code(scenario, weak)}, [], "x")
    assert verdict.passed and "回放" in verdict.message


def test_the_widget_shows_the_record_code_at_the_end():
    from course.widgets.roleplay import roleplay_simulator

    box = roleplay_simulator("broken_delivery")
    assert box.view.record == ""
    while not box.view.finished:
        box.pick(box.view.letters[-1])
    assert box.view.record and box.view.record in box.view.report_html
    assert read_record(box.view.record, SCENARIOS["broken_delivery"]).turns == box.state.turns
