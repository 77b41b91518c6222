"""Answer kinds: how an answer is turned into plain data, checked, fingerprinted and compared.

The trainee-side ``check()`` and the grader both judge answers through these pure functions, so a
question is judged the same way in the notebook and in the gradebook. Answers travel as plain data
(``to_plain``): numbers, strings, lists and tables as columns + rows — never as Python objects.
"""
from __future__ import annotations

import hashlib
import math
import unicodedata
from dataclasses import dataclass

from course.core.i18n import choices, t

# the one encoder of answers: tests types by identity (the grader runs its source in the kernel too)
from course.exercises.grading.export import export_value as to_plain  # noqa: F401

KINDS = ("choice", "number", "text", "table", "record")  # record: a role-play record code (text)


@dataclass(frozen=True)
class Verdict:
    score: float  # 0 … 1
    message: str  # one Chinese sentence for the trainee

    @property
    def passed(self) -> bool:
        return self.score >= 1.0


def is_blank(plain: dict | None) -> bool:
    return plain is None or plain.get("type") in ("blank", "missing")


# ---------- reading an answer as a kind ----------

def _describe(plain: dict) -> str:
    return t(f"answers.type_{plain.get('type', 'unsupported')}")


def read_number(plain: dict) -> float | None:
    if plain.get("type") == "number" and isinstance(plain.get("value"), (int, float)):
        value = float(plain["value"])
        return value if math.isfinite(value) else None
    if plain.get("type") == "text":
        text = str(plain["value"]).strip().replace(",", "").replace("，", "").rstrip("元").lstrip("¥")
        try:
            value = float(text)
        except ValueError:
            return None
        return value if math.isfinite(value) else None
    return None


def read_choice(plain: dict) -> str | None:
    if plain.get("type") == "text":
        raw = plain["value"]
    elif plain.get("type") == "list" and all(isinstance(v, str) for v in plain["value"]):
        raw = "".join(plain["value"])
    else:
        return None
    letters = {ch for ch in unicodedata.normalize("NFKC", raw).upper() if ch.isalpha()}
    return "".join(sorted(letters)) if letters and all(ch.isascii() for ch in letters) else None


def normalise_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


# ---------- public gates: type and shape, no knowledge of the answer needed ----------

def gate(spec: dict, plain: dict | None) -> Verdict:
    """Is the answer of the right kind and shape? Score 1 or 0, with the reason."""
    if is_blank(plain):
        return Verdict(0.0, t("answers.blank"))
    kind = spec["kind"]
    if kind == "number":
        if read_number(plain) is None:
            return Verdict(0.0, t("answers.need_number", got=_describe(plain)))
    elif kind == "choice":
        letters = read_choice(plain)
        options = spec.get("options") or list("ABCD")
        if letters is None:
            return Verdict(0.0, t("answers.need_choice", options=choices(options), got=_describe(plain)))
        invalid = [ch for ch in letters if ch not in options]
        if invalid:
            return Verdict(0.0, t("answers.invalid_option", invalid=choices(invalid), options=choices(options)))
        if not spec.get("multiple") and len(letters) > 1:
            return Verdict(0.0, t("answers.single_only"))
    elif kind in ("text", "record"):
        if plain.get("type") != "text" or not normalise_text(plain["value"]):
            return Verdict(0.0, t("answers.need_text", got=_describe(plain)))
    elif kind == "table":
        if plain.get("type") != "table":
            return Verdict(0.0, t("answers.need_table", got=_describe(plain)))
        missing = [c for c in spec.get("columns", []) if c not in plain["columns"]]
        if missing:
            return Verdict(0.0, t("answers.missing_columns", missing=choices(missing),
                                  found=choices(plain["columns"]) or "—"))
        if "rows" in spec and len(plain["rows"]) != spec["rows"]:
            return Verdict(0.0, t("answers.row_count", expected=spec["rows"], got=len(plain["rows"])))
    return Verdict(1.0, t("answers.shape_ok"))


# ---------- fingerprints: let check() confirm an answer without shipping the answer ----------

def salt(exercise: str, question_id: str, variant: int = 0) -> str:
    """Fingerprint salt; each variant has its own, so a digest never tells across variants."""
    return f"{exercise}:{question_id}" + (f":v{variant}" if variant else "")


def _digest(salt: str, text: str) -> str:
    return hashlib.sha256(f"{salt}|{text}".encode()).hexdigest()[:24]


def _number_step(spec: dict) -> float:
    return float(spec.get("tolerance", 0.01)) or 1e-9


def _table_key_values(spec: dict, plain: dict) -> list[str] | None:
    key = spec.get("key")
    if not key or key not in plain["columns"]:
        return None
    index = plain["columns"].index(key)
    return sorted(str(row[index]) for row in plain["rows"])


def fingerprint(spec: dict, reference: dict, salt: str) -> list[str]:
    """Salted digests of the reference answer (what the exercise ships instead of the answer)."""
    kind = spec["kind"]
    if kind == "record":  # any finished path is an answer: check() replays it instead
        return []
    if kind == "number":
        return [_digest(salt, str(round(read_number(reference) / _number_step(spec))))]
    if kind == "choice":
        return [_digest(salt, read_choice(reference))]
    if kind == "text":
        accepted = [reference["value"], *spec.get("accept", [])]
        return sorted({_digest(salt, normalise_text(a)) for a in accepted})
    keys = _table_key_values(spec, reference)
    return [_digest(salt, "\x1f".join(keys))] if keys is not None else []


def matches_fingerprint(spec: dict, plain: dict, digests: list[str], salt: str) -> bool:
    if not digests:
        return True
    kind = spec["kind"]
    if kind == "number":
        nearest = round(read_number(plain) / _number_step(spec))
        # one step either side, so a value within tolerance never fails on a rounding boundary
        return any(_digest(salt, str(nearest + d)) in digests for d in (-1, 0, 1))
    if kind == "choice":
        return _digest(salt, read_choice(plain)) in digests
    if kind == "text":
        return _digest(salt, normalise_text(plain["value"])) in digests
    keys = _table_key_values(spec, plain)
    return keys is not None and _digest(salt, "\x1f".join(keys)) in digests


def _replay_record(spec: dict, plain: dict) -> tuple[Verdict, bool]:
    """A record code replayed through the role-play engine: (share of the best score any path
    reaches, whether the code decoded). The code is the only thing trusted; the score is
    recomputed here."""
    from course.core.i18n import CourseError
    from course.roleplay.loader import load_scenarios
    from course.roleplay.record import grade_record

    scenario = load_scenarios()[spec["scenario"]]
    try:
        share, details = grade_record(plain["value"], scenario)
    except CourseError as error:
        return Verdict(0.0, str(error)), False
    shown = {k: v for k, v in details.items() if k != "outcome"}
    return Verdict(share, t("roleplay.record_result", **shown)), True


def record_verdict(spec: dict, plain: dict) -> Verdict:
    return _replay_record(spec, plain)[0]


def public_verdict(spec: dict, plain: dict | None, digests: list[str], salt: str) -> Verdict:
    """What check() tells the trainee: shape first, then whether the fingerprint matches."""
    shaped = gate(spec, plain)
    if not shaped.passed:
        return shaped
    if spec["kind"] == "record":
        verdict, decoded = _replay_record(spec, plain)
        return Verdict(1.0 if decoded else 0.0, verdict.message)
    if not matches_fingerprint(spec, plain, digests, salt):
        return Verdict(0.0, t(f"answers.public_wrong_{spec['kind']}"))
    return Verdict(1.0, t("answers.public_pass"))


# ---------- hidden comparison against the reference answer (grader only) ----------

def _same_value(a, b, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and not isinstance(a, bool) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return abs(float(a) - float(b)) <= tolerance
    return normalise_text(a) == normalise_text(b) if isinstance(a, str) and isinstance(b, str) else a == b


def _sort_key(row: list, tolerance: float) -> tuple:
    return tuple((0, round(v / tolerance)) if isinstance(v, (int, float)) and not isinstance(v, bool) and v is not None
                 else (1, str(v)) for v in row)


def _compare_table(spec: dict, answer: dict, reference: dict) -> Verdict:
    tolerance = float(spec.get("tolerance", 0.01)) or 1e-9
    columns = spec.get("columns") or reference["columns"]

    def pick(plain: dict) -> list[list]:
        return [[row[plain["columns"].index(c)] for c in columns] for row in plain["rows"]]

    mine, theirs = pick(answer), pick(reference)
    if len(mine) != len(theirs):
        return Verdict(0.0, t("answers.row_count", expected=len(theirs), got=len(mine)))
    key = spec.get("key")
    if key:
        k = columns.index(key)
        mine_by_key = {str(row[k]): row for row in mine}
        theirs_by_key = {str(row[k]): row for row in theirs}
        if len(mine_by_key) != len(mine):
            return Verdict(0.0, t("answers.duplicate_keys", key=key))
        extra, lacking = set(mine_by_key) - set(theirs_by_key), set(theirs_by_key) - set(mine_by_key)
        if extra or lacking:
            return Verdict(0.0, t("answers.key_mismatch", key=key, extra=len(extra), missing=len(lacking)))
        order = sorted(theirs_by_key)
        mine, theirs = [mine_by_key[k_] for k_ in order], [theirs_by_key[k_] for k_ in order]
        compared = [i for i, c in enumerate(columns) if c != key] or [k]
    else:
        mine, theirs = sorted(mine, key=lambda r: _sort_key(r, tolerance)), sorted(theirs, key=lambda r: _sort_key(r, tolerance))
        compared = list(range(len(columns)))
    wrong = [columns[i] for i in compared
             if not all(_same_value(a[i], b[i], tolerance) for a, b in zip(mine, theirs))]
    score = 1 - len(wrong) / len(compared)
    if not wrong:
        return Verdict(1.0, t("answers.correct"))
    return Verdict(score, t("answers.wrong_columns", columns=choices(wrong)))


def compare(spec: dict, answer: dict | None, reference: dict) -> Verdict:
    """The grade of one answer: the public gate, then the comparison with the reference answer."""
    shaped = gate(spec, answer)
    if not shaped.passed:
        return shaped
    kind = spec["kind"]
    if kind == "number":
        mine, theirs = read_number(answer), read_number(reference)
        tolerance = max(float(spec.get("tolerance", 0.01)), float(spec.get("rel_tolerance", 0)) * abs(theirs))
        ok = abs(mine - theirs) <= tolerance
        return Verdict(1.0 if ok else 0.0, t("answers.correct" if ok else "answers.wrong_number"))
    if kind == "choice":
        mine, theirs = set(read_choice(answer)), set(read_choice(reference))
        if mine == theirs:
            return Verdict(1.0, t("answers.correct"))
        if spec.get("multiple"):
            score = max(0.0, (len(mine & theirs) - len(mine - theirs)) / len(theirs))
            return Verdict(score, t("answers.partial_choice") if score else t("answers.wrong_choice"))
        return Verdict(0.0, t("answers.wrong_choice"))
    if kind == "record":
        return record_verdict(spec, answer)
    if kind == "text":
        accepted = {normalise_text(a) for a in [reference["value"], *spec.get("accept", [])]}
        ok = normalise_text(answer["value"]) in accepted
        return Verdict(1.0 if ok else 0.0, t("answers.correct" if ok else "answers.wrong_text"))
    return _compare_table(spec, answer, reference)
