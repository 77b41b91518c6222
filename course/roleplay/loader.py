"""Reading and validating role-play scenario files (YAML or JSON).

The files in ``course/roleplay/scenarios/`` are data a trainer may edit. Every mistake a person
can make in them — a missing field, a typo in a step name, a reply that points at a node that does
not exist, a loop, a node nobody can reach — is reported in Chinese with the file and the place,
before any trainee sees the scenario.

File layout (YAML shown; JSON with the same keys works too)::

    id: late_installation          # = the file name without extension
    title: 空调安装一拖再拖
    customer: 刘先生，……            # who the customer is
    setting: ……                    # the situation, shown before the first turn
    start_mood: 25                 # 0 (furious) … 100 (delighted)
    start: t1
    nodes:
      t1:
        say: 客户说的话              # or scene: 旁白
        choices:
          - reply: 学员可选的回应
            mood: 15               # change of mood, −50 … 50
            steps: [listen]        # of: listen apologise diagnose solve agree follow_through review
            upholds: [objectivity] # of: authority timeliness objectivity reasonableness
            breaks: []
            why: 这样回应为什么好或不好
            next: t2               # or a list of rules: [{min_mood: 60, to: t3}, {to: t3b}]
      end_ok:
        say: 客户最后的话
        ending: resolved           # resolved | partial | escalated | lost
        summary: 这个结局意味着什么
"""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from course.core.i18n import CourseError, choices, t
from course.roleplay.model import (
    MAX_MOOD_STEP,
    MOOD_MAX,
    MOOD_MIN,
    OUTCOMES,
    PRINCIPLES,
    STEPS,
    Choice,
    Node,
    Rule,
    Scenario,
)

SUFFIXES = (".yaml", ".yml", ".json")
TOP_KEYS = {"id", "title", "customer", "setting", "start_mood", "start", "nodes"}
NODE_KEYS = {"say", "scene", "choices", "ending", "summary"}
CHOICE_KEYS = {"reply", "mood", "steps", "upholds", "breaks", "why", "next"}
RULE_KEYS = {"to", "min_mood"}


def scenario_dir():
    return resources.files("course.roleplay") / "scenarios"


def scenario_files() -> list:
    """The packaged scenario files, sorted by name."""
    return sorted((p for p in scenario_dir().iterdir() if p.name.endswith(SUFFIXES)),
                  key=lambda p: p.name)


@cache
def load_scenarios() -> dict[str, Scenario]:
    """Every packaged scenario by id (validated; read once per process)."""
    found = {}
    for path in scenario_files():
        scenario = parse_scenario(path.read_text(encoding="utf-8"), path.name)
        if scenario.id in found:
            raise CourseError("roleplay.duplicate_id", file=path.name, id=scenario.id)
        found[scenario.id] = scenario
    return found


def load_scenario(source) -> Scenario:
    """One scenario: a packaged id such as ``"late_installation"`` or a path to a file."""
    if isinstance(source, Path) or (isinstance(source, str) and source.endswith(SUFFIXES)):
        path = Path(source)
        if not path.is_file():
            raise CourseError("roleplay.no_file", path=str(path))
        return parse_scenario(path.read_text(encoding="utf-8-sig"), path.name)
    scenarios = load_scenarios()
    if source not in scenarios:
        raise CourseError("roleplay.unknown_scenario", id=source, valid=choices(scenarios))
    return scenarios[source]


# ----------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------
def parse_scenario(text: str, file: str = "<text>") -> Scenario:
    """Parse and validate one scenario file's text; ``file`` names it in error messages."""
    raw = _read(text, file)
    if not isinstance(raw, dict):
        raise CourseError("roleplay.not_a_mapping", file=file)
    _keys(raw, TOP_KEYS, file, t("roleplay.where_top"))
    missing = [k for k in ("id", "title", "customer", "setting", "start_mood", "start", "nodes")
               if k not in raw]
    if missing:
        raise CourseError("roleplay.missing_keys", file=file, where=t("roleplay.where_top"), missing=choices(missing))
    stem = Path(file).stem
    sid = _text(raw, "id", file, t("roleplay.where_top"))
    if file != "<text>" and sid != stem:
        raise CourseError("roleplay.id_not_file_name", file=file, id=sid, stem=stem)
    start_mood = _int(raw["start_mood"], MOOD_MIN, MOOD_MAX, file, "start_mood")
    nodes_raw = raw["nodes"]
    if not isinstance(nodes_raw, dict) or not nodes_raw:
        raise CourseError("roleplay.no_nodes", file=file)
    nodes = {str(nid): _node(str(nid), body, file) for nid, body in nodes_raw.items()}
    scenario = Scenario(
        id=sid,
        title=_text(raw, "title", file, t("roleplay.where_top")),
        customer=_text(raw, "customer", file, t("roleplay.where_top")),
        setting=_text(raw, "setting", file, t("roleplay.where_top")),
        start_mood=start_mood,
        start=str(raw["start"]),
        nodes=nodes,
    )
    _check_graph(scenario, file)
    return scenario


def _read(text: str, file: str):
    if file.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise CourseError("roleplay.bad_syntax", file=file, line=err.lineno, detail=err.msg) from None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        detail = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise CourseError("roleplay.bad_syntax", file=file, line=line, detail=detail) from None


def _node(nid: str, body, file: str) -> Node:
    where = t("roleplay.where_node", node=nid)
    if not isinstance(body, dict):
        raise CourseError("roleplay.node_not_mapping", file=file, node=nid)
    _keys(body, NODE_KEYS, file, where)
    say, scene = body.get("say", ""), body.get("scene", "")
    if not any(isinstance(v, str) and v.strip() for v in (say, scene)):
        raise CourseError("roleplay.node_no_text", file=file, node=nid)
    has_choices, ending = "choices" in body, body.get("ending")
    if has_choices == (ending is not None):
        raise CourseError("roleplay.node_choices_or_ending", file=file, node=nid)
    if ending is not None:
        if ending not in OUTCOMES:
            raise CourseError("roleplay.bad_ending", file=file, node=nid, ending=ending,
                              valid=choices(OUTCOMES))
        return Node(id=nid, say=str(say or ""), scene=str(scene or ""), ending=ending,
                    summary=_text(body, "summary", file, where))
    raw_choices = body["choices"]
    if not isinstance(raw_choices, list) or len(raw_choices) < 2:
        raise CourseError("roleplay.too_few_choices", file=file, node=nid)
    parsed = tuple(_choice(c, file, nid, i + 1) for i, c in enumerate(raw_choices))
    return Node(id=nid, say=str(say or ""), scene=str(scene or ""), choices=parsed)


def _choice(body, file: str, nid: str, number: int) -> Choice:
    where = t("roleplay.where_choice", node=nid, number=number)
    if not isinstance(body, dict):
        raise CourseError("roleplay.choice_not_mapping", file=file, where=where)
    _keys(body, CHOICE_KEYS, file, where)
    missing = [k for k in ("reply", "mood", "why", "next") if k not in body]
    if missing:
        raise CourseError("roleplay.missing_keys", file=file, where=where, missing=choices(missing))
    steps = _names(body.get("steps", []), STEPS, file, where, "steps")
    upholds = _names(body.get("upholds", []), PRINCIPLES, file, where, "upholds")
    breaks = _names(body.get("breaks", []), PRINCIPLES, file, where, "breaks")
    both = sorted(set(upholds) & set(breaks))
    if both:
        raise CourseError("roleplay.upholds_and_breaks", file=file, where=where, names=choices(both))
    return Choice(
        reply=_text(body, "reply", file, where),
        mood=_int(body["mood"], -MAX_MOOD_STEP, MAX_MOOD_STEP, file, t("roleplay.where_field", where=where, key="mood")),
        why=_text(body, "why", file, where),
        next=_rules(body["next"], file, where),
        steps=steps,
        upholds=upholds,
        breaks=breaks,
    )


def _rules(value, file: str, where: str) -> tuple[Rule, ...]:
    if isinstance(value, str) and value.strip():
        return (Rule(to=value.strip()),)
    if not isinstance(value, list) or not value:
        raise CourseError("roleplay.bad_next", file=file, where=where)
    rules = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or "to" not in item:
            raise CourseError("roleplay.bad_next", file=file, where=where)
        _keys(item, RULE_KEYS, file, where)
        last = i == len(value) - 1
        if last != ("min_mood" not in item):  # only the last rule is the default
            raise CourseError("roleplay.bad_rule_order", file=file, where=where)
        low = None if last else _int(item["min_mood"], MOOD_MIN, MOOD_MAX, file, t("roleplay.where_field", where=where, key="min_mood"))
        rules.append(Rule(to=str(item["to"]), min_mood=low))
    return tuple(rules)


def _check_graph(scenario: Scenario, file: str) -> None:
    nodes = scenario.nodes
    if scenario.start not in nodes:
        raise CourseError("roleplay.unknown_start", file=file, start=scenario.start,
                          valid=choices(nodes))
    for node in nodes.values():
        for number, choice in enumerate(node.choices, 1):
            for rule in choice.next:
                if rule.to not in nodes:
                    raise CourseError("roleplay.unknown_target", file=file, node=node.id,
                                      number=number, target=rule.to)
    # Depth-first walk: finds nodes on a loop (a conversation that never ends) and unreachable ones.
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(nid: str, path: list[str]) -> None:
        state[nid] = 1
        for choice in nodes[nid].choices:
            for rule in choice.next:
                if state.get(rule.to) == 1:
                    loop = path[path.index(rule.to):] + [nid, rule.to] if rule.to in path else [nid, rule.to]
                    raise CourseError("roleplay.loop", file=file, path=" → ".join(dict.fromkeys(loop)))
                if rule.to not in state:
                    visit(rule.to, path + [nid])
        state[nid] = 2

    visit(scenario.start, [])
    unreachable = [nid for nid in nodes if nid not in state]
    if unreachable:
        raise CourseError("roleplay.unreachable", file=file, nodes=choices(unreachable))


# ----------------------------------------------------------------------------------------------
# Small field checks
# ----------------------------------------------------------------------------------------------
def _keys(body: dict, allowed: set, file: str, where: str) -> None:
    unknown = sorted(str(k) for k in body if k not in allowed)
    if unknown:
        raise CourseError("roleplay.unknown_keys", file=file, where=where, keys=choices(unknown),
                          valid=choices(sorted(allowed)))


def _text(body: dict, key: str, file: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CourseError("roleplay.need_text", file=file, where=where, key=key)
    return value.strip()


def _int(value, low: int, high: int, file: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CourseError("roleplay.bad_number", file=file, what=what, value=value, low=low, high=high)
    return value


def _names(value, valid: tuple, file: str, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CourseError("roleplay.need_list", file=file, where=where, key=key)
    wrong = [str(v) for v in value if v not in valid]
    if wrong:
        raise CourseError("roleplay.unknown_names", file=file, where=where, key=key,
                          names=choices(wrong), valid=choices(valid))
    return tuple(dict.fromkeys(value))
