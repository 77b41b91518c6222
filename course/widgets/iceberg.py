"""The complaint iceberg: defects → noticed → complained → handled, drawn as layers around a
waterline. Above the water is what management sees (complaints); below it, the silent majority.

``iceberg_view(...)`` is pure (unit-tested directly); ``iceberg_simulator()`` wires it to sliders.
Each layer is as wide as the stage it belongs to (handled ⊂ complained ⊂ noticed ⊂ defects), so
the picture widens downwards like an iceberg; its label gives the head count of the layer itself.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

from course.core.i18n import CourseError, t
from course.service_numbers import ICEBERG_DEFAULTS, iceberg_counts
from course.widgets.live import live

# top to bottom: (layer, colour); the waterline sits between "unhandled" and "silent"
LAYERS = [("handled", "#F1F7FB"), ("unhandled", "#CFE3F1"),
          ("silent", "#7FA9CC"), ("unnoticed", "#2F6690")]
ABOVE_WATER = {"handled", "unhandled"}
LAYER_KEYS = {"handled": "ice_layer_handled", "unhandled": "ice_layer_complained",
              "silent": "ice_layer_silent", "unnoticed": "ice_layer_unnoticed"}
STAGE = {"handled": "handled", "unhandled": "complained", "silent": "noticed", "unnoticed": "defects"}
MIN_WIDTH = 14.0  # % — a layer with people in it stays visible as the tip


@dataclass(frozen=True)
class IcebergView:
    counts: dict  # iceberg_counts(...)
    widths: dict  # layer -> width in % of the picture (the defects stage is 100)
    caption: str
    html: str


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 0.05 else f"{value:,.1f}"


def iceberg_view(customers=ICEBERG_DEFAULTS["customers"], defect_rate=ICEBERG_DEFAULTS["defect_rate"],
                 notice_rate=ICEBERG_DEFAULTS["notice_rate"],
                 complain_rate=ICEBERG_DEFAULTS["complain_rate"],
                 handled_rate=ICEBERG_DEFAULTS["handled_rate"]) -> IcebergView:
    """Counts, layer widths, caption and the HTML picture for one setting of the rates."""
    counts = iceberg_counts(customers, defect_rate, notice_rate, complain_rate, handled_rate)
    widest = counts["defects"]
    widths = {
        name: 0.0 if counts[name] <= 0 or widest <= 0 else max(MIN_WIDTH, 100.0 * counts[STAGE[name]] / widest)
        for name, _ in LAYERS
    }
    fields = {k: _fmt(counts[k]) for k in ("customers", "defects", "noticed", "complained", "handled")}
    if counts["complained"] > 0:
        per = counts["silent_per_complaint"]
        caption = t("service_numbers.ice_caption", silent_per=f"{per:,.0f}" if per >= 10 else f"{per:.1f}",
                    **fields)
    else:
        caption = t("service_numbers.ice_caption_none", **fields)
    return IcebergView(counts=counts, widths=widths, caption=caption, html=_picture(counts, widths))


def _picture(counts: dict, widths: dict) -> str:
    above, below = [], []
    for name, color in LAYERS:
        text_color = "white" if name not in ABOVE_WATER and widths[name] >= 35 else "#1b2a38"
        label = f'{html.escape(t("service_numbers." + LAYER_KEYS[name]))}：{_fmt(counts[name])}'
        if widths[name] > 0:
            shape = (f'<div style="width:{widths[name]:.1f}%;margin:0 auto;height:26px;background:{color};'
                     'border:1px solid #9fb8cc;border-radius:3px"></div>')
        else:
            shape = '<div style="height:26px"></div>'
        (above if name in ABOVE_WATER else below).append(
            '<div style="position:relative;margin:2px 0">'
            f"{shape}"
            '<div style="position:absolute;top:5px;left:0;right:0;text-align:center;font-size:12px;'
            f'color:{text_color}">{label}</div></div>'
        )
    waterline = (
        '<div style="border-top:2px dashed #1f78b4;margin-top:6px;padding:2px 4px;font-size:11px;'
        f'color:#1f78b4;text-align:right">〰 {html.escape(t("service_numbers.ice_waterline"))}</div>'
    )
    return (
        '<div style="max-width:560px;border-radius:6px;overflow:hidden;border:1px solid #d5e3ee">'
        f'<div style="padding:8px 8px 0 8px;background:#ffffff">{"".join(above)}</div>'
        f'<div style="padding:0 8px 8px 8px;background:#e8f1f8">{waterline}{"".join(below)}</div>'
        "</div>"
    )


def iceberg_simulator(customers=ICEBERG_DEFAULTS["customers"], defect_rate=ICEBERG_DEFAULTS["defect_rate"],
                      notice_rate=ICEBERG_DEFAULTS["notice_rate"],
                      complain_rate=ICEBERG_DEFAULTS["complain_rate"],
                      handled_rate=ICEBERG_DEFAULTS["handled_rate"]):
    """The interactive iceberg (``ipywidgets.VBox``) with ``.controls``, ``.caption``, ``.picture``
    and ``.view`` for trainers and tests."""
    import ipywidgets as w

    iceberg_view(customers, defect_rate, notice_rate, complain_rate, handled_rate)  # check values
    style = {"description_width": "9em"}
    layout = w.Layout(width="360px")
    rates = {"defect_rate": ("ice_defect", defect_rate), "notice_rate": ("ice_notice", notice_rate),
             "complain_rate": ("ice_complain", complain_rate), "handled_rate": ("ice_handled", handled_rate)}
    controls = {"customers": w.IntSlider(description=t("service_numbers.ice_customers"),
                                         value=int(customers), min=0, max=max(10_000, math.ceil(customers)),
                                         step=100, style=style, layout=layout, continuous_update=False)}
    for name, (key, value) in rates.items():
        controls[name] = w.FloatSlider(description=t(f"service_numbers.{key}"), value=float(value), min=0,
                                       max=1, step=0.01, readout_format=".0%", style=style, layout=layout,
                                       continuous_update=False)
    caption, picture = w.HTML(), w.HTML()
    box = w.VBox([w.VBox(list(controls.values())), caption, picture])
    box.controls, box.caption, box.picture = controls, caption, picture
    box.view = None

    def update(_change=None):
        try:
            view = iceberg_view(**{k: c.value for k, c in controls.items()})
        except CourseError as err:
            caption.value = f'<span style="color:#b00020">{html.escape(str(err))}</span>'
            picture.value = ""
            box.view = None
            return
        caption.value = html.escape(view.caption)
        picture.value = view.html
        box.view = view

    return live(box, controls.values(), update)


__all__ = ["IcebergView", "iceberg_view", "iceberg_simulator"]
