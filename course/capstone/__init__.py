"""The capstone (module M12): one page that turns the earlier modules' results into an action plan,
exported as HTML and Excel.

Nothing here re-computes what another module already does. The notebook runs RFM (M07), CLV (M08),
the campaign planner (M09) and the complaint analytics (M10); this package only joins their tables
and writes them down::

    by_segment = segment_values(segmented, values)   # RFM segments × CLV future profit
    save       = save_list(priority_values, segmented, top=10)  # retention_priority + segment
    plan = action_plan(segments=segment_summary(segmented), segment_value=by_segment,
                       campaign=plan_campaign(...), save=save, sla=sla_summary(complaints),
                       pareto=category_pareto(complaints),
                       recovery=repurchase_by_recovery(complaints), budget=20_000, offer=50)
    plan.add_action("……", target="……", owner="……", due="……", measure="……")
    plan.save("my_plan")      # → my_plan/action_plan.html and my_plan/action_plan.xlsx

Every section holds a few computed sentences (``findings``) and one table with English column
names; Chinese headers and number formats are applied only when the plan is shown or exported.

One module per concern:
- ``joins``: RFM segments × CLV values, the save list;
- ``plan``: the sections, their findings and the draft action list;
- ``display``: Chinese headers and how each kind of value is shown;
- ``page``: the HTML page / notebook fragment;
- ``workbook``: the Excel file;
- ``kpi``: the skill-KPI target sheet for the trainee's own team.
"""
from __future__ import annotations

from course.capstone.display import COLUMNS, display_table, display_value, header
from course.capstone.joins import save_list, segment_values
from course.capstone.kpi import KPI_ROWS, kpi_current, kpi_sheet, save_kpi_sheet, show_kpi_sheet
from course.capstone.page import render_html
from course.capstone.plan import (
    ACTION_COLUMNS,
    SECTION_KEYS,
    ActionPlan,
    PlanSection,
    action_plan,
    draft_actions,
)
from course.capstone.workbook import sheet_name, write_excel
from course.core.excel import text_width

__all__ = [
    "SECTION_KEYS", "ACTION_COLUMNS", "COLUMNS", "segment_values", "save_list", "draft_actions",
    "action_plan", "ActionPlan", "PlanSection", "header", "display_value", "display_table",
    "render_html", "write_excel", "text_width", "sheet_name", "KPI_ROWS", "kpi_current",
    "kpi_sheet", "show_kpi_sheet", "save_kpi_sheet",
]
