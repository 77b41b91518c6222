"""客户关系维护、服务营销与客户价值 — the workshop kit's package, and the one door lessons use.

Every lesson and exercise imports through here: ``from course import load, rfm_explorer, check``.
Each public name belongs to exactly one module (the table below); that module is imported on first
use, so that ``import course`` stays fast. Library code imports from the defining module instead.
"""
from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# defining module -> the names lessons may import from ``course`` (one owner per name)
DOORS = {
    "course.campaign": "churn_risk_table clv_tiers plan_campaign retention_priority tier_summary value_table",
    "course.capstone.joins": "save_list segment_values",
    "course.capstone.kpi": "kpi_current kpi_sheet save_kpi_sheet show_kpi_sheet",
    "course.capstone.plan": "action_plan",
    "course.churn": "churn_reasons concentration departure_losses owner_book",
    "course.classroom.submit": "submit",
    "course.clv": (
        "clv_matrix clv_table cohort_retention customer_values matrix_cells simple_clv "
        "yearly_retention"
    ),
    "course.clv.charts": "cohort_chart tracking_chart",
    "course.clv.models": "fit_bgnbd fit_gamma_gamma predicted_clv purchase_summary tracking_table",
    "course.complaints": (
        "category_pareto complaint_iceberg complaint_times repurchase_by_hours "
        "repurchase_by_recovery repurchase_chart sla_by sla_summary"
    ),
    "course.core.plotting": "bar_chart pareto_chart use_chinese_font",
    "course.core.privacy": "mask_pii",
    "course.cross_sell": "association_rules baskets cross_sell_targets",
    "course.customer_events": "break_even_orders event_budget",
    "course.credit": (
        "DEFAULT_INDICATORS adjust_grades assign_grades choose_indicators compare_samples "
        "fit_scorecard grade_report information_values rule_list split_applications woe_table"
    ),
    "course.data": "dataset_names load",
    "course.exercises.check": "check show_answer start_exercise",
    "course.exercises.variants": "variant_date variant_pick",
    "course.loyalty": "abc_classes abc_summary loyalty_index loyalty_rules loyalty_summary pareto_curve",
    "course.network": (
        "activity_table dependency_graph importance_table influence_table network_chart "
        "social_segments social_summary top_by"
    ),
    "course.negotiation": "bargaining_zone concession_plan plan_issues volume_to_offset",
    "course.objections": "assess get_objection objection_table",
    "course.opportunity": "dormant_customers lifecycle_summary pip_value reactivation_value",
    "course.profiles": (
        "DIMENSIONS build_profiles clean_customers completeness data_issues demand_forecast "
        "duplicate_count field_completeness fit_propensity lift_table messy_customers "
        "propensity_data propensity_scores rule_score seasonal_demand segment_profile touch_points"
    ),
    "course.psychology": (
        "body_language_table customer_types_table examples psychologies_table top_type_by "
        "type_chart type_counts"
    ),
    "course.receivables": "ageing_summary ageing_table dso overdue_customers",
    "course.rfm": "SEGMENTS SEGMENT_ACTIONS rfm_scores rfm_segments rfm_table segment_summary",
    "course.roleplay": "scenario_overview",
    "course.satisfaction": (
        "csat_chart csat_distribution csat_score ipa_chart ipa_quadrants key_drivers nps "
        "nps_bootstrap nps_interval nps_table rate_by survey_indicators with_segments"
    ),
    "course.service_design": "JOURNEY blueprint complaints_by_touchpoint journey_table service_tiers",
    "course.service_numbers": (
        "blended_churn churn_by_satisfaction churn_chart churn_reduction_value iceberg_counts "
        "misconceptions_table pyramids repurchase_after_complaint retention_chart "
        "satisfaction_mix service_numbers_table silent_unhappy simulate_retention top_share"
    ),
    "course.spin": "check_plan",
    "course.survey_design": "check_survey issue_counts question_issues",
    "course.trainer.console": "agenda_panel grading_panel summary_panel release_panel",
    "course.voc": (
        "DEFAULT_RULES accuracy classify clean_feedback confusion ctq_table ctq_tree "
        "load_segmenter pain_points tokenize top_words vital_few"
    ),
    "course.widgets.blueprint": "service_blueprint",
    "course.widgets.campaign_planner": "campaign_planner",
    "course.widgets.clv_calculator": "clv_calculator",
    "course.widgets.iceberg": "iceberg_simulator",
    "course.widgets.ipa_explorer": "ipa_explorer",
    "course.widgets.keyword_classifier": "keyword_classifier",
    "course.widgets.negotiation_planner": "negotiation_planner",
    "course.widgets.nps_simulator": "nps_simulator",
    "course.widgets.objection_trainer": "objection_trainer",
    "course.widgets.profile_card": "profile_card",
    "course.widgets.retention_simulator": "retention_simulator",
    "course.widgets.rfm_explorer": "rfm_explorer",
    "course.widgets.rfm_upload": "rfm_upload",
    "course.widgets.roleplay": "roleplay_simulator",
    "course.widgets.scenario_trainer": "scenario_trainer",
    "course.widgets.scorecard_explorer": "scorecard_explorer",
    "course.widgets.spin_planner": "spin_planner",
    "course.widgets.spin_sorter": "spin_sorter",
    "course.widgets.survey_checker": "survey_checker",
    "course.widgets.text_table": "text_table",
}

_LAZY = {name: module for module, names in DOORS.items() for name in names.split()}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'course' has no attribute {name!r}")
    # a misspelled keyword gets a Chinese CourseError listing the valid ones (course.core.keywords)
    value = import_module("course.core.keywords").checked(getattr(import_module(module), name))
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def _notebook_setup() -> None:
    """Inside an IPython kernel: Chinese table display and Chinese help for errors (cheap: nothing
    heavy is imported until a table or an error is actually shown)."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    from course.core import display, errors_help

    display.register(shell)
    errors_help.register(shell)


_notebook_setup()
