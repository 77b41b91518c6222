"""SPIN call planner: put questions in the order you would ask them and see what the plan lacks.

``planner_view(bank, question_ids)`` is a pure function (checks the plan with ``check_plan`` and
renders it); ``spin_planner(bank)`` wires it to a scenario picker and a few ordered slots.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from course.core.i18n import t
from course.spin import PlanCheck, check_plan, scenarios, spin_name
from course.widgets.live import live

DEFAULT_SLOTS = 5
OK_COLOR, PROBLEM_COLOR = "#2F9E44", "#C92A2A"
TYPE_COLORS = {"S": "#5C7CFA", "P": "#E8A33D", "I": "#D9480F", "N": "#2F9E44"}


@dataclass(frozen=True, eq=False)
class PlannerView:
    check: PlanCheck
    html: str


def planner_view(bank: pd.DataFrame, question_ids) -> PlannerView:
    """Check the plan (blank slots are skipped) and render the sequence with its problems."""
    check = check_plan(bank, list(question_ids))
    chips = "".join(
        f'<span style="display:inline-block;padding:2px 8px;margin:2px;border-radius:10px;'
        f'color:#fff;background:{TYPE_COLORS[k]}">{k}</span>'
        for k in check.sequence
    ) or "—"
    parts = [f'<div>{html.escape(t("spin.planner_sequence", sequence=""))}{chips}</div>']
    if check.ok:
        parts.append(f'<div style="color:{OK_COLOR};font-weight:bold">✓ {html.escape(t("spin.plan_ok"))}</div>')
    else:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in check.problems)
        parts.append(f'<ul style="color:{PROBLEM_COLOR};margin:4px 0">{items}</ul>')
    return PlannerView(check, f'<div style="max-width:760px">{"".join(parts)}</div>')


def _options(bank: pd.DataFrame, scenario: str) -> list:
    rows = bank[bank["scenario"].astype(str) == scenario].sort_values("question_id")
    # The options do not reveal the type: sorting the questions is the trainee's job.
    return [(t("spin.planner_none"), None)] + [
        (f"{r.question_id} {r.question}", r.question_id) for r in rows.itertuples(index=False)
    ]


def spin_planner(bank: pd.DataFrame, scenario: str | None = None, slots: int = DEFAULT_SLOTS):
    """An interactive planner (an ``ipywidgets.VBox``): ``slots`` ordered question pickers.

    The box carries ``.scenario``, ``.slots`` (the Dropdowns), ``.result`` and ``.view``.
    """
    import ipywidgets as w

    names = scenarios(bank)
    scenario = names[0] if scenario is None else scenario
    picker = w.Dropdown(description=t("spin.sorter_scenario"), options=names, value=scenario)
    pickers = [w.Dropdown(description=t("spin.planner_slot", n=i + 1), options=_options(bank, scenario),
                          value=None, layout=w.Layout(width="640px"), style={"description_width": "4em"})
               for i in range(slots)]
    result = w.HTML()
    box = w.VBox([w.HTML(html.escape(t("spin.planner_caption", slots=slots))), picker, *pickers, result])
    box.scenario, box.slots, box.result, box.view = picker, pickers, result, None

    def update(_change=None):
        view = planner_view(bank, [p.value for p in pickers])
        result.value = view.html
        box.view = view

    def rescenario(_change=None):
        for p in pickers:
            p.unobserve(update, names="value")
            p.options = _options(bank, picker.value)
            p.value = None
            p.observe(update, names="value")
        update()

    picker.observe(rescenario, names="value")
    return live(box, pickers, update)


__all__ = ["PlannerView", "planner_view", "spin_planner", "spin_name"]
