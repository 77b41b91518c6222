"""Chinese-ready charts: the CJK font that ships with the install, and the course's house style.

``use_chinese_font()`` registers Noto Sans CJK SC from the ``mplfonts`` package (no system font,
no change to matplotlib's config files). ``new_figure`` and ``bar_chart`` give every course chart
the same look. ``glyph_warnings()`` lets tests prove that no chart logs a missing glyph.

matplotlib is imported inside the functions so that ``import course.core.plotting`` stays cheap.
"""
from __future__ import annotations

import importlib.util
import logging
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from course.core.i18n import CourseError, t

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT_FILE = "NotoSansCJKsc-Regular.otf"

# house colours: one calm base colour, one accent for what the trainer wants to point at
BASE_COLOR = "#2F6690"
MUTED_COLOR = "#A9B4C2"
ACCENT_COLOR = "#D9480F"

_family: str | None = None  # set once the font is registered in this process


def font_path() -> Path:
    """Where the Noto Sans CJK SC file of the installed ``mplfonts`` package is (may not exist)."""
    spec = importlib.util.find_spec("mplfonts")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return Path("mplfonts") / "fonts" / FONT_FILE
    return Path(list(spec.submodule_search_locations)[0]) / "fonts" / FONT_FILE


def _apply_rc(family: str) -> None:
    import matplotlib as mpl

    rc = mpl.rcParams
    if (rc["font.sans-serif"][:1] == [family] and rc["font.family"] == ["sans-serif"]
            and rc["axes.unicode_minus"] is False):
        return
    # keep the other sans-serif fonts behind ours: matplotlib falls back to them glyph by glyph
    rc["font.sans-serif"] = [family] + [f for f in rc["font.sans-serif"] if f != family]
    rc["font.family"] = ["sans-serif"]
    rc["axes.unicode_minus"] = False


def use_chinese_font() -> str:
    """Make matplotlib draw Chinese text; returns the font family name. Safe to call often."""
    global _family
    if _family is None:
        path = font_path()
        if not path.is_file():
            raise CourseError("plotting.font_missing", path=str(path))
        from matplotlib import font_manager

        manager = font_manager.fontManager
        resolved = str(path.resolve())
        entry = next((f for f in manager.ttflist if str(Path(f.fname).resolve()) == resolved), None)
        if entry is None:
            manager.addfont(resolved)
            entry = next(f for f in manager.ttflist if f.fname == resolved)
        _family = entry.name
    # rcParams may have been reset (plt.rcdefaults, a style sheet); re-applying them is cheap
    _apply_rc(_family)
    return _family


def new_figure(title: str | None = None, figsize: tuple[float, float] = (7, 3.5)
               ) -> tuple[Figure, Axes]:
    """An empty chart in the course style, Chinese font ready. Shown at the end of the cell."""
    use_chinese_font()
    import matplotlib.pyplot as plt  # pyplot only on first chart: it is the slow import

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#E3E7EC", linewidth=0.8)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, loc="left", fontsize=13, pad=10)
    return fig, ax


def pareto_chart(table, title: str | None = None, ylabel: str | None = None, *, top: int = 12,
                 cutoff: float = 0.8):
    """The one Pareto chart of the course: bars = counts per item (the vital few in the accent
    colour), line = cumulative share (%), dashed line = ``cutoff``.

    ``table`` lists items biggest first: first column = item name, second = count, and a
    ``cum_share`` column (0 … 1), as ``category_pareto`` and ``pain_points`` return. Titles default to
    what the table carries in ``table.attrs`` (set by the function that made it).
    """
    from course.core.tables import require_columns

    require_columns(table, ["cum_share"], "plotting")
    head = table.head(top)
    labels = head.iloc[:, 0].astype(str).tolist()
    counts = head.iloc[:, 1]
    reached = table["cum_share"].to_numpy() >= cutoff - 1e-12
    few = int(reached.argmax()) + 1 if reached.any() else len(table)
    fig, ax = new_figure(title or table.attrs.get("pareto_title"), figsize=(8, 3.8))
    ax.bar(labels, counts, color=[ACCENT_COLOR if i < few else MUTED_COLOR for i in range(len(head))])
    ax.set_ylabel(ylabel or table.attrs.get("pareto_ylabel", ""))
    if max((len(s) for s in labels), default=0) > 3 or len(labels) > 8:
        ax.tick_params(axis="x", labelrotation=45)
    line = ax.twinx()
    line.plot(labels, head["cum_share"] * 100, color=BASE_COLOR, marker="o")
    line.axhline(cutoff * 100, color=BASE_COLOR, linestyle="--", linewidth=0.8)
    line.set_ylim(0, 105)
    line.set_ylabel(t("plotting.pareto_cum_label"))
    line.spines[["top"]].set_visible(False)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def bar_chart(labels: Sequence, values: Sequence[float], title: str | None = None,
              xlabel: str | None = None, ylabel: str | None = None,
              highlight=None) -> Figure:
    """A bar chart; ``highlight`` is one label (or a list of labels) drawn in the accent colour.

    The figure is detached from pyplot, so it is displayed exactly once when it is the last value
    of a cell, and repeated calls do not pile up open figures.
    """
    labels = [str(label) for label in labels]
    values = list(values)
    if highlight is None:
        colors = [BASE_COLOR] * len(labels)
    else:
        marked = {str(h) for h in ([highlight] if isinstance(highlight, (str, int)) else highlight)}
        colors = [ACCENT_COLOR if label in marked else MUTED_COLOR for label in labels]
    fig, ax = new_figure(title)
    ax.bar(labels, values, color=colors)
    if any(v < 0 for v in values):
        ax.axhline(0, color="#5C6770", linewidth=0.8)
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def _is_glyph_message(text: str) -> bool:
    text = text.lower()
    return "glyph" in text and ("missing" in text or "does not have" in text)


class _GlyphLogHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(level=logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if _is_glyph_message(message):
            self.sink.append(message)


@contextmanager
def glyph_warnings() -> Iterator[list[str]]:
    """Collect matplotlib's missing-glyph messages (``warnings`` and the ``matplotlib`` logger).

    ``with glyph_warnings() as found: fig.savefig(buf)`` then ``assert found == []``.
    Other warnings raised inside the block are passed on unchanged when it ends.
    """
    found: list[str] = []
    handler = _GlyphLogHandler(found)
    logger = logging.getLogger("matplotlib")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # matplotlib warns once per call site otherwise
            yield found
    finally:
        logger.removeHandler(handler)
    for w in caught:
        if _is_glyph_message(str(w.message)):
            found.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
