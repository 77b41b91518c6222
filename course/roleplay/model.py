"""The role-play simulator's data types: a scenario is a graph of dialogue nodes.

A *node* is one moment of the conversation: what the customer says (``say``) or what happens
(``scene``), and either the replies the trainee can pick (``choices``) or an ``ending``. A *choice*
carries the reply text, how it moves the customer's mood, which of the seven handling steps it
practises, which of the four principles it upholds or breaks, why (``why``), and where the
conversation goes next — one node, or a list of mood rules (the first rule whose ``min_mood`` the
mood reaches wins; the last rule has no ``min_mood``).

Everything is frozen: the engine never changes a scenario or a state, it returns new states.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

# The seven handling steps, in order, and the four principles (ids used in the scenario files).
STEPS = ("listen", "apologise", "diagnose", "solve", "agree", "follow_through", "review")
PRINCIPLES = ("authority", "timeliness", "objectivity", "reasonableness")
OUTCOMES = ("resolved", "partial", "escalated", "lost")
MOOD_MIN, MOOD_MAX = 0, 100
MAX_MOOD_STEP = 50  # one reply moves the mood by at most this much either way


@dataclass(frozen=True)
class Rule:
    to: str
    min_mood: int | None = None  # None: the default rule


@dataclass(frozen=True)
class Choice:
    reply: str
    mood: int
    why: str
    next: tuple[Rule, ...]
    steps: tuple[str, ...] = ()
    upholds: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    id: str
    say: str = ""  # the customer's words
    scene: str = ""  # narration: what happens, e.g. after the call
    choices: tuple[Choice, ...] = ()
    ending: str | None = None  # one of OUTCOMES on an ending node
    summary: str = ""  # what the ending means, shown at the end

    @property
    def is_ending(self) -> bool:
        return self.ending is not None


@dataclass(frozen=True, eq=False)
class Scenario:
    id: str
    title: str
    customer: str
    setting: str
    start_mood: int
    start: str
    nodes: Mapping[str, Node]

    def __post_init__(self):  # a read-only view: a scenario is shared by every widget and test
        object.__setattr__(self, "nodes", MappingProxyType(dict(self.nodes)))


@dataclass(frozen=True)
class Turn:
    node: str
    choice: int
    mood_before: int
    mood_after: int


@dataclass(frozen=True)
class State:
    scenario: str
    node: str
    mood: int
    turns: tuple[Turn, ...] = ()
