"""The answers' way out of a kernel, and the gate they pass on the way in.

``export_value`` runs inside the trainee's kernel (its source is sent there): it encodes a value in
the same plain format as ``course.exercises.answers.to_plain``, but tests types by identity against
the real built-in, numpy and pandas classes, so a class that merely calls itself
``pandas.core.frame.DataFrame`` is "unsupported". The kernel is untrusted all the same (it can
replace ``display`` or forge the message), so ``validate_answers`` checks in the grader's own
process that what came back has exactly the plain shape before anything compares it.
"""
from __future__ import annotations

import inspect
import math
from functools import lru_cache

MAX_CELLS = 200_000
MAX_TEXT = 100_000
MAX_ID = 100


def export_value(value, max_cells=200_000):
    """Plain data for ``value`` (runs in the kernel; imports what it needs itself)."""
    import math as _math
    import sys as _sys

    np = _sys.modules.get("numpy")
    pd = _sys.modules.get("pandas")
    np_ints = {np.dtype(c).type for c in "bBhHiIlLqQ"} if np else set()
    np_floats = {np.float16, np.float32, np.float64, np.longdouble} if np else set()

    def number(v):
        if type(v) is int or type(v) in np_ints:
            v = int(v)
            return v if -2 ** 53 <= v <= 2 ** 53 else float(v)  # huge ints travel as floats
        v = float(v)
        return v if _math.isfinite(v) else (None if v != v else str(v))

    def scalar(v):
        kind = type(v)
        if v is None or (pd is not None and (v is pd.NA or v is pd.NaT)):
            return None
        if kind is bool or (np is not None and kind is np.bool_):
            return bool(v)
        if kind in (int, float) or kind in np_ints or kind in np_floats:
            return number(v)
        if kind is str or (np is not None and kind is np.str_):
            return str.__str__(v)[:100_000]
        if (pd is not None and kind in (pd.Timestamp, pd.Timedelta, pd.Period)) or (
                np is not None and kind in (np.datetime64, np.timedelta64)):
            return str(v)
        raise TypeError(kind.__name__)

    kind = type(value)
    name = str(getattr(kind, "__name__", "?"))[:60]
    try:
        if value is Ellipsis:
            return {"type": "blank"}
        if value is None:
            return {"type": "unsupported", "python_type": "None"}
        if pd is not None and kind in (pd.DataFrame, pd.Series):
            frame = value.to_frame() if kind is pd.Series else value
            if frame.shape[0] * max(frame.shape[1], 1) > max_cells:
                return {"type": "unsupported", "python_type": "too_large"}
            if kind is pd.Series or any(n is not None for n in frame.index.names):
                frame = frame.reset_index()
            rows = [[scalar(v) for v in row] for row in frame.itertuples(index=False, name=None)]
            return {"type": "table", "columns": [str(c) for c in frame.columns], "rows": rows}
        if kind in (list, tuple, set, frozenset) or (np is not None and kind is np.ndarray):
            items = list(value.tolist() if np is not None and kind is np.ndarray else value)
            if len(items) > max_cells:
                return {"type": "unsupported", "python_type": "too_large"}
            plain = [scalar(v) for v in items]
            if kind in (set, frozenset):
                plain.sort(key=lambda v: (str(type(v)), str(v)))
            return {"type": "list", "value": plain}
        plain = scalar(value)
        if isinstance(plain, bool):
            return {"type": "bool", "value": plain}
        if kind in (int, float) or kind in np_ints or kind in np_floats:
            return {"type": "number", "value": plain}
        return {"type": "text", "value": plain}
    except Exception:  # unknown classes, and hostile objects that raise: never an answer
        return {"type": "unsupported", "python_type": name}


@lru_cache(maxsize=1)
def export_source() -> str:
    return inspect.getsource(export_value)


# ---------- the grader's gate ----------

def _scalar_ok(v) -> bool:
    if v is None or type(v) is bool or type(v) is str and len(v) <= MAX_TEXT:
        return True
    if type(v) is int:
        return -2 ** 63 <= v <= 2 ** 63
    return type(v) is float and math.isfinite(v)


def valid_plain(plain) -> bool:
    """Exactly one of the plain shapes ``to_plain`` produces, with sane sizes; nothing else."""
    if type(plain) is not dict or type(plain.get("type")) is not str:
        return False
    kind, keys = plain["type"], set(plain)
    if kind in ("blank", "missing"):
        return keys == {"type"}
    if kind == "unsupported":
        return keys == {"type", "python_type"} and type(plain["python_type"]) is str \
            and len(plain["python_type"]) <= 60
    if kind == "bool":
        return keys == {"type", "value"} and type(plain["value"]) is bool
    if kind == "number":
        value = plain.get("value")
        return keys == {"type", "value"} and (
            value in (None, "inf", "-inf") or type(value) in (int, float) and _scalar_ok(value))
    if kind == "text":
        return keys == {"type", "value"} and (plain["value"] is None or type(plain["value"]) is str
                                             and len(plain["value"]) <= MAX_TEXT)
    if kind == "list":
        value = plain.get("value")
        return keys == {"type", "value"} and type(value) is list and len(value) <= MAX_CELLS \
            and all(_scalar_ok(v) for v in value)
    if kind == "table":
        columns, rows = plain.get("columns"), plain.get("rows")
        if keys != {"type", "columns", "rows"} or type(columns) is not list or type(rows) is not list:
            return False
        if not all(type(c) is str and len(c) <= 1000 for c in columns):
            return False
        width = len(columns)
        return len(rows) * max(width, 1) <= MAX_CELLS and all(
            type(row) is list and len(row) == width and all(_scalar_ok(v) for v in row) for row in rows)
    return False


def validate_answers(answers, question_ids: list[str]) -> dict[str, dict] | None:
    """The answers, each checked; None when the export as a whole is not a mapping of plain data.
    A single malformed answer becomes "unsupported" (that question earns nothing)."""
    if type(answers) is not dict:
        return None
    checked = {}
    for qid in question_ids:
        plain = answers.get(qid, {"type": "missing"})
        checked[qid] = plain if valid_plain(plain) else {"type": "unsupported", "python_type": "invalid"}
    return checked
