"""Phrase banks for the Chinese free-text tables of 「悦家优选」 (used by ``course.data.texts``).

The words are data, kept in ``course/data/vocab/texts.yaml``; this module loads them once and
offers them as module constants (lists become tuples, so nothing can change them by accident).
Pain points are listed from most to least frequent: ``texts`` gives them Zipf-like weights, so a
Pareto chart of complaints shows a few dominant issues.
"""
from __future__ import annotations

from importlib import resources

import yaml

from course.core.vocab import CUSTOMER_TYPES, SATISFACTION  # noqa: F401 (re-exported: shared with the analytics)


def _frozen(value):
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


_BANKS = _frozen(yaml.safe_load(
    (resources.files("course.data") / "vocab" / "texts.yaml").read_text(encoding="utf-8")))
globals().update(_BANKS)
__all__ = sorted([*_BANKS, "CUSTOMER_TYPES", "SATISFACTION"])
