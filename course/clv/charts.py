"""Charts for module M08 in the course's house style (Chinese labels from the catalog).

Each function returns a matplotlib Figure detached from pyplot, shown once as a cell's last value.
"""
from __future__ import annotations

import pandas as pd

from course.core.i18n import t
from course.core.plotting import ACCENT_COLOR, BASE_COLOR, MUTED_COLOR, new_figure


def _detach(fig):
    import matplotlib.pyplot as plt

    plt.close(fig)
    return fig


def cohort_chart(retention: pd.DataFrame, cohorts=None):
    """Retention curves (in %) of the chosen cohorts of a ``cohort_retention`` table.

    By default: the first quarter of every year, so that the lines stay readable.
    """
    if cohorts is None:
        cohorts = [c for c in retention.index if str(c).endswith("Q1")] or list(retention.index)
    fig, ax = new_figure(t("clv.chart_cohort_title"))
    colors = [BASE_COLOR, ACCENT_COLOR, MUTED_COLOR, "#6A994E", "#7B2CBF"]
    periods = [c for c in retention.columns if c != "customers"]
    for i, cohort in enumerate(cohorts):
        row = retention.loc[cohort, periods].astype(float).dropna()
        label = t("clv.chart_cohort_legend", cohort=cohort,
                  customers=int(retention.loc[cohort, "customers"]))
        ax.plot(row.index, row.to_numpy() * 100, marker="o", markersize=4,
                color=colors[i % len(colors)], label=label)
    ax.set_xlabel(t("clv.chart_cohort_x"))
    ax.set_ylabel(t("clv.chart_cohort_y"))
    ax.set_ylim(0, 105)
    ax.legend(frameon=False, fontsize=9)
    return _detach(fig)


def tracking_chart(tracking: pd.DataFrame, calibration_weeks: float):
    """Actual vs predicted cumulative repeat purchases (a ``tracking_table``), calibration marked."""
    fig, ax = new_figure(t("clv.chart_tracking_title"))
    ax.plot(tracking["week"], tracking["actual"], color=BASE_COLOR, linewidth=2,
            label=t("clv.chart_tracking_actual"))
    ax.plot(tracking["week"], tracking["predicted"], color=ACCENT_COLOR, linestyle="--",
            linewidth=2, label=t("clv.chart_tracking_predicted"))
    ax.axvline(calibration_weeks, color="#5C6770", linewidth=0.8)
    ax.text(calibration_weeks + 0.8, ax.get_ylim()[1] * 0.05, t("clv.chart_tracking_split"),
            fontsize=9, color="#5C6770")
    ax.set_xlabel(t("clv.chart_tracking_x"))
    ax.set_ylabel(t("clv.chart_tracking_y"))
    ax.legend(frameon=False)
    return _detach(fig)
