"""The one wiring every course widget shares: recompute its view whenever a control changes."""
from __future__ import annotations

import html
from collections.abc import Callable, Iterable


def live(box, controls: Iterable, update: Callable[..., None], clicks: Iterable = ()):
    """Run ``update`` now and on every value change of ``controls`` (and every click of the
    buttons in ``clicks``, for a widget that recomputes on demand); tests call ``box.update()``."""
    for control in controls:
        control.observe(update, names="value")
    for button in clicks:
        button.on_click(update)
    box.update = update
    update()
    return box


ERROR_COLOR = "#b00020"


def show_view(box, compute: Callable[[], object], caption, chart, table=None) -> None:
    """Put ``compute()``'s caption, chart and table on screen and keep it as ``box.view``; a
    CourseError (a bad choice of controls) becomes a red caption and the widget stays usable."""
    from course.core.i18n import CourseError

    try:
        view = compute()
    except CourseError as err:
        caption.value = f'<span style="color:{ERROR_COLOR}">{html.escape(str(err))}</span>'
        chart.value = ""
        if table is not None:
            table.value = ""
        box.view = None
        return
    caption.value = html.escape(view.caption)
    chart.value = view.chart_html
    if table is not None:
        table.value = view.table_html
    box.view = view
