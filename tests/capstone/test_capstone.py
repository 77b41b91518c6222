"""Tests for course.capstone: joining RFM, CLV and the retention list, assembling the one-page plan,
and exporting it to HTML and Excel. The last test runs the lesson notebook and proves it writes the
plan into the folder it is given, not next to the notebook."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, need

from course.campaign import plan_campaign, retention_priority, value_table
from course.capstone import (
    ACTION_COLUMNS,
    COLUMNS,
    SECTION_KEYS,
    action_plan,
    display_table,
    display_value,
    header,
    save_list,
    segment_values,
    sheet_name,
    text_width,
    write_excel,
)
from course.clv import customer_values
from course.complaints import category_pareto, repurchase_by_recovery, sla_summary
from course.core.i18n import CourseError
from course.data import load
from course.rfm import SEGMENTS, rfm_scores, rfm_segments, rfm_table, segment_summary

CJK = re.compile(r"[\u4e00-\u9fff]")
COSTS = {"微信小程序": 60, "天猫旗舰店": 150, "门店": 300, "企业客户经理": 1200}


# ----------------------------------------------------------------------------------------------
# The pipeline on the fictional company (built once)
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def parts():
    orders, customers, complaints = load("orders"), load("customers"), load("complaints")
    segmented = rfm_segments(rfm_scores(rfm_table(orders, as_of="2025-01-01")))
    values = customer_values(orders, customers, COSTS, margin_rate=0.25, years=3)
    priority = value_table(orders, customers, as_of="2025-01-01")
    return {
        "segmented": segmented,
        "values": values,
        "priority": priority,
        "segments": segment_summary(segmented),
        "segment_value": segment_values(segmented, values),
        "campaign": plan_campaign(priority, budget=20_000, offer=50),
        "save": save_list(priority, segmented, top=10),
        "sla": sla_summary(complaints),
        "pareto": category_pareto(complaints),
        "recovery": repurchase_by_recovery(complaints),
    }


def build(parts, **extra):
    keys = ["segments", "segment_value", "campaign", "save", "sla", "pareto", "recovery"]
    return action_plan(**{k: parts[k] for k in keys}, **{"budget": 20_000, "offer": 50, **extra})


@pytest.fixture()
def plan(parts):
    return build(parts, author="王敏")


# ----------------------------------------------------------------------------------------------
# segment_values and save_list
# ----------------------------------------------------------------------------------------------
def test_segment_values_adds_up_each_segment(parts):
    table = parts["segment_value"]
    assert table["segment"].astype(str).tolist() == SEGMENTS
    joined = parts["segmented"].merge(parts["values"], on="customer_id")
    for name in SEGMENTS:
        rows = joined[joined["segment"] == name]
        got = table.loc[table["segment"] == name].iloc[0]
        assert got["customers"] == len(rows)
        assert got["future_profit"] == pytest.approx(rows["future_profit"].sum())
        assert got["current_profit"] == pytest.approx(rows["current_profit"].sum())
    assert table["future_share"].sum() == pytest.approx(1.0)


def test_segment_values_keeps_empty_segments_and_drops_unmatched_customers():
    segmented = pd.DataFrame({"customer_id": ["a", "b", "c"],
                              "segment": [SEGMENTS[0], SEGMENTS[0], SEGMENTS[3]]})
    values = pd.DataFrame({"customer_id": ["a", "b", "z"], "current_profit": [10.0, 5.0, 99.0],
                           "future_profit": [30.0, 10.0, 99.0]})
    table = segment_values(segmented, values).set_index("segment")
    assert len(table) == 8
    assert table.loc[SEGMENTS[0], "customers"] == 2
    assert table.loc[SEGMENTS[0], "future_profit"] == 40.0
    assert table.loc[SEGMENTS[3], "customers"] == 0  # "c" has no value row
    assert table.loc[SEGMENTS[0], "future_share"] == 1.0


def test_save_list_is_the_retention_priority_with_segments(parts):
    save = parts["save"]
    expected = retention_priority(parts["priority"], top=10)
    assert save["customer_id"].tolist() == expected["customer_id"].tolist()
    assert save["expected_loss"].tolist() == expected["expected_loss"].tolist()
    lookup = parts["segmented"].set_index("customer_id")["segment"].astype(str)
    assert save["segment"].tolist() == lookup.loc[save["customer_id"]].tolist()


@pytest.mark.parametrize("top", [0, -3, 2.5, True, "10"])
def test_save_list_rejects_a_bad_length_in_chinese(parts, top):
    with pytest.raises(CourseError) as error:
        save_list(parts["priority"], parts["segmented"], top=top)
    assert CJK.search(str(error.value))


# ----------------------------------------------------------------------------------------------
# The plan
# ----------------------------------------------------------------------------------------------
def test_plan_has_every_section_in_order_with_findings_and_a_table(plan):
    assert [s.key for s in plan.sections] == SECTION_KEYS
    for section in plan.sections:
        assert CJK.search(section.title)
        assert section.findings and all(CJK.search(text) for text in section.findings)
        assert len(section.table) > 0
        assert set(section.table.columns) <= set(COLUMNS), section.key


def test_findings_are_computed_from_the_inputs(parts, plan):
    summary = parts["campaign"].summary
    text = " ".join(plan.section("campaign").findings)
    assert f"{int(summary['contacted'].iloc[0])} 位客户" in text
    assert f"{summary['profit'].iloc[0]:,.0f}" in text
    top = parts["pareto"]["category"].iloc[0]
    assert top in " ".join(plan.section("complaints").findings)
    # A different budget changes what the plan says.
    other = build({**parts, "campaign": plan_campaign(parts["priority"], budget=5_000, offer=50)},
                  budget=5_000)
    assert other.section("campaign").findings != plan.section("campaign").findings
    assert "5,000" in other.section("campaign").findings[0]


def test_draft_actions_name_the_top_complaint_and_the_save_list(parts, plan):
    actions = plan.actions
    assert list(actions.columns) == ACTION_COLUMNS
    assert actions["priority"].tolist() == list(range(1, len(actions) + 1))
    assert actions[ACTION_COLUMNS[1:]].map(lambda v: isinstance(v, str) and v != "").all().all()
    joined = " ".join(actions["action"] + actions["target"])
    assert parts["pareto"]["category"].iloc[0] in joined
    assert f"前 {len(parts['save'])} 位" in joined


def test_campaign_action_without_an_offer_shows_no_blank_amount(parts):
    keys = ["segments", "segment_value", "campaign", "save", "sla", "pareto", "recovery"]
    plain = action_plan(**{k: parts[k] for k in keys})
    assert not any("优惠  元" in a or "—" in a for a in plain.actions["action"])
    assert all("预算" not in f for f in plain.section("campaign").findings)


def test_add_action_appends_the_next_priority(plan):
    before = len(plan.actions)
    plan.add_action("  给投诉客户回电  ", target="上月投诉客户", owner="客服组长", due="下周五前",
                    measure="回电完成率")
    after = plan.actions
    assert len(after) == before + 1
    assert after.iloc[-1].to_dict() == {"priority": before + 1, "action": "给投诉客户回电",
                                        "target": "上月投诉客户", "owner": "客服组长",
                                        "due": "下周五前", "measure": "回电完成率"}


@pytest.mark.parametrize("kwargs", [{"action": "   "}, {"action": 3}, {"action": "x", "owner": 5}])
def test_add_action_rejects_empty_or_non_text_in_chinese(plan, kwargs):
    with pytest.raises(CourseError) as error:
        plan.add_action(**kwargs)
    assert CJK.search(str(error.value))


def test_missing_columns_and_wrong_types_are_explained(parts):
    keys = ["segments", "segment_value", "campaign", "save", "sla", "pareto", "recovery"]
    broken = {k: parts[k] for k in keys}
    broken["pareto"] = parts["pareto"].drop(columns="cum_share")
    with pytest.raises(CourseError) as error:
        action_plan(**broken)
    assert "cum_share" in str(error.value) and CJK.search(str(error.value))
    broken["pareto"] = "不是表"
    with pytest.raises(CourseError, match="DataFrame"):
        action_plan(**broken)


def test_unknown_section_lists_the_valid_ones(plan):
    with pytest.raises(CourseError) as error:
        plan.section("budget")
    assert "segments" in str(error.value) and "actions" in str(error.value)


# ----------------------------------------------------------------------------------------------
# Showing values
# ----------------------------------------------------------------------------------------------
def test_display_formats():
    assert display_value(0.2468, "pct") == "24.7%"
    assert display_value(1234567.8, "money") == "1,234,568"
    assert display_value(np.int64(1050), "int") == "1,050"
    assert display_value(2.71604, "ratio") == "2.72"
    assert display_value(True, "flag") == "是" and display_value(False, "flag") == "否"
    assert display_value(np.nan, "pct") == "—" and display_value(None, "text") == "—"


def test_every_shown_column_has_a_chinese_header():
    for column in COLUMNS:
        assert CJK.search(header(column)), column
    assert header("not_in_catalog") == "not_in_catalog"


def test_display_table_uses_chinese_headers(plan):
    shown = display_table(plan.section("save").table)
    assert list(shown.columns)[0] == "客户编号"
    assert all(isinstance(v, str) for v in shown.to_numpy().ravel())


def test_text_width_counts_chinese_double():
    assert text_width("ab") == 2
    assert text_width("客户") == 4
    assert text_width("客户 ab") == 7


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.stack, self.sections, self.charset = [], [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "charset" in attrs:
            self.charset = attrs["charset"]
        if tag == "section":
            self.sections.append(attrs.get("data-section"))
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_html_page_is_complete_chinese_and_well_formed(plan):
    page = plan.to_html()
    assert page.startswith("<!doctype html>") and "lang='zh-CN'" in page
    parser = _Collector()
    parser.feed(page)
    assert parser.stack == []  # every tag closed
    assert parser.charset == "utf-8"
    assert parser.sections == SECTION_KEYS
    text = "".join(parser.text)
    assert plan.title in text and "王敏" in text
    for section in plan.sections:
        assert section.title in text
        assert header(section.table.columns[0]) in text


def test_html_escapes_what_a_trainee_types(plan):
    plan.add_action("<script>alert(1)</script> & 回电")
    page = plan.to_html()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 回电" in page


def test_notebook_fragment_has_no_page_wrapper(plan):
    fragment = plan._repr_html_()
    assert "<html" not in fragment and "<style>" in fragment and plan.title in fragment


def test_html_renders_chinese_on_one_a4_page_in_a_browser(plan, tmp_path):
    from course.trainer import browser as chromium

    need(chromium.available())
    html_path, _ = plan.save(tmp_path)
    with chromium.browser() as instance, chromium.offline_page(instance) as page:
        page.goto(html_path.as_uri())
        body = page.inner_text("body")
        pdf = page.pdf(format="A4", print_background=True)
    # Read with the declared charset the titles come back intact (no mojibake).
    assert plan.title in body
    assert all(section.title in body for section in plan.sections)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


# ----------------------------------------------------------------------------------------------
# Excel and saving
# ----------------------------------------------------------------------------------------------
def test_excel_has_the_expected_sheets_headers_and_values(plan, tmp_path):
    from openpyxl import load_workbook

    path = write_excel(plan, tmp_path / "plan.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [sheet_name("overview")] + [sheet_name(k) for k in SECTION_KEYS]
    assert len(set(book.sheetnames)) == len(book.sheetnames)
    overview = book[sheet_name("overview")]
    assert overview["A1"].value == plan.title
    overview_text = "\n".join(str(c.value) for c in overview["A"] if c.value)
    for section in plan.sections:
        assert section.title in overview_text
        assert all(f in overview_text for f in section.findings)
    for section in plan.sections:
        sheet = book[sheet_name(section.key)]
        headers = [c.value for c in sheet[1]]
        assert headers == [header(c) for c in section.table.columns]
        assert all(CJK.search(h) for h in headers)
        assert sheet.max_row == len(section.table) + 1
        assert sheet.freeze_panes == "A2"
        for index, _column in enumerate(section.table.columns):
            letter = sheet.cell(1, index + 1).column_letter
            assert sheet.column_dimensions[letter].width >= text_width(headers[index])
    save = book[sheet_name("save")]
    losses = [row[5] for row in save.iter_rows(min_row=2, values_only=True)]
    assert losses == pytest.approx(plan.section("save").table["expected_loss"].tolist())
    assert save.cell(2, 5).number_format == "0.0%"  # churn_risk is a share
    assert [c.value for c in save["A"][1:]] == plan.section("save").table["customer_id"].tolist()


def test_save_writes_both_files_into_the_chosen_folder(plan, tmp_path):
    folder = tmp_path / "nested" / "my_plan"
    paths = plan.save(folder, name="季度计划")
    assert [p.name for p in paths] == ["季度计划.html", "季度计划.xlsx"]
    assert all(p.parent == folder and p.stat().st_size > 0 for p in paths)
    assert plan.title in paths[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["", "a/b", "x?y"])
def test_save_rejects_a_bad_file_name(plan, tmp_path, name):
    with pytest.raises(CourseError):
        plan.save(tmp_path, name=name)


# ----------------------------------------------------------------------------------------------
# The lesson writes into the folder it is given
# ----------------------------------------------------------------------------------------------
def test_lesson_saves_the_plan_into_the_parameter_folder(tmp_path):
    import papermill

    lesson = REPO / "notebooks" / "12-capstone.ipynb"
    assert lesson.exists()
    default = lesson.parent / "my_plan"
    existed = default.exists()
    out = tmp_path / "plan"
    papermill.execute_notebook(str(lesson), str(tmp_path / "run.ipynb"), cwd=str(lesson.parent),
                               kernel_name="python3", progress_bar=False, log_output=False,
                               parameters={"plan_folder": str(out), "budget": 8000})
    assert sorted(p.name for p in out.iterdir()) == ["action_plan.html", "action_plan.xlsx", "kpi_sheet.xlsx"]
    assert "8,000" in (out / "action_plan.html").read_text(encoding="utf-8")
    assert default.exists() == existed  # nothing written next to the notebook


# ----------------------------------------------------------------------------------------------
# The skill-KPI target sheet
# ----------------------------------------------------------------------------------------------
def test_kpi_current_reads_the_company_data():
    from course.capstone import kpi_current

    complaints, surveys = load("complaints"), load("surveys")
    now = kpi_current(complaints, surveys)
    hours = (pd.to_datetime(complaints["resolved_at"]) - pd.to_datetime(complaints["created_at"]))
    assert now["resolution_within_24h"] == pytest.approx((hours.dt.total_seconds() <= 24 * 3600).mean())
    assert now["first_contact_resolution"] == pytest.approx(complaints["first_contact_resolved"].mean())
    assert now["repurchase"] == pytest.approx(complaints["repurchased"].mean())
    assert now["csat"] == pytest.approx((surveys["csat"] >= 4).mean())
    promoters, detractors = (surveys["nps"] >= 9).mean(), (surveys["nps"] <= 6).mean()
    assert now["nps"] == pytest.approx(100 * (promoters - detractors))
    assert kpi_current() == {}


def test_kpi_sheet_fills_what_it_is_given_and_leaves_the_rest_blank():
    from course.capstone import KPI_ROWS, kpi_sheet

    sheet = kpi_sheet(current={"首次解决率": 0.22, "nps": 7.5},
                      targets={"first_contact_resolution": 0.4, "NPS": 20},
                      owners={"首次解决率": "客服组长"})
    assert len(sheet) == len(KPI_ROWS)
    assert set(sheet["skill"]) == {"客户洞察", "沟通协同", "服务优化", "忠诚培育"}
    row = sheet.set_index("kpi").loc["首次解决率"]
    assert row["gap"] == pytest.approx(0.18) and row["owner"] == "客服组长"
    assert sheet.set_index("kpi").loc["NPS", "gap"] == pytest.approx(12.5)
    blank = sheet.set_index("kpi").loc["画像完整度"]
    assert blank[["current", "target", "gap"]].isna().all()


@pytest.mark.parametrize("kwargs, words", [
    ({"targets": {"满意率": 0.9}}, ["满意率", "首次解决率"]),
    ({"current": {"CSAT": "八成"}}, ["CSAT", "八成"]),
    ({"targets": {"NPS": True}}, ["NPS"]),
])
def test_kpi_sheet_explains_bad_input_in_chinese(kwargs, words):
    from course.capstone import kpi_sheet

    with pytest.raises(CourseError) as error:
        kpi_sheet(**kwargs)
    assert all(w in str(error.value) for w in words)


def test_kpi_sheet_is_shown_and_saved_with_chinese_headers(tmp_path):
    from openpyxl import load_workbook

    from course.capstone import kpi_sheet, save_kpi_sheet, show_kpi_sheet

    sheet = kpi_sheet(current={"CSAT": 0.591, "NPS": 7.6}, targets={"CSAT": 0.7})
    shown = show_kpi_sheet(sheet).set_index("指标")
    assert list(shown.columns)[:4] == ["技能模块", "现状", "目标", "差距"]
    assert shown.loc["CSAT", "现状"] == "59.1%" and shown.loc["NPS", "现状"] == "7.6"
    assert shown.loc["画像完整度", "目标"] == "—"
    path = save_kpi_sheet(sheet, tmp_path / "team")
    page = load_workbook(path).active
    assert [c.value for c in page[1]] == ["技能模块", "指标", "现状", "目标", "差距", "衡量指标", "负责人"]
    rows = {r[1].value: r for r in page.iter_rows(min_row=2)}
    assert rows["CSAT"][2].value == pytest.approx(0.591) and rows["CSAT"][2].number_format == "0.0%"
    assert rows["CSAT"][4].value == pytest.approx(0.7 - 0.591)
    assert rows["NPS"][2].number_format == "0.0" and rows["画像完整度"][2].value is None
    with pytest.raises(CourseError):
        save_kpi_sheet(sheet, tmp_path, name="a/b")
