"""Per-trainee variants (issue 19): small, reproducible choices that depend on the variant number.

Variant 0 is the exercise as written (today's data and answers); variant k > 0 is trainee k's copy.
A master reads its variant from a papermill ``parameters`` cell (``variant = 0``) and draws on it:

* data: ``load("orders", variant=variant)`` — a reproducible ~85 % sample of the company
  (see ``course.data``);
* a value named in a prompt: ``variant_pick(["C00264", "C00952", "C01156"], variant)`` — variant 0
  gets the first item, so today's exercise is unchanged;
* another analysis date: ``variant_date(variant)`` — 2025-01-01 for variant 0, one to six months
  earlier for the others.

Choice options are moved by ``assign`` (``shuffle_cells``), not by the master — rotated for a single
answer, moved onto another set of letters for a multiple one (``question_map``) — and the reference
answer's letters follow them (``remap_answer``). All of this is pure arithmetic on the variant number
and a hash of names: no randomness that depends on the machine, so the trainee's copy, the reference
answers and the grader always agree.
"""
from __future__ import annotations

import hashlib
import itertools
import re

import pandas as pd

from course.core.i18n import CourseError

# How choice options move per variant. Cached reference answers of variants k > 0 hold the moved
# letters, so they are current only if they were computed under this scheme (reference.is_current);
# raise it whenever question_map changes. 2: a multiple answer moves by subset_map, not a rotation.
SHUFFLE_SCHEME = 2

# ``- A. text`` (also ``*``, full-width ``．``, ``、``, ``：``, ``）``): one option line of a choice question
OPTION_LINE = re.compile(r"^(?P<lead>\s*[-*]\s*)(?P<letter>[A-Z])(?P<sep>\s*[\.．、:：)）]\s*)(?P<text>.*)$")


def _valid_variant(variant) -> int:
    """``variant`` itself when it is a whole number ≥ 0 (``True`` is not one), else a Chinese error."""
    if isinstance(variant, bool) or not isinstance(variant, int) or variant < 0:
        raise CourseError("data.bad_variant", value=variant)
    return variant


# ---------- what a master draws on (lessons may import these through course.DOORS) ----------

def variant_pick(items, variant: int):
    """One item of ``items`` for this variant: the first for variant 0; neighbouring variants
    always get different items (when there are at least two)."""
    items = list(items)
    variant = _valid_variant(variant)
    if not items:
        raise CourseError("data.bad_variant", value=f"variant_pick([], {variant})")
    return items[variant % len(items)]


def variant_date(variant: int, base: str | pd.Timestamp = "2025-01-01") -> pd.Timestamp:
    """The analysis date of this variant: ``base`` for variant 0, else 1–6 whole months earlier."""
    variant = _valid_variant(variant)
    base = pd.Timestamp(base)
    if variant == 0:
        return base
    return base - pd.DateOffset(months=(variant - 1) % 6 + 1)


def _stable(text: str) -> int:
    """A hash that is the same in every process and on every machine (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def stable_variant(trainee: str, count: int = 30) -> int:
    """A trainee's variant (1..count) from their hub identity: the same on every machine and every
    day, so the classroom can assign and grade without storing a roster."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise CourseError("data.bad_variant", value=count)
    return _stable(f"trainee|{trainee}") % count + 1


def question_varies(question) -> bool:
    """Whether a question's answer is expected to change between variants: not ``varies: false``,
    and not a role-play record (that answer is the trainee's own path, whatever the variant)."""
    return question.spec.get("varies") is not False and question.spec.get("kind") != "record"


# ---------- rotating choice options per variant (used by assign, reference and the grader) ----------

def option_shift(exercise: str, question_id: str, variant: int, count: int) -> int:
    """How far the options of one choice question rotate in this variant (0 for variant 0).

    A rotation keeps every option's neighbours, and two neighbouring variants always rotate by
    different amounts, so the same answer sits under different letters for trainees k and k+1.
    The hash of the question makes different questions of one variant rotate differently.
    """
    variant = _valid_variant(variant)
    if variant == 0 or count < 2:
        return 0
    return (variant + _stable(f"{exercise}:{question_id}")) % count


def letter_map(options: list[str], shift: int) -> dict[str, str]:
    """Original letter -> letter shown in the variant, for options rotated by ``shift``."""
    n = len(options)
    return {letter: options[(i + shift) % n] for i, letter in enumerate(options)}


def option_lines(question) -> tuple[int, list[int]] | None:
    """Where a choice question lists its options (``- A. …`` lines in one markdown cell):
    (cell position within the question, line numbers), or None when they are not listed so."""
    options = question.spec.get("options") or list("ABCD")
    for position, cell in enumerate(question.cells):
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        found = [(i, m["letter"]) for i, line in enumerate(lines) if (m := OPTION_LINE.match(line))]
        if [letter for _, letter in found] == list(options):
            return position, [i for i, _ in found]
    return None


def solution_literal(question) -> re.Pattern:
    """The master's answer line of a choice question, ``qN = "B"  # SOLUTION`` (letters in ``letters``)."""
    return re.compile(rf"^(?P<head>\s*{re.escape(question.id)}\s*=\s*)(?P<q>[\"'])(?P<letters>[A-Za-z]+)(?P=q)"
                      rf"(?P<tail>\s*#\s*SOLUTION\s*)$")


def shuffles(question) -> bool:
    """A choice question is shuffled per variant unless it says ``varies: false``, does not list its
    options as ``- A. …`` lines, or its solution is not a literal ``qN = "B"  # SOLUTION``
    (then the letters could not be remapped safely, so the options stay as written)."""
    if question.spec.get("kind") != "choice" or question.spec.get("varies") is False:
        return False
    if option_lines(question) is None:
        return False
    pattern = solution_literal(question)
    return any(pattern.match(line) for c in question.cells if c.cell_type == "code"
               for line in c.source.splitlines())


def solution_letters(question) -> str:
    """The letters of the master's literal answer (``qN = "AC"  # SOLUTION``), "" when there is none."""
    pattern = solution_literal(question)
    for cell in question.cells:
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if m := pattern.match(line):
                    return "".join(sorted(set(m["letters"].upper())))
    return ""


def subset_map(options: list[str], answer: str, index: int) -> dict[str, str]:
    """Original letter -> shown letter that puts the answer's letters on the ``index``-th set of as
    many letters (in ``itertools.combinations`` order), keeping the order within the answer's options
    and within the others.

    Why not a rotation for a multiple answer: a rotation by half the options maps ``AC`` onto
    itself, so half of all variants would show variant 0's letters and the letters would take only
    two values; here every set of as many letters is used in turn (six for two of four options).
    """
    targets = list(itertools.combinations(options, len(answer)))
    target = targets[index % len(targets)]
    others = [o for o in options if o not in answer]
    rest = [o for o in options if o not in target]
    return {**dict(zip(answer, target)), **dict(zip(others, rest))}


def question_map(exercise: str, question, variant: int) -> dict[str, str] | None:
    """Master letter -> variant letter for one question, or None when it is not shuffled.

    A single answer rotates (``option_shift``); a multiple answer moves to another set of letters
    (``subset_map``). Either way neighbouring variants show the answer under different letters."""
    if not variant or not shuffles(question):
        return None
    options = list(question.spec.get("options") or "ABCD")
    answer = solution_letters(question)
    if question.spec.get("multiple") and 0 < len(answer) < len(options) and set(answer) <= set(options):
        count = len(list(itertools.combinations(options, len(answer))))
        index = (variant + _stable(f"{exercise}:{question.id}")) % count
        return subset_map(options, answer, index)
    return letter_map(options, option_shift(exercise, question.id, variant, len(options)))


def map_letters(letters: str, mapping: dict[str, str]) -> str:
    """The letters of one answer (``"AC"``) in the variant's letters, sorted like a trainee's answer."""
    return "".join(sorted(mapping.get(ch, ch) for ch in letters))


def remap_answer(master, question, variant: int, plain: dict) -> dict:
    """A reference answer in the variant's letters (unchanged unless the question is shuffled)."""
    mapping = question_map(master.name, question, variant)
    if mapping is None or plain.get("type") != "text":
        return plain
    return {**plain, "value": map_letters(str(plain["value"]).upper(), mapping)}


def shuffle_cells(master, question, variant: int, cells: list) -> list:
    """Copies of the question's cells with the option lines rotated and, in solution literals, the
    letters remapped. ``cells`` are already copies (changed in place and returned)."""
    mapping = question_map(master.name, question, variant)
    if mapping is None:
        return cells
    position, numbers = option_lines(question)
    lines = cells[position].source.splitlines()
    matches = {n: OPTION_LINE.match(lines[n]) for n in numbers}
    shown_to_master = {new: old for old, new in mapping.items()}
    options = list(question.spec.get("options") or "ABCD")
    texts = {m["letter"]: m["text"] for m in matches.values()}
    # the letters stay in order down the list; each line takes the text its new letter maps from
    for n, letter in zip(numbers, options):
        m = matches[n]
        lines[n] = f"{m['lead']}{letter}{m['sep']}{texts[shown_to_master[letter]]}"
    cells[position].source = "\n".join(lines) + ("\n" if cells[position].source.endswith("\n") else "")
    pattern = solution_literal(question)
    for cell in cells:
        if cell.cell_type == "code":
            cell.source = "\n".join(
                (f"{m['head']}{m['q']}{map_letters(m['letters'].upper(), mapping)}{m['q']}{m['tail']}"
                 if (m := pattern.match(line)) else line) for line in cell.source.splitlines())
    return cells


def variant_feedback(master, question, variant: int) -> dict[str, str]:
    """The per-option feedback keyed by the letters this variant shows."""
    feedback = {str(k): v for k, v in (question.spec.get("feedback") or {}).items()}
    mapping = question_map(master.name, question, variant)
    return {mapping.get(k, k): v for k, v in feedback.items()} if mapping else feedback
