"""Upload widget for the RFM lesson: segment a trainee's own order export without the command line.

The file is read from the widget's memory (never written to disk); the pure function
``upload_view`` does the work and is what the tests call.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from course.byo import read_orders, segment_customers, summary_line
from course.core.display import frame_html
from course.core.i18n import CourseError, t
from course.widgets.live import live


@dataclass
class UploadView:
    ok: bool
    message: str
    table_html: str
    result: object = None  # one row per customer (a DataFrame) when ok
    problems_html: str = ""  # every row that could not be used, with its reason


def upload_view(name: str, data: bytes, as_of=None) -> UploadView:
    from course.rfm import segment_summary

    try:
        parsed = read_orders(name, data)
        customers = segment_customers(parsed, as_of)
    except CourseError as error:
        return UploadView(False, "❌ " + str(error), "")
    summary = segment_summary(customers)[["segment", "customers", "customer_share", "revenue_share", "action"]]
    return UploadView(True, "✅ " + summary_line(parsed), frame_html(summary), customers,
                      problems_view(parsed.problems))


def problems_view(problems, limit: int = 50) -> str:
    """The rejected rows, each with its row number and reason (as the command-line tool writes them)."""
    if problems is None or not len(problems):
        return ""
    title = t("display.rejected_title", rows=len(problems))
    more = t("display.rejected_more", shown=limit) if len(problems) > limit else ""
    return (f"<div style='margin-top:6px'><b>{html.escape(title)}</b>{frame_html(problems.head(limit))}"
            f"{html.escape(more)}</div>")


def rfm_upload():
    import ipywidgets as widgets

    upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=t("byo.upload_button"))
    message = widgets.HTML(t("byo.upload_waiting"))
    table = widgets.HTML("")
    box = widgets.VBox([widgets.HTML(t("byo.upload_caption")), upload, message, table])

    def update(_change=None) -> None:
        if not upload.value:  # nothing uploaded yet (or the upload was cleared): keep the screen
            return
        item = upload.value[0]
        view = upload_view(item["name"], bytes(item["content"]))
        message.value = html.escape(view.message)
        table.value = view.table_html + view.problems_html
        box.view = view

    box.upload, box.message, box.table, box.view = upload, message, table, None
    return live(box, [upload], update)
