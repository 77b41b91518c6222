"""A transparent, rule-based rubric for answers to customer objections (module M11).

The rubric and the objections live in ``course/objections.yaml`` so a trainer can read and edit
them. Each rubric item is a list of regular expressions; a response "shows" an item when any of
its patterns occurs in it. Good items (empathy, restating, value framing, offering options, asking
a question, giving a reason) earn points — double for the items an objection focuses on; the bad
item (blame, arguing, a flat brush-off) costs ``BLAME_PENALTY`` points.

    objection = get_objection("price")
    result = assess(objection, "理解您的顾虑……您看是……还是……？")
    result.score, result.rating, result.items      # 0–100, a Chinese rating, one row per item

Plain substring patterns instead of word segmentation: trainees can see exactly why a sentence
matched, and no dictionary has to load (jieba takes about a second on first use).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from course.core.i18n import CourseError, choices, t

GOOD_ITEMS = ("empathy", "restate", "value", "options", "question", "reason")
BAD_ITEMS = ("blame",)
FOCUS_WEIGHT, OTHER_WEIGHT = 2, 1
BLAME_PENALTY = 30
MIN_LENGTH = 10  # characters; shorter answers get a note to say more
RATINGS = ((80, "rating_strong"), (50, "rating_fair"), (0, "rating_weak"))


@dataclass(frozen=True)
class Objection:
    id: str
    topic: str
    customer: str
    focus: tuple[str, ...]
    technique: str
    responses: tuple[str, ...]
    model: int  # index of the model response


@dataclass(frozen=True)
class ItemResult:
    item: str
    label: str
    kind: str  # "good" | "bad"
    focus: bool
    hit: bool
    matches: tuple[str, ...]  # the words that matched, for the feedback
    points: int  # earned (negative for the bad item when hit)
    possible: int  # what a good item could earn (0 for the bad item)
    tip: str  # what to try when a good item is missing / the bad item is hit


@dataclass(frozen=True)
class Assessment:
    objection: str
    response: str
    items: tuple[ItemResult, ...]
    score: int  # 0–100
    rating: str
    too_short: bool

    def table(self):
        """The feedback as a table: 评分项, 重点, 做到, 命中词, 得分."""
        import pandas as pd

        from course.core.display import hide_columns, name_values

        table = pd.DataFrame([{
            "item": r.item, "label": r.label, "focus": r.focus, "hit": r.hit,
            "matches": "、".join(r.matches), "points": r.points, "possible": r.possible,
        } for r in self.items])
        # shown: each rubric item by its Chinese name once (code keeps the ids in ``item``)
        name_values(table, "item", dict(zip(table["item"], table["label"])))
        return hide_columns(table, {"label": "item"})


# ----------------------------------------------------------------------------------------------
# Loading the bank (validated once)
# ----------------------------------------------------------------------------------------------
def _bank_text() -> str:
    return (resources.files("course") / "objections.yaml").read_text(encoding="utf-8")


@cache
def _bank() -> tuple[dict, dict]:
    return parse_bank(_bank_text())


def parse_bank(text: str) -> tuple[dict, dict]:
    """(rubric, objections) from the YAML text; raises CourseError on anything malformed."""
    import yaml

    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        raise CourseError("objections.bad_yaml", detail=str(err).splitlines()[0]) from None
    rubric_raw, objections_raw = raw.get("rubric"), raw.get("objections")
    if not isinstance(rubric_raw, dict) or not isinstance(objections_raw, list) or not objections_raw:
        raise CourseError("objections.bad_layout")
    rubric = {}
    for item in (*GOOD_ITEMS, *BAD_ITEMS):
        spec = rubric_raw.get(item)
        if not isinstance(spec, dict) or not spec.get("patterns"):
            raise CourseError("objections.missing_item", item=item)
        expected = "good" if item in GOOD_ITEMS else "bad"
        if spec.get("kind") != expected:
            raise CourseError("objections.bad_kind", item=item, kind=spec.get("kind"), expected=expected)
        compiled = []
        for pattern in spec["patterns"]:
            try:
                compiled.append(re.compile(str(pattern)))
            except re.error as err:
                raise CourseError("objections.bad_pattern", item=item, pattern=pattern, detail=str(err)) from None
        rubric[item] = tuple(compiled)
    unknown = sorted(set(rubric_raw) - set(rubric))
    if unknown:
        raise CourseError("objections.unknown_items", items=choices(unknown),
                          valid=choices((*GOOD_ITEMS, *BAD_ITEMS)))
    objections = {}
    for number, body in enumerate(objections_raw, 1):
        objection = _objection(body, number)
        if objection.id in objections:
            raise CourseError("objections.duplicate_id", id=objection.id)
        objections[objection.id] = objection
    return rubric, objections


def _objection(body, number: int) -> Objection:
    if not isinstance(body, dict):
        raise CourseError("objections.bad_entry", number=number)
    for key in ("id", "topic", "customer", "technique"):
        if not isinstance(body.get(key), str) or not body[key].strip():
            raise CourseError("objections.missing_field", number=number, key=key)
    focus = body.get("focus") or []
    wrong = [f for f in focus if f not in GOOD_ITEMS]
    if not focus or wrong:
        raise CourseError("objections.bad_focus", id=body["id"], wrong=choices(wrong) or "—",
                          valid=choices(GOOD_ITEMS))
    responses = body.get("responses") or []
    texts = [r.get("text") if isinstance(r, dict) else None for r in responses]
    if len(texts) < 2 or not all(isinstance(x, str) and x.strip() for x in texts):
        raise CourseError("objections.bad_responses", id=body["id"])
    models = [i for i, r in enumerate(responses) if r.get("model") is True]
    if len(models) != 1:
        raise CourseError("objections.one_model", id=body["id"], count=len(models))
    return Objection(id=body["id"], topic=body["topic"].strip(), customer=body["customer"].strip(),
                     focus=tuple(dict.fromkeys(focus)), technique=body["technique"].strip(),
                     responses=tuple(x.strip() for x in texts), model=models[0])


def objections() -> dict[str, Objection]:
    """Every objection in the bank, by id, in file order."""
    return dict(_bank()[1])


def get_objection(objection) -> Objection:
    if isinstance(objection, Objection):
        return objection
    bank = _bank()[1]
    if objection not in bank:
        raise CourseError("objections.unknown_objection", id=objection, valid=choices(bank))
    return bank[objection]


def objection_table():
    """The bank as a table: ``id``, ``topic``, ``customer``, ``focus`` (Chinese labels). The id is
    for code (``assess("price", …)``); the table shown names each objection by its topic only."""
    import pandas as pd

    from course.core.display import hide_columns

    table = pd.DataFrame([{
        "id": o.id, "topic": o.topic, "customer": o.customer,
        "focus": "、".join(item_label(f) for f in o.focus),
    } for o in _bank()[1].values()])
    return hide_columns(table, {"id": "topic"})


def item_label(item: str) -> str:
    return t(f"objections.item_{item}")


# ----------------------------------------------------------------------------------------------
# The rubric
# ----------------------------------------------------------------------------------------------
def find(item: str, response: str, rubric: dict | None = None) -> tuple[str, ...]:
    """The distinct pieces of ``response`` that match rubric item ``item`` (empty: no match)."""
    rubric = _bank()[0] if rubric is None else rubric
    if item not in rubric:
        raise CourseError("objections.unknown_item", item=item, valid=choices(rubric))
    found = []
    for pattern in rubric[item]:
        for match in pattern.finditer(response):
            if match.group(0) not in found:
                found.append(match.group(0))
    return tuple(found)


def assess(objection, response: str, rubric: dict | None = None) -> Assessment:
    """Score ``response`` (the trainee's words) against the rubric for ``objection``."""
    objection = get_objection(objection)
    if not isinstance(response, str):
        raise CourseError("objections.need_text", kind=type(response).__name__)
    rubric = _bank()[0] if rubric is None else rubric
    text = response.strip()
    results, earned, possible = [], 0, 0
    for item in GOOD_ITEMS:
        weight = FOCUS_WEIGHT if item in objection.focus else OTHER_WEIGHT
        matches = find(item, text, rubric)
        points = weight if matches else 0
        earned, possible = earned + points, possible + weight
        results.append(ItemResult(item=item, label=item_label(item), kind="good",
                                  focus=item in objection.focus, hit=bool(matches), matches=matches,
                                  points=points, possible=weight,
                                  tip="" if matches else t(f"objections.tip_{item}")))
    blame = find("blame", text, rubric)
    penalty = -BLAME_PENALTY if blame else 0
    results.append(ItemResult(item="blame", label=item_label("blame"), kind="bad", focus=False,
                              hit=bool(blame), matches=blame, points=penalty, possible=0,
                              tip=t("objections.tip_blame") if blame else ""))
    raw = round(100 * earned / possible) + penalty
    score = max(0, min(100, raw))
    rating = next(t(f"objections.{key}") for low, key in RATINGS if score >= low)
    return Assessment(objection=objection.id, response=text, items=tuple(results), score=score,
                      rating=rating, too_short=len(text) < MIN_LENGTH)


__all__ = ["Objection", "Assessment", "ItemResult", "GOOD_ITEMS", "BAD_ITEMS", "BLAME_PENALTY",
           "objections", "get_objection", "objection_table", "item_label", "find", "assess",
           "parse_bank"]
