"""The skill-KPI target sheet for the trainee's own team (seed 004: four skill modules): where each
KPI stands now, the target, the gap, how it is measured and who owns it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from course.capstone.display import display_value, header
from course.capstone.workbook import EXCEL_FORMATS, check_file_name, excel_value
from course.core import excel
from course.core.i18n import CourseError, choices, t

# (skill module, KPI code, kind): every name and how it is measured come from the catalog
KPI_ROWS = [
    ("insight", "profile_completeness", "pct"),
    ("insight", "needs_updated", "pct"),
    ("communication", "response_within_1h", "pct"),
    ("communication", "cross_dept_claimed", "pct"),
    ("communication", "first_contact_resolution", "pct"),
    ("service", "resolution_within_24h", "pct"),
    ("service", "csat", "pct"),
    ("loyalty", "nps", "one"),
    ("loyalty", "repurchase", "pct"),
]
KPI_COLUMNS = ["skill", "kpi", "current", "target", "gap", "measure", "owner"]
NUMBERS = ("current", "target", "gap")  # the columns shown in the KPI's own kind


def _kpi_code(name: str) -> str:
    """A KPI's code from its code or its Chinese name (what a trainee types)."""
    names = {code: t(f"capstone.kpi_{code}") for _, code, _ in KPI_ROWS}
    for code, shown in names.items():
        if name in (code, shown):
            return code
    raise CourseError("capstone.kpi_unknown", name=name, valid=choices(names.values()))


def _kpi_values(values) -> dict[str, float]:
    out = {}
    for name, value in (values or {}).items():
        code = _kpi_code(str(name))
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or pd.isna(value):
            raise CourseError("capstone.kpi_bad_value", name=name, value=value)
        out[code] = float(value)
    return out


def kpi_current(complaints: pd.DataFrame | None = None, surveys: pd.DataFrame | None = None) -> dict:
    """The KPIs the company data can already measure: response, resolution, first-contact
    resolution and repurchase from the complaint log; CSAT and NPS from the surveys."""
    from course.complaints import sla_summary
    from course.satisfaction import csat_score, nps

    found = {}
    if complaints is not None:
        rates = sla_summary(complaints).set_index("metric")["rate"]
        found["response_within_1h"] = float(rates["response_ok"])
        found["resolution_within_24h"] = float(rates["resolution_ok"])
        found["first_contact_resolution"] = float(rates["first_contact_resolved"])
        if "repurchased" in complaints.columns:
            found["repurchase"] = float(complaints["repurchased"].mean())
    if surveys is not None:
        found["csat"] = float(csat_score(surveys["csat"])) / 100
        found["nps"] = float(nps(surveys["nps"]))
    return found


def kpi_sheet(current=None, targets=None, owners=None) -> pd.DataFrame:
    """One row per KPI of the four skill modules: now, target, the gap to close, how it is
    measured and who owns it. Keys may be the KPI's Chinese name or its code; a KPI nobody
    filled in stays blank (NaN) rather than getting an invented number."""
    now, goal = _kpi_values(current), _kpi_values(targets)
    who = {_kpi_code(str(k)): str(v) for k, v in (owners or {}).items()}
    rows = []
    for skill, code, _ in KPI_ROWS:
        a, b = now.get(code), goal.get(code)
        rows.append({"skill": t(f"capstone.kpi_skill_{skill}"), "kpi": t(f"capstone.kpi_{code}"),
                     "current": a, "target": b,
                     "gap": None if a is None or b is None else b - a,
                     "measure": t(f"capstone.kpi_measure_{code}"), "owner": who.get(code, "")})
    table = pd.DataFrame(rows, columns=KPI_COLUMNS)
    table.attrs["kinds"] = [kind for _, _, kind in KPI_ROWS]
    return table


def show_kpi_sheet(sheet: pd.DataFrame) -> pd.DataFrame:
    """The sheet as trainees read it: Chinese headers, shares as %, blanks as —."""
    kinds = sheet.attrs.get("kinds") or ["pct"] * len(sheet)
    out = sheet.copy().astype(object)
    for column in NUMBERS:
        out[column] = [display_value(v, k) for v, k in zip(sheet[column], kinds)]
    return out.rename(columns={c: header(c) for c in out.columns})


def save_kpi_sheet(sheet: pd.DataFrame, folder, name: str = "kpi_sheet") -> Path:
    """Write the sheet to ``folder/name.xlsx`` with Chinese headers and number formats; blank
    cells stay blank so the team can fill them in Excel."""
    from openpyxl import Workbook

    check_file_name(name)
    kinds = sheet.attrs.get("kinds") or ["pct"] * len(sheet)
    book = Workbook()
    page = book.active
    page.title = t("capstone.sheet_kpi")
    page.append([header(c) for c in sheet.columns])
    excel.style_header(page)
    for (_, row), kind in zip(sheet.iterrows(), kinds):
        page.append([excel_value(row[c], kind if c in NUMBERS else "text") for c in sheet.columns])
        for cell in page[page.max_row][2:5]:
            cell.number_format = EXCEL_FORMATS[kind]
    for index, column in enumerate(sheet.columns, start=1):
        excel.fit_width(page, index, [header(column), *sheet[column].astype(str)])
    return excel.save(book, Path(folder) / f"{name}.xlsx")
