"""客户关系维护、服务营销与客户价值 — the workshop kit's package.

Lesson notebooks use one-line calls from here, e.g. ``load("orders")``, ``rfm_explorer(orders)`` or
``check("q1")``. Heavy modules load on first use so that ``import course`` stays fast.
"""
from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it (imported on first access)
_LAZY = {
    "load": "course.data",
    "dataset_names": "course.data",
    "use_chinese_font": "course.plotting",
    "rfm_table": "course.rfm",
    "rfm_scores": "course.rfm",
    "rfm_segments": "course.rfm",
    "segment_summary": "course.rfm",
    "SEGMENT_ACTIONS": "course.rfm",
    "SEGMENTS": "course.rfm",
    "rfm_explorer": "course.widgets.rfm_explorer",
    "rfm_upload": "course.widgets.rfm_upload",
    "start_exercise": "course.checking",
    "check": "course.checking",
    "show_answer": "course.checking",
    "mask_pii": "course.privacy",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'course' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
