"""A misspelled keyword argument to a lesson-facing function answers in Chinese, in plain Python too.

Python's own ``TypeError: rfm_table() got an unexpected keyword argument 'snapshot_dat'`` is English
and lists nothing; only the notebook error handler used to translate it. ``checked(fn)`` wraps a
door function: before the call it compares the keyword names with the signature and raises
``KeywordError`` (a ``CourseError`` and a ``TypeError``) naming the closest and the valid ones.

Why a check before the call rather than catching Python's TypeError after it: a TypeError raised
deep inside the function by some other call must not be reported as the trainee's typo. The check
is one ``frozenset.issuperset`` on the keyword names (nothing at all for a call without keywords).
``functools.wraps`` keeps ``inspect.signature``, ``help()`` and ``??`` showing the real function.
A function with ``**kwargs`` accepts any name, so it is returned unchanged — unless it declares
where they go with ``@forwards_keywords(target)``: then its own names and ``target``'s are the valid
ones (read from the two signatures, so the list cannot drift from the code).
"""
from __future__ import annotations

import difflib
import functools
import inspect

from course.core.i18n import CourseError, choices

_MARK = "__course_keywords__"
_FORWARDS = "__course_forwards__"


class KeywordError(CourseError, TypeError):
    """A keyword the function does not have; also a TypeError, like Python's own error."""


def forwards_keywords(target, *, leave_out: tuple[str, ...] = ()):
    """Declare that the decorated function passes its ``**kwargs`` on to ``target``, so that
    ``checked`` accepts exactly its own keywords and ``target``'s (less ``leave_out``: names the
    function sets itself, which a caller must not pass). The function itself is not changed."""
    def declare(function):
        setattr(function, _FORWARDS, (target, tuple(leave_out)))
        return function

    return declare


def keyword_names(function) -> tuple[str, ...] | None:
    """The names ``function`` accepts as keywords, in order; None when it takes ``**kwargs`` it
    does not declare (``forwards_keywords``) or has no signature to read."""
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    own = tuple(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    if not any(p.kind is p.VAR_KEYWORD for p in params):
        return own
    if not hasattr(function, _FORWARDS):
        return None
    target, leave_out = getattr(function, _FORWARDS)
    passed_on = keyword_names(target)
    if passed_on is None:
        return None
    return own + tuple(n for n in passed_on if n not in own and n not in leave_out)


def checked(function):
    """``function`` with Chinese errors for unknown keywords (see the module docstring)."""
    if not inspect.isfunction(function) or hasattr(function, _MARK):
        return function
    names = keyword_names(function)
    if names is None:
        return function
    allowed = frozenset(names)

    @functools.wraps(function)
    def door(*args, **kwargs):
        if kwargs and not allowed.issuperset(kwargs):
            raise unknown_keyword(function.__name__, [k for k in kwargs if k not in allowed], names)
        return function(*args, **kwargs)

    setattr(door, _MARK, names)
    return door


def original(function):
    """The function ``checked`` wrapped (or ``function`` itself when it was not wrapped)."""
    return function.__wrapped__ if hasattr(function, _MARK) else function


def unknown_keyword(function: str, unknown: list[str], valid) -> KeywordError:
    keyword = unknown[0]
    close = difflib.get_close_matches(keyword, list(valid), n=3, cutoff=0.6)
    fields = {"function": function, "keyword": keyword, "valid": choices(valid) or "—"}
    if close:
        return KeywordError("keywords.unknown_close", close=choices(close), **fields)
    return KeywordError("keywords.unknown", **fields)
