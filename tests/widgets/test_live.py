"""The shared wiring (course.widgets.live) and the widgets moved onto it: each control change or
button click recomputes once, and the widgets keep what they showed before the move."""
from __future__ import annotations

import datetime as dt

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

import course.widgets.ipa_explorer as ipa_module
from course.satisfaction import ATTRIBUTES
from course.widgets.ipa_explorer import ipa_explorer
from course.widgets.live import live
from course.widgets.rfm_upload import rfm_upload
from course.widgets.spin_sorter import spin_sorter


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh_CN")


def test_live_runs_now_on_every_change_and_on_every_click():
    slider, button, calls = w.IntSlider(value=1), w.Button(), []
    box = live(w.VBox(), [slider], lambda _change=None: calls.append(slider.value), clicks=[button])
    assert calls == [1] and callable(box.update)
    slider.value = 2
    button.click()
    assert calls == [1, 2, 2]


def test_upload_shows_the_segments_and_a_cleared_upload_keeps_them():
    box = rfm_upload()
    assert box.view is None  # nothing uploaded yet: the waiting message stays
    data = "客户编号,订单日期,金额\nA1,2024-03-05,100\nA2,2024-04-01,80\n".encode()
    box.upload.value = ({"name": "orders.csv", "type": "text/csv", "size": len(data),
                         "content": memoryview(data), "last_modified": dt.datetime(2024, 5, 1)},)
    assert box.view is not None and box.view.ok and "客户分层" in box.table.value
    shown = box.table.value
    box.upload.value = ()
    assert box.table.value == shown


def test_a_new_quiz_is_live_and_the_old_toggles_are_not_shown():
    kinds = ["S", "P", "I", "N"]
    bank = pd.DataFrame(
        [(f"{p}{k}", s, k, f"问题{p}{k}？", "解释") for s, p in (("甲", "A"), ("乙", "B")) for k in kinds],
        columns=["question_id", "scenario", "spin", "question", "explanation"])
    box = spin_sorter(bank, "甲", per_type=1)
    old = box.toggles
    box.scenario.value = "乙"
    assert box.toggles is not old and box.view.answered == 0
    for toggle, kind in zip(box.toggles, box.quiz["spin"]):
        toggle.value = kind
    assert box.view.correct == 4 and "4/4" in box.score.value


def test_ipa_grouping_change_redraws_once(monkeypatch):
    rng = np.random.default_rng(2)
    n = 120
    surveys = pd.DataFrame({a: rng.integers(1, 6, n) for a in ATTRIBUTES})
    surveys["csat"] = rng.integers(1, 6, n)
    surveys["customer_id"] = [f"C{i}" for i in range(n)]
    customers = pd.DataFrame({"customer_id": surveys["customer_id"],
                              "customer_type": np.where(np.arange(n) < 80, "个人", "企业"),
                              "tier": "普通"})
    box = ipa_explorer(surveys, customers)
    calls = []
    real = ipa_module.ipa_view
    monkeypatch.setattr(ipa_module, "ipa_view", lambda *a: calls.append(a) or real(*a))
    box.controls["by"].value = "customer_type"  # refills the segment list, then one redraw
    assert len(calls) == 1 and box.view.segment == "个人"
    box.controls["segment"].value = "企业"
    assert len(calls) == 2 and box.view.answers == 40
