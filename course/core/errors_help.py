"""Chinese help when a cell fails: what went wrong and what to try, above the Python traceback, which
stays folded away. A ``CourseError`` is already a complete Chinese sentence: it shows as one line.

No well-kept library does this in Chinese (friendly-traceback: last release 2023, partial Chinese,
replaces IPython's whole error display), so this is a small IPython custom exception handler.
``register(shell)`` also remembers which answer variables (``q1``, ``q2a`` …) a failing cell meant
to assign, so that ``check()`` does not grade the value left over from an earlier run.
"""
from __future__ import annotations

import builtins
import difflib
import html
import re
import sys

from course.core.i18n import CourseError, choices, t

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ANSWER = re.compile(r"^\s*(q\d+[a-z]?)\s*(?:=|\+=)", re.MULTILINE)
_FULL_WIDTH = "，。：；（）“”‘’【】！？"
stale_answers: set[str] = set()  # answers whose latest cell raised before assigning them


class Help:
    """The explanation shown above the folded traceback (HTML in Jupyter, text elsewhere)."""

    def __init__(self, title: str, lines: list[str], traceback_text: str):
        self.title, self.lines, self.traceback_text = title, lines, traceback_text

    def __repr__(self) -> str:
        return "\n".join([self.title, *self.lines])

    def _repr_html_(self) -> str:
        body = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines)
        return ("<div style='background:#fdecea;border-left:4px solid #d32f2f;padding:8px 12px;"
                f"border-radius:4px'><b>{html.escape(self.title)}</b><ul style='margin:4px 0'>{body}"
                f"</ul><details><summary>{html.escape(t('errors_help.traceback'))}</summary>"
                f"<pre style='font-size:85%'>{html.escape(self.traceback_text)}</pre></details></div>")


def _close(word: str, candidates) -> str:
    found = difflib.get_close_matches(word, [str(c) for c in candidates], n=3, cutoff=0.6)
    return t("errors_help.did_you_mean", names=choices(found)) if found else ""


def _frames_columns(namespace: dict) -> set:
    columns = set()
    for value in list(namespace.values()):
        cols = getattr(value, "columns", None)
        if cols is not None and type(value).__name__ == "DataFrame":
            columns.update(c for c in cols if isinstance(c, str))
    return columns


def explain(error: BaseException, namespace: dict | None = None) -> tuple[str, list[str]]:
    """A Chinese title and what to try, for the errors beginners meet most."""
    namespace = namespace or {}
    message = str(error)
    if isinstance(error, IndentationError):
        return (t("errors_help.indent_title", line=error.lineno or "?"), [t("errors_help.indent_fix")])
    if isinstance(error, SyntaxError):
        lines = [t("errors_help.syntax_fix")]
        if any(ch in (error.text or "") for ch in _FULL_WIDTH):
            lines.insert(0, t("errors_help.full_width"))
        return t("errors_help.syntax_title", line=error.lineno or "?"), lines
    if isinstance(error, NameError):
        name = getattr(error, "name", None) or (re.findall(r"'([^']+)'", message) or ["?"])[0]
        lines = [t("errors_help.name_fix")]
        hint = _close(name, [n for n in namespace if not n.startswith("_")])
        return t("errors_help.name_title", name=name), ([hint] if hint else []) + lines
    if isinstance(error, KeyError) and error.args and isinstance(error.args[0], str):
        key = error.args[0]
        from course.core.glossary import terms

        code = next((term.code for term in terms().values() if term.zh == key), None)
        lines = [t("errors_help.column_is_code", label=key, code=code)] if code else []
        columns = _frames_columns(namespace)
        hint = _close(key, columns)
        lines += [hint] if hint else []
        lines.append(t("errors_help.key_fix"))
        return t("errors_help.key_title", key=key), lines
    # Python words it two ways: "f() got an unexpected keyword argument 'k'" (functions, methods as
    # "DataFrame.sort_values()") and "'k' is an invalid keyword argument for round()" (built-ins)
    found = re.search(r"([\w.]+)\(\) got an unexpected keyword argument '(\w+)'", message)
    invalid = re.search(r"'(\w+)' is an invalid keyword argument for ([\w.]+)\(\)", message)
    if isinstance(error, TypeError) and (found or invalid):
        function, keyword = (found.group(1), found.group(2)) if found else (invalid.group(2), invalid.group(1))
        valid = _parameters(_callable_named(function, namespace))
        lines = [t("errors_help.valid_keywords", names=choices(valid))] if valid else []
        hint = _close(keyword, valid)
        return t("errors_help.keyword_title", function=function, keyword=keyword), ([hint] if hint else []) + lines
    if isinstance(error, (TypeError, ValueError, AttributeError)):
        return t("errors_help.type_title"), [t("errors_help.type_detail", message=message), t("errors_help.type_fix")]
    return t("errors_help.other_title"), [t("errors_help.type_detail", message=message)]


def _callable_named(name: str, namespace: dict):
    """The function a message names: the notebook's own, a built-in, or a pandas method (DataFrame.sort_values)."""
    owner, _, method = name.rpartition(".")
    if not owner:
        return namespace.get(name, getattr(builtins, name, None))
    cls = namespace.get(owner) or getattr(sys.modules.get("pandas"), owner, None)
    return getattr(cls, method, None)


def _parameters(function) -> list[str]:
    import inspect

    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"]


HANDLED = (CourseError, NameError, SyntaxError, KeyError, TypeError, ValueError, AttributeError)


def _handler(shell, etype, value, tb, tb_offset=None):
    if isinstance(value, CourseError):  # already a Chinese sentence: one line, no traceback
        shell._showtraceback(etype, value, [f"\x1b[31m{value}\x1b[0m"])
        return None
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    title, lines = explain(value, shell.user_ns)
    from IPython.display import display

    display(Help(title, lines, _ANSI.sub("", shell.InteractiveTB.stb2text(stb))))
    shell._showtraceback(etype, value, [f"\x1b[31m{etype.__name__}：{title}\x1b[0m"])
    return None


def _after_cell(result) -> None:
    """Answers a failing cell meant to assign are stale until a cell assigns them successfully."""
    names = set(_ANSWER.findall(result.info.raw_cell or ""))
    if result.error_before_exec is not None or result.error_in_exec is not None:
        stale_answers.update(names)
    else:
        stale_answers.difference_update(names)


def stale_feedback(question_id: str) -> tuple[str, list[str]] | None:
    """For ``check()``: the title and lines to show instead of grading a stale value, or None."""
    if question_id not in stale_answers:
        return None
    return t("errors_help.answer_cell_failed", id=question_id), [t("errors_help.answer_cell_fix", id=question_id)]


def register(shell) -> None:
    """Install the handler and the answer tracker on an IPython shell (safe to call again)."""
    shell.set_custom_exc(HANDLED, _handler)
    callbacks = shell.events.callbacks["post_run_cell"]
    if _after_cell not in callbacks:
        shell.events.register("post_run_cell", _after_cell)
