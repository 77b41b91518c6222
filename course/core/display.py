"""How tables look to a trainee: Chinese headers from the glossary, rates as percentages, money
rounded, missing values blank, no ``dtype`` footer, long text wrapping inside a wide column.

``register(shell)`` adds IPython display formatters for pandas DataFrame and Series (registered by
type *name*, so nothing here imports pandas until a table is actually shown) and a few plain-text
printers that keep raw Python out of sight: an untouched ``...`` answer, numpy scalars. The code keeps
its snake_case columns; only what is drawn on screen changes. ``import course`` calls ``register``
inside a notebook kernel.

A module that returns ids in a column names them for display with ``name_values`` (a scenario id by
its title, a column name listed as data by its glossary name) and may hide an id column whose Chinese
name already stands in another column, or the reverse (``hide_columns``): both ride on
``frame.attrs``, so the frame keeps its ids and code can still select by them.
"""
from __future__ import annotations

import html
import math

from course.core.glossary import display_format, label
from course.core.i18n import t

_STYLE = ("<style>.course-table table{border-collapse:collapse}"
          ".course-table td{white-space:normal;vertical-align:top;text-align:left;max-width:36em}"
          ".course-table th{white-space:nowrap;text-align:left}</style>")
HEAD_ROWS = 5  # rows shown at each end of a long table
WIDE_TEXT = 16  # a text column with longer cells gets a wide column instead of tall rows


# ---------- single values ----------

def _missing(value) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict, set)) else False
    except (TypeError, ValueError):
        return False


def _number(value: float) -> str:
    """A float without a format: rounded so 0.518987 reads 0.519 and 12345.678 reads 12,346."""
    if float(value).is_integer():
        return f"{value:,.0f}" if abs(value) >= 10000 else f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def format_value(value, fmt: str | None = None) -> str:
    """One cell as a trainee reads it."""
    if _missing(value):
        return ""
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return t("display.flag_yes") if value else t("display.flag_no")
    if hasattr(value, "strftime"):
        if getattr(value, "hour", 0) or getattr(value, "minute", 0):
            return value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (list, tuple, set)):
        return "、".join(format_value(v) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if fmt == "percent" or (fmt == "flag" and isinstance(value, float)):  # a flag's mean is a rate
            return f"{value * 100:.1f}%"
        if fmt == "flag":
            return t("display.flag_yes") if value else t("display.flag_no")
        if fmt == "yuan":
            return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")
        if fmt in ("int", "days"):
            return f"{value:.0f}"
        if fmt in ("score", "hours"):
            return f"{value:.1f}"
        if fmt == "ratio":
            return f"{value:.2f}"
        return _number(value) if isinstance(value, float) else str(value)
    return str(value)


# ---------- tables ----------

def _shown_rows(frame):
    """The rows drawn (head and tail of a long table) and a note saying how many there are."""
    import pandas as pd

    limit = pd.get_option("display.max_rows") or len(frame)
    if len(frame) <= limit:
        return frame, ""
    shown = pd.concat([frame.head(HEAD_ROWS), frame.tail(HEAD_ROWS)])
    return shown, t("display.rows_note", rows=len(frame), shown=HEAD_ROWS)


def _index_shown(index) -> bool:
    """A plain 0, 1, 2 … row number says nothing to a trainee; any other index is data."""
    import pandas as pd

    if index.nlevels > 1 or any(index.names):
        return True
    if isinstance(index, pd.RangeIndex):
        return False
    return not (index.dtype.kind in "iu" and len(index) > 0)


def _relabel_index(index):
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        return index.set_names([label(n) for n in index.names])
    values = [label(v) if isinstance(v, str) else format_value(v) for v in index]
    return pd.Index(values, name=label(index.name), dtype=object)


def _view(frame):
    """The table as strings: formatted cells, Chinese headers, readable index."""
    import pandas as pd

    shown, note = _shown_rows(frame)
    # a module may name the ids in a column for display (e.g. scenario ids by their Chinese titles);
    # the frame itself keeps the ids, so code can still select by them
    names = frame.attrs.get("value_labels", {})
    hidden = [column for column, instead in frame.attrs.get("hidden_columns", {}).items()
              if column in shown.columns and instead in shown.columns]
    shown = shown.drop(columns=hidden) if hidden else shown
    columns = {}
    for position, column in enumerate(shown.columns):
        code = column[-1] if isinstance(column, tuple) else column
        fmt = display_format(code)
        if fmt is None and pd.api.types.is_bool_dtype(shown.iloc[:, position]):
            fmt = "flag"
        elif fmt == "flag" and pd.api.types.is_integer_dtype(shown.iloc[:, position]):
            fmt = "int"  # a summed flag is a count (e.g. churned customers per level), not 是/否
        elif fmt in ("ratio", "score", "hours") and pd.api.types.is_integer_dtype(shown.iloc[:, position]):
            fmt = "int"  # whole points stay whole: -35, not -35.00
        named = names.get(code, {}) if isinstance(code, str) else {}
        columns[position] = [format_value(named.get(v, v) if isinstance(v, str) else v, fmt)
                             for v in shown.iloc[:, position]]
    view = pd.DataFrame(columns, index=shown.index)
    view.columns = _relabel_columns(shown.columns)
    view.index = _relabel_index(shown.index)
    if isinstance(view.index, pd.MultiIndex):
        view.index = pd.MultiIndex.from_arrays(
            [[label(v) if isinstance(v, str) else format_value(v) for v in view.index.get_level_values(i)]
             for i in range(view.index.nlevels)], names=view.index.names)
    return view, note, _index_shown(frame.index)


def _relabel_columns(columns):
    import pandas as pd

    if isinstance(columns, pd.MultiIndex):
        return pd.MultiIndex.from_tuples(
            [tuple(label(v) if isinstance(v, str) else format_value(v) for v in col) for col in columns],
            names=[label(n) for n in columns.names])
    return pd.Index([label(c) if isinstance(c, str) else format_value(c) for c in columns],
                    name=label(columns.name), dtype=object)


def name_values(frame, column: str, names=None):
    """Show the ids in ``column`` by their Chinese names: ``names`` (id -> name) or, when the column
    lists column names (a field, a factor, an indicator), each one's glossary name. Returns ``frame``."""
    if names is None:
        names = {v: label(v) for v in frame[column].unique() if isinstance(v, str)}
    frame.attrs["value_labels"] = {**frame.attrs.get("value_labels", {}), column: dict(names)}
    return frame


def hide_columns(frame, duplicates: dict):
    """Leave a column out of what is drawn while another one shows the same thing, e.g.
    ``{"label": "attribute"}`` once the attribute ids show by their names. A view without the
    other column keeps it. Code still finds every column in the frame. Returns ``frame``."""
    frame.attrs["hidden_columns"] = {**frame.attrs.get("hidden_columns", {}), **duplicates}
    return frame


def frame_html(frame) -> str:
    view, note, show_index = _view(frame)
    widths = {}
    if view.columns.is_unique:  # col_space needs one width per distinct header
        for position, column in enumerate(view.columns):
            longest = max((len(v) for v in view.iloc[:, position]), default=0)
            if longest > WIDE_TEXT:
                widths[column] = f"{min(longest, 40) * 0.8:.0f}em"
    table = view.to_html(index=show_index, escape=True, border=0, na_rep="",
                         col_space=widths or None, classes="course-dataframe")
    if len(frame) == 0:
        note = t("display.empty", columns="、".join(str(label(c)) for c in frame.columns))
    footer = f"<div style='color:#666;font-size:90%'>{html.escape(note)}</div>" if note else ""
    return f"<div class='course-table'>{_STYLE}{table}{footer}</div>"


def frame_text(frame) -> str:
    if len(frame) == 0:  # pandas would say "Empty DataFrame" in English
        return t("display.empty", columns="、".join(str(label(c)) for c in frame.columns))
    view, note, show_index = _view(frame)
    text = view.to_string(index=show_index)
    return f"{text}\n{note}" if note else text


def _series_frame(series):
    """A Series drawn as a two-column table: what each row is, and its value."""
    import pandas as pd

    value_name = series.name if series.name is not None else "value"
    frame = series.to_frame(name=value_name)
    if _index_shown(series.index):
        if series.index.nlevels == 1:  # rows named by code (annual_gain, mean …) read in Chinese
            frame.index = pd.Index([label(v) if isinstance(v, str) else v for v in series.index],
                                   name=series.index.name)
        fmts = [display_format(i) for i in series.index] if display_format(value_name) is None else []
        if any(fmts):  # a Series of named figures (annual_gain, roi …): each row has its own format
            values = [format_value(v, f) for v, f in zip(series, fmts)]
            frame = pd.DataFrame({value_name: values}, index=frame.index)
        if frame.index.nlevels == 1 and frame.index.name is None:
            frame.index.name = t("display.item")
        if all(name not in frame.columns for name in frame.index.names):
            frame = frame.reset_index()
    return frame


def series_html(series) -> str:
    return frame_html(_series_frame(series))


def series_text(series) -> str:
    return frame_text(_series_frame(series))


# ---------- registration ----------

def _plain(render):
    def printer(obj, p, cycle):
        p.text(render(obj))
    return printer


def _scalar(obj, p, cycle):
    p.text(format_value(obj) if not isinstance(obj, float) or math.isfinite(obj) else repr(obj))


def _unanswered(obj, p, cycle):
    p.text(t("display.unanswered"))


def register(shell) -> None:
    """Install the formatters on an IPython shell (safe to call again)."""
    formatters = shell.display_formatter.formatters
    rich, plain = formatters["text/html"], formatters["text/plain"]
    # pandas 3 names its classes "pandas.DataFrame", pandas 2 "pandas.core.frame.DataFrame"
    for frame_module, series_module in (("pandas", "pandas"), ("pandas.core.frame", "pandas.core.series")):
        rich.for_type_by_name(frame_module, "DataFrame", frame_html)
        rich.for_type_by_name(series_module, "Series", series_html)
        plain.for_type_by_name(frame_module, "DataFrame", _plain(frame_text))
        plain.for_type_by_name(series_module, "Series", _plain(series_text))
    for module in ("pandas", "pandas._libs.tslibs.timestamps"):
        plain.for_type_by_name(module, "Timestamp", _scalar)
    # each numpy scalar type defines its own __repr__, so each is named (np.float64(0.5) -> 0.500)
    names = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
             "uint16", "uint32", "uint64", "bool")
    for name in names:
        plain.for_type_by_name("numpy", name, _scalar)
    for cls in list(plain.type_printers):  # IPython pre-registers np.float64 when numpy is loaded
        if getattr(cls, "__module__", None) == "numpy" and getattr(cls, "__name__", None) in names:
            plain.for_type(cls, _scalar)
    plain.singleton_printers[id(Ellipsis)] = _unanswered  # an untouched `q1 = ...` answer
