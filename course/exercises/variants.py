"""Per-trainee variants (issue 19): small, reproducible choices that depend on the variant number.

Variant 0 is the exercise as written (today's data and answers); variant k > 0 is trainee k's copy.
A master reads its variant from a papermill ``parameters`` cell (``variant = 0``) and draws on it:

* data: ``load("orders", variant=variant)`` — a reproducible ~85 % sample of the company
  (see ``course.data``);
* a value named in a prompt: ``variant_pick(["C00264", "C00952", "C01156"], variant)`` — variant 0
  gets the first item, so today's exercise is unchanged;
* another analysis date: ``variant_date(variant)`` — 2025-01-01 for variant 0, one to six months
  earlier for the others.

Choice options are shuffled by ``assign`` (``option_shift``), not by the master.
All of this is pure arithmetic on the variant number: no randomness that depends on the machine.
"""
from __future__ import annotations

import hashlib

import pandas as pd

from course.core.i18n import CourseError


def _check(variant) -> int:
    if isinstance(variant, bool) or not isinstance(variant, int) or variant < 0:
        raise CourseError("data.bad_variant", value=variant)
    return variant


def variant_pick(items, variant: int):
    """One item of ``items`` for this variant: the first for variant 0; neighbouring variants
    always get different items (when there are at least two)."""
    items = list(items)
    variant = _check(variant)
    if not items:
        raise CourseError("data.bad_variant", value=f"variant_pick([], {variant})")
    return items[variant % len(items)]


def variant_date(variant: int, base: str | pd.Timestamp = "2025-01-01") -> pd.Timestamp:
    """The analysis date of this variant: ``base`` for variant 0, else 1–6 whole months earlier."""
    variant = _check(variant)
    base = pd.Timestamp(base)
    if variant == 0:
        return base
    return base - pd.DateOffset(months=(variant - 1) % 6 + 1)


def _stable(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def option_shift(exercise: str, question_id: str, variant: int, count: int) -> int:
    """How far the options of one choice question rotate in this variant (0 for variant 0).

    A rotation keeps every option's neighbours, and two neighbouring variants always rotate by
    different amounts, so the same answer sits under different letters for trainees k and k+1.
    """
    variant = _check(variant)
    if variant == 0 or count < 2:
        return 0
    return (variant + _stable(f"{exercise}:{question_id}")) % count


def letter_map(options: list[str], shift: int) -> dict[str, str]:
    """Original letter -> letter shown in the variant, for options rotated by ``shift``."""
    n = len(options)
    return {letter: options[(i + shift) % n] for i, letter in enumerate(options)}


__all__ = ["letter_map", "option_shift", "variant_date", "variant_pick"]
