"""Every variant the classroom hands out (1..30, ``course.classroom.variants``) is sound (issue 19).

The full proof runs masters: ``python -m course assign --check-variants 30`` (about 15–20 minutes on
two cores; see course/exercises/variant_check.py). CI keeps what that sweep found cheap to keep:

* choice letters, over all 30 variants of every shuffled question, with no kernel: a multiple answer
  such as ``AC`` used to rotate onto itself in every other variant (found by the sweep on 8 exercises);
* the checker's own rules, on answers written here (so it can be seen to fail);
* variants 5–8 of three real exercises through the checker (master runs, full-marks grading): the
  variants tests/exercises/test_variants.py (0–4) does not reach.
"""
import pytest

from course.classroom.variants import DEFAULT_COUNT
from course.exercises.assign import masters
from course.exercises.master import read_master
from course.exercises.reference import read_answers
from course.exercises.variant_check import answer_problems, check_master
from course.exercises.variants import (
    map_letters,
    question_map,
    question_varies,
    shuffles,
    solution_letters,
    stable_variant,
    subset_map,
)

MASTERS = [read_master(p) for p in masters()]
CLASS = range(1, DEFAULT_COUNT + 1)


def test_the_classroom_hands_out_variants_1_to_30():
    assert {stable_variant(f"学员{i}") for i in range(2000)} == set(CLASS)


@pytest.mark.parametrize("master", MASTERS, ids=[m.name for m in MASTERS])
def test_choice_letters_move_in_every_classroom_variant(master):
    """For every shuffled choice, the letters a trainee must answer (variant 0's answer moved by the
    variant's map) are variant 0's in at most a third of the classroom's variants, and are never the
    neighbouring variant's; the map is a permutation of the options."""
    for question in [q for q in master.questions if shuffles(q) and question_varies(q)]:
        answer = solution_letters(question)
        options = list(question.spec.get("options") or "ABCD")
        shown = {}
        for variant in CLASS:
            mapping = question_map(master.name, question, variant)
            assert sorted(mapping) == sorted(mapping.values()) == sorted(options), (question.id, mapping)
            shown[variant] = map_letters(answer, mapping)
        same = [v for v in CLASS if shown[v] == answer]
        assert 3 * len(same) <= len(CLASS), f"{master.name} {question.id}: {answer} stays in variants {same}"
        clash = [v for v in CLASS if v + 1 in shown and shown[v] == shown[v + 1]]
        assert not clash, f"{master.name} {question.id}: variants {clash} show the same letters as the next"


def test_a_multiple_answer_takes_every_set_of_letters():
    seen = {"".join(sorted(map_letters("AC", subset_map(list("ABCD"), "AC", i)))) for i in range(6)}
    assert seen == {"AB", "AC", "AD", "BC", "BD", "CD"}


def _fake(master, values: dict[int, dict]) -> dict[int, dict]:
    return {v: {q.id: answers.get(q.id, read_answers(master.name)["answers"][q.id]) for q in master.questions}
            for v, answers in values.items()}


def test_the_checker_flags_a_wrong_kind_and_a_question_that_barely_varies():
    master = next(m for m in MASTERS if m.name == "04-satisfaction")
    q1 = next(q for q in master.questions if q.id == "q1")
    assert q1.spec["kind"] == "number" and question_varies(q1)
    number = lambda x: {"type": "number", "value": x}  # noqa: E731
    # q1 varies in every variant: no problem for it
    good = _fake(master, {v: {"q1": number(10.0 + v)} for v in range(0, 13)})
    assert not [p for p in answer_problems(master, good) if p.question == "q1"]
    # variant 3's q1 is a text: a wrong kind, reported with its variant
    bad = _fake(master, {**{v: {"q1": number(10.0 + v)} for v in range(0, 13)}, 3: {"q1": {"type": "text", "value": "很多"}}})
    found = [p for p in answer_problems(master, bad) if p.question == "q1"]
    assert [(p.variant, "参考答案不符合题型要求" in str(p)) for p in found] == [(3, True)]
    # q1 the same as variant 0 (within ±0.1) in 6 of 12 variants: it varies too little
    flat = _fake(master, {v: {"q1": number(10.0 if v == 0 else 10.05 if v % 2 else 11.0 + v)} for v in range(0, 13)})
    found = [p for p in answer_problems(master, flat) if p.question == "q1"]
    assert len(found) == 1 and found[0].variant == 0 and "变化太少" in str(found[0]), found


@pytest.mark.parametrize("name", ["04-satisfaction", "10-complaints", "14-churn-relationships"])
def test_variants_5_to_8_of_real_exercises_are_sound(name):
    """Master runs for variants the other tests do not reach, checked and graded by the checker.
    04: the exercise that once gave 「q1 参考答案不符合题型要求」 above variant 4; 10 and 14: the
    multiple-answer questions whose letters the sweep found stuck. Cost: at most 4 master runs each
    (cached afterwards) and 4 graded runs each."""
    master = next(m for m in MASTERS if m.name == name)
    problems = [p for p in check_master(master, 8, workers=2, first=5) if p.variant]  # rates need 30
    assert not problems, "\n".join(map(str, problems))
