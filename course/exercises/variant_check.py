"""``python -m course assign --check-variants N``: are variants 1..N of each exercise sound?

The classroom hands out variants 1..30 (``course.classroom.variants``), the tests cover a few; a
trainer runs this before class. For every master and every variant it checks, in order:

1. the master runs for the variant and each reference answer fits its question's kind and shape
   (``compute_answers`` gates them; a cached answer is gated again, it may come from an older rule);
2. every varying question really varies: its answer is variant 0's, or the next variant's, in at
   most a third of the variants (the grader's own ``compare`` decides: an answer within the
   tolerance counts as the same, since a copied one would score);
3. (``grade=True``) the master of the variant, as ``assign --variant K --master`` writes it, graded
   by the real grader under its recorded variant, gets full marks. This is a second, independent
   master run per variant, so it also catches a master whose answers change from run to run.

Cost: one master run per variant whose answers are not cached yet, plus one graded run per variant
(about 2 s of one core each); 15 exercises × 30 variants is about 15–20 minutes on two cores.
"""
from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from course.core.i18n import CourseError, t
from course.exercises.answers import compare, gate
from course.exercises.master import Master
from course.exercises.reference import read_answers, reference_answers, source_hash
from course.exercises.variants import question_varies

RATE_FROM = 10  # how many variants it takes to judge how often a question's answer repeats


@dataclass(frozen=True)
class Problem:
    exercise: str
    variant: int
    question: str  # "" when the whole variant failed (the master did not run)
    detail: str
    # variant 0: a question's problem over all the variants checked (it varies too little)

    def __str__(self) -> str:
        if not self.variant:
            return t("assign.variant_problem_question", exercise=self.exercise, question=self.question,
                     detail=self.detail)
        return t("assign.variant_problem", exercise=self.exercise, variant=self.variant,
                 question=self.question or "—", detail=self.detail)


def _answers(master: Master, variants: list[int], workers: int) -> tuple[dict[int, dict], list[Problem]]:
    """variant -> reference answers (cache, else one master run each), and the variants that failed."""
    digest = source_hash(master)

    def one(variant):
        try:
            return variant, reference_answers(master, variant, digest)["answers"], None
        except CourseError as error:
            return variant, None, Problem(master.name, variant, "", str(error))

    found, problems = {}, []
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for variant, answers, problem in pool.map(one, variants):
            if problem:
                problems.append(problem)
            else:
                found[variant] = answers
    return found, problems


def answer_problems(master: Master, answers: dict[int, dict]) -> list[Problem]:
    """Checks 1 and 2 on reference answers already computed (variant 0 included in ``answers``)."""
    problems = []
    variants = sorted(v for v in answers if v)
    for variant in variants:
        for question in master.questions:
            shaped = gate(question.spec, answers[variant].get(question.id))
            if not shaped.passed:
                problems.append(Problem(master.name, variant, question.id,
                                        t("assign.variant_bad_answer", detail=shaped.message)))
    for question in master.questions:
        if question_varies(question):
            problems += _varies_too_little(master, question, answers, variants)
    return problems


def _same(question, answers, one: int, other: int) -> bool:
    a, b = answers[one].get(question.id), answers[other].get(question.id)
    return gate(question.spec, a).passed and gate(question.spec, b).passed and compare(question.spec, a, b).passed


def _varies_too_little(master, question, answers, variants) -> list[Problem]:
    """A varying question whose answer (within its tolerance) is variant 0's, or the next variant's,
    in more than a third of the variants: a neighbour's answer would too often score.
    A single-answer choice of four options shows variant 0's letter in about a quarter of the
    variants, a value picked from three (``variant_pick``) in a third: both are accepted. Judged from
    ``RATE_FROM`` variants on: with fewer, one coincidence is already a third."""
    pairs = [(v, v + 1) for v in variants if v + 1 in answers]
    as_base = sum(_same(question, answers, v, 0) for v in variants) if 0 in answers else 0
    as_next = sum(_same(question, answers, a, b) for a, b in pairs)
    if len(variants) < RATE_FROM or (3 * as_base <= len(variants) and 3 * as_next <= len(pairs)):
        return []
    return [Problem(master.name, 0, question.id,
                    t("assign.variant_varies_little", base=as_base, count=len(variants),
                      neighbours=as_next, pairs=len(pairs)))]


def grade_problems(master: Master, variants: list[int], workers: int) -> list[Problem]:
    """Check 3: the master of each variant, graded by the grader, loses no point."""
    from course.exercises.assign import write_variant
    from course.exercises.grading.cli import grade

    if not variants:
        return []
    with tempfile.TemporaryDirectory(prefix="variant-check-") as tmp:
        folder = Path(tmp) / "class"
        for variant in variants:
            write_variant(master.name, variant, folder / f"v{variant}.ipynb", as_master=True)
        results = grade(master.name, [folder], Path(tmp) / "out", workers=workers, show_progress=False,
                        no_sandbox=True)
    problems = []
    for result in results:
        variant = int(result["trainee"][1:])
        for row in result["rows"]:
            if row["points"] < row["max_points"]:
                problems.append(Problem(master.name, variant, row["question"],
                                        t("assign.variant_not_full", points=f"{row['points']:g}",
                                          max_points=f"{row['max_points']:g}", detail=row.get("message", ""))))
    return problems


def check_master(master: Master, count: int, workers: int = 2, grade: bool = True,
                 first: int = 1) -> list[Problem]:
    """Every problem of variants ``first``..``count`` of one exercise (an empty list: all sound)."""
    variants = list(range(first, count + 1))
    answers, problems = _answers(master, variants, workers)
    stored = read_answers(master.name)
    if stored is not None:
        answers[0] = stored["answers"]
    problems += answer_problems(master, answers)
    if grade:
        problems += grade_problems(master, sorted(v for v in answers if v), workers)
    return sorted(problems, key=lambda p: (p.variant, p.question))


def check_variants(masters: list[Master], count: int, workers: int = 2, grade: bool = True,
                   say=print) -> list[Problem]:
    problems = []
    for master in masters:
        found = check_master(master, count, workers, grade)
        for problem in found:
            say("❌ " + str(problem))
        say(t("assign.variants_checked", exercise=master.name, count=count, problems=len(found)))
        problems += found
    return problems
