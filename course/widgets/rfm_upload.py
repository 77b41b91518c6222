"""Upload widget for the RFM lesson: segment a trainee's own order export without the command line.

The file is read from the widget's memory (never written to disk); the pure function
``upload_view`` does the work and is what the tests call.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from course.byo import read_orders, segment_customers, summary_line
from course.core.i18n import CourseError, t


@dataclass
class UploadView:
    ok: bool
    message: str
    table_html: str
    result: object = None  # one row per customer (a DataFrame) when ok


def upload_view(name: str, data: bytes, as_of=None) -> UploadView:
    from course.rfm import segment_summary

    try:
        parsed = read_orders(name, data)
        customers = segment_customers(parsed, as_of)
    except CourseError as error:
        return UploadView(False, "❌ " + str(error), "")
    summary = segment_summary(customers)[["segment", "customers", "customer_share", "revenue_share", "action"]]
    table = summary.assign(customer_share=summary["customer_share"].map("{:.1%}".format),
                           revenue_share=summary["revenue_share"].map("{:.1%}".format))
    return UploadView(True, "✅ " + summary_line(parsed), table.to_html(index=False, escape=True), customers)


def rfm_upload():
    import ipywidgets as widgets

    upload = widgets.FileUpload(accept=".csv,.xlsx", multiple=False, description=t("byo.upload_button"))
    message = widgets.HTML(t("byo.upload_waiting"))
    table = widgets.HTML("")
    box = widgets.VBox([widgets.HTML(t("byo.upload_caption")), upload, message, table])

    def on_upload(change) -> None:
        if not change["new"]:
            return
        item = change["new"][0]
        view = upload_view(item["name"], bytes(item["content"]))
        message.value = html.escape(view.message)
        table.value = view.table_html
        box.view = view

    upload.observe(on_upload, names="value")
    box.upload, box.message, box.table, box.view = upload, message, table, None
    return box
