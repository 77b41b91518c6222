"""The agenda: constraint checks as pure functions on synthetic metadata (each one proven to
catch a broken course and to name the module to adjust), the timetable's rules, the output
formats, and the same checks applied to the real lesson notebooks."""
from __future__ import annotations

import copy
import csv
import io
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from course.core.i18n import CourseError
from course.trainer import agenda
from course.trainer.agenda import BREAK, KINDS, OPTIONAL, TARGET_SHARE, problems, schedule, teaching_minutes
from course.trainer.lessons import lesson_paths, read_lessons

# the minutes table of the course plan: module, 2-day minutes, core, 1-day minutes (讲解/练习/互动/案例)
PLAN = """M00 18/9/5/13 1 12/6/3/9
M01 24/12/6/18 1 18/9/5/13
M02 24/12/6/18 0 -
M03 24/12/6/18 1 18/9/4/14
M04 24/12/6/18 1 18/9/5/13
M05 24/12/6/18 0 -
M06 18/9/5/13 0 -
M07 24/12/6/18 1 24/12/6/18
M08 24/12/6/18 0 -
M09 18/9/4/14 0 -
M10 30/15/8/22 1 30/15/8/22
M11 18/9/4/14 1 12/6/3/9
M12 6/24/5/10 1 4/16/3/7"""


def plan() -> list[dict]:
    metas = []
    for line in PLAN.splitlines():
        module, minutes, core, core_minutes = line.split()
        meta = {"module": module, "title": f"模块{module[1:]}", "core": core == "1",
                "minutes": dict(zip(KINDS, map(int, minutes.split("/")))),
                "objectives": ["o"], "key_points": ["k"], "exercise": None}
        if core_minutes != "-":
            meta["core_minutes"] = dict(zip(KINDS, map(int, core_minutes.split("/"))))
        if module == "M08":
            meta["advanced"] = {"title": "BG/NBD 概率模型", "minutes": 40}
        metas.append(meta)
    return metas


def by_module(metas, module):
    return next(m for m in metas if m["module"] == module)


# ----------------------------------------------------------------------------------------------
# The plan passes; each broken constraint is caught and names its module
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("days", [1, 2])
def test_plan_meets_every_constraint(days):
    metas = plan()
    assert problems(metas, days) == []
    rows = schedule(metas, days)
    assert teaching_minutes(rows) == agenda.TARGET_MINUTES[days]


@pytest.mark.parametrize("days, key, module, kind, delta, expect", [
    (2, "minutes", "M03", "讲解", +10, "多了 10 分钟"),
    (2, "minutes", "M06", "案例", -5, "少了 5 分钟"),
    (1, "core_minutes", "M11", "练习", +3, "多了 3 分钟"),
    (1, "core_minutes", "M01", "互动", -2, "少了 2 分钟"),
])
def test_total_names_the_slipped_module(days, key, module, kind, delta, expect):
    metas = plan()
    by_module(metas, module)[key][kind] += delta
    found = problems(metas, days)
    total = [p for p in found if "教学时间合计" in p]
    assert len(total) == 1 and expect in total[0] and module in total[0], found


def test_total_without_a_clear_suspect_lists_every_module():
    metas = plan()
    for module in ("M03", "M04"):  # three slips that add up to no single module's error
        by_module(metas, module)["minutes"]["讲解"] += 2
    by_module(metas, "M05")["minutes"]["案例"] += 3
    [message] = [p for p in problems(metas, 2) if "教学时间合计" in p]
    assert "各模块分钟数" in message and "M12 45" in message


def test_share_too_high_names_the_most_skewed_module():
    metas = plan()
    # keep the total at 720 but move practice into lecture in one module
    # keep the total at 720 but turn two modules into lectures; M04 leans furthest
    by_module(metas, "M04")["minutes"].update({"讲解": 50, "练习": 2, "案例": 2})
    by_module(metas, "M05")["minutes"].update({"讲解": 46, "练习": 4, "案例": 4})
    assert teaching_minutes(schedule(metas, 2)) == 720
    found = problems(metas, 2)
    assert any("「讲解」占" in p and "超出" in p and "M04" in p for p in found), found


def test_share_too_low_names_the_module_lowest_in_that_kind():
    metas = plan()
    m12 = by_module(metas, "M12")["minutes"]
    m12["讲解"], m12["练习"] = 1, 29  # the capstone drops its short lecture entirely
    m10 = by_module(metas, "M10")["minutes"]
    m10["讲解"], m10["练习"] = 10, 35
    found = problems(metas, 2)
    assert any("「讲解」占" in p and "低于" in p and "M12" in p for p in found), found


def test_missing_module_is_named():
    metas = [m for m in plan() if m["module"] != "M09"]
    found = problems(metas, 2)
    assert any("M09" in p and "缺少" in p for p in found), found


def test_core_module_without_core_minutes_is_named():
    metas = plan()
    del by_module(metas, "M04")["core_minutes"]
    found = problems(metas, 1)
    assert any("M04" in p and "core_minutes" in p for p in found), found


def test_non_core_modules_stay_out_of_the_one_day_course():
    rows = schedule(plan(), 1)
    assert {r.module for r in rows if r.kind in KINDS} == {m["module"] for m in plan() if m["core"]}


def test_optional_track_is_listed_but_not_counted():
    metas = plan()
    rows = schedule(metas, 2)
    optional = [r for r in rows if r.kind == OPTIONAL]
    assert [(r.module, r.minutes) for r in optional] == [("M08", 40)]
    without = copy.deepcopy(metas)
    del by_module(without, "M08")["advanced"]
    assert teaching_minutes(schedule(without, 2)) == teaching_minutes(rows) == 720
    # after the close of the day that teaches M08, never inside the teaching day
    day_rows = [r for r in rows if r.day == optional[0].day and r.kind != OPTIONAL]
    assert optional[0].start > max(r.end for r in day_rows)


# ----------------------------------------------------------------------------------------------
# The timetable
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("days", [1, 2])
def test_timetable_is_continuous_with_breaks_excluded(days):
    rows = schedule(plan(), days, start="08:30")
    for day in range(1, days + 1):
        today = [r for r in rows if r.day == day and r.kind != OPTIONAL]
        assert today[0].start == 8 * 60 + 30
        assert all(a.end == b.start for a, b in zip(today, today[1:]))
        breaks = [r for r in today if r.kind == BREAK]
        assert [r.minutes for r in breaks].count(agenda.LUNCH_MINUTES) == 1
        assert today[0].kind != BREAK and today[-1].kind != BREAK
    teaching = sum(r.minutes for r in rows if r.kind in KINDS)
    assert teaching == agenda.TARGET_MINUTES[days] == teaching_minutes(rows)
    assert sum(r.minutes for r in rows) > teaching  # breaks exist but do not count


def test_days_and_lunch_fall_between_modules():
    rows = schedule(plan(), 2)
    for i, row in enumerate(rows):
        if row.kind == BREAK and row.minutes == agenda.LUNCH_MINUTES:
            before = [r for r in rows[:i] if r.kind in KINDS][-1]
            after = next(r for r in rows[i + 1:] if r.kind in KINDS)
            assert before.module != after.module
    last_day1 = [r for r in rows if r.day == 1 and r.kind in KINDS][-1]
    first_day2 = [r for r in rows if r.day == 2 and r.kind in KINDS][0]
    assert last_day1.module != first_day2.module
    # the module order is kept
    order = [r.module for r in rows if r.kind in KINDS]
    assert order == sorted(order)


def test_each_day_is_close_to_six_hours():
    rows = schedule(plan(), 2)
    for day in (1, 2):
        taught = sum(r.minutes for r in rows if r.day == day and r.kind in KINDS)
        assert abs(taught - agenda.DAY_MINUTES) <= 30


@pytest.mark.parametrize("bad", ["9", "25:00", "09:60", "nine"])
def test_bad_start_time(bad):
    with pytest.raises(CourseError, match="时:分"):
        schedule(plan(), 1, start=bad)


def test_bad_days():
    with pytest.raises(CourseError, match="1、2"):
        problems(plan(), 3)


# ----------------------------------------------------------------------------------------------
# Formats
# ----------------------------------------------------------------------------------------------
def test_csv_columns_and_rows():
    rows = schedule(plan(), 2)
    records = list(csv.DictReader(io.StringIO(agenda.to_csv(rows, 2))))
    assert list(records[0]) == ["start", "end", "module", "title", "kind", "minutes"]
    assert len(records) == len(rows)
    assert {r["kind"] for r in records} == set(KINDS) | {BREAK, OPTIONAL}
    assert sum(int(r["minutes"]) for r in records if r["kind"] in KINDS) == 720
    assert records[0]["start"] == "第1天 09:00"


def test_markdown_and_html_show_every_row():
    rows = schedule(plan(), 1)
    md = agenda.to_markdown(rows, 1)
    assert md.count("\n| ") == len(rows) + 1  # header + one line per row
    page = agenda.to_html(rows, 1)
    assert page.count("<tr class=") == len(rows) and "360 分钟" in page


def test_xlsx(tmp_path):
    rows = schedule(plan(), 2)
    path = agenda.to_xlsx(rows, 2, tmp_path / "a.xlsx")
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[3]] == ["天", "开始", "结束", "模块", "内容", "形式", "分钟"]
    data = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(data) == len(rows)
    assert sum(r[6] for r in data if r[5] in KINDS) == 720


def test_cli_writes_each_format(tmp_path):
    for fmt in agenda.FORMATS:
        out = tmp_path / f"agenda.{fmt}"
        done = subprocess.run([sys.executable, "-m", "course", "agenda", "--days", "2", "--format", fmt,
                               "--out", str(out)], capture_output=True, text=True, encoding="utf-8")
        assert done.returncode == 0, done.stderr
        assert out.stat().st_size > 0
    bad = subprocess.run([sys.executable, "-m", "course", "agenda", "--format", "pdf"],
                         capture_output=True, text=True, encoding="utf-8")
    assert bad.returncode == 2 and "md、csv、html、xlsx" in bad.stderr


# ----------------------------------------------------------------------------------------------
# The real lessons
# ----------------------------------------------------------------------------------------------
LESSONS = lesson_paths()


def test_real_lessons_found():
    assert LESSONS, "no lesson notebook found"


@pytest.mark.parametrize("days", [1, 2])
def test_real_agenda_meets_every_constraint(days):
    metas = [lesson.meta for lesson in read_lessons()]
    assert problems(metas, days) == []
    rows = schedule(metas, days)
    assert teaching_minutes(rows) == agenda.TARGET_MINUTES[days]
    shares = {k: sum(r.minutes for r in rows if r.kind == k) / teaching_minutes(rows) for k in KINDS}
    assert all(abs(shares[k] - TARGET_SHARE[k]) <= 0.03 for k in KINDS), shares


# ----------------------------------------------------------------------------------------------
# Optional tracks: swapped in with --with, a module swapped out with --without
# ----------------------------------------------------------------------------------------------
def plan_with_tracks() -> list[dict]:
    metas = plan()
    for module, minutes in (("M13", (18, 9, 4, 14)), ("M14", (18, 9, 5, 13))):
        metas.append({"module": module, "title": f"模块{module[1:]}", "core": False,
                      "minutes": dict(zip(KINDS, minutes)), "objectives": ["o"], "key_points": ["k"],
                      "exercise": None})
    return metas


@pytest.mark.parametrize("days", [1, 2])
def test_optional_tracks_stay_out_by_default(days):
    metas = plan_with_tracks()
    assert problems(metas, days) == []
    rows = schedule(metas, days)
    assert not {"M13", "M14"} & {r.module for r in rows}
    assert agenda.optional_tracks(metas) == ["M13", "M14"]


def test_swap_of_equal_length_keeps_every_constraint():
    metas = plan_with_tracks()
    assert problems(metas, 2, with_=["M13"], without=["M09"]) == []
    rows = schedule(metas, 2, with_=["M13"], without=["M09"])
    taught = {r.module for r in rows if r.kind in KINDS}
    assert "M13" in taught and "M09" not in taught
    assert teaching_minutes(rows) == 720
    # both tracks at once, written the comma way
    assert problems(metas, 2, with_=["M13,M14"], without=["M09", "M06"]) == []


def test_swap_in_without_swap_out_names_what_to_drop():
    [message] = problems(plan_with_tracks(), 2, with_=["M13"])
    assert "多了 45 分钟" in message
    # every module of exactly 45 minutes is offered as the one to swap out
    assert all(m in message for m in ("M06", "M09", "M11")) and "--without M00" in message  # a standard module first


def test_swap_out_without_swap_in_names_what_to_add():
    found = problems(plan_with_tracks(), 2, without=["M09"])
    assert not any("缺少" in p for p in found)  # left out on purpose is not missing
    [message] = [p for p in found if "教学时间合计" in p]
    assert "少了 45 分钟" in message and "M13" in message and "M14" in message
    assert "--with M13" in message  # an optional track is the first suggestion


def test_one_day_swap_checks_the_split_of_what_was_picked():
    metas = plan_with_tracks()
    by_module(metas, "M13")["minutes"].update({"讲解": 30, "练习": 0 + 1, "互动": 1, "案例": 1})
    found = problems(metas, 1, with_=["M13"], without=["M00"])  # M00's 1-day block is 30 minutes
    rows = schedule(metas, 1, with_=["M13"], without=["M00"])
    assert "M13" in {r.module for r in rows} and teaching_minutes(rows) == 363
    assert any("多了 3 分钟" in p for p in found), found
    # the lecture-heavy track now skews the day; the check names it
    assert any("占" in p and "个百分点" in p and "M13" in p for p in found), found


@pytest.mark.parametrize("with_, without, match", [(["M99"], [], "M13"), (["M13"], ["M13"], "--with 和 --without")])
def test_bad_picks_are_explained(with_, without, match):
    with pytest.raises(CourseError, match=match):
        problems(plan_with_tracks(), 2, with_=with_, without=without)


def test_cli_swaps_a_real_optional_track():
    tracks = agenda.optional_tracks([lesson.meta for lesson in read_lessons()])
    assert tracks, "no optional-track lesson found"
    done = subprocess.run([sys.executable, "-m", "course", "agenda", "--days", "2", "--format", "csv",
                           "--with", tracks[0], "--without", "M09"],
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    taught = {r["module"] for r in csv.DictReader(io.StringIO(done.stdout)) if r["kind"] in KINDS}
    assert tracks[0] in taught and "M09" not in taught
    plain = subprocess.run([sys.executable, "-m", "course", "agenda", "--days", "2", "--format", "csv"],
                           capture_output=True, text=True, encoding="utf-8")
    assert tracks[0] not in {r["module"] for r in csv.DictReader(io.StringIO(plain.stdout))}
    assert "--with" in plain.stderr  # the optional tracks are named, with how to swap one in


def test_unequal_swap_names_the_track_to_trim():
    metas = plan_with_tracks()
    [message] = problems(metas, 1, with_=["M13"], without=["M00"])  # 45 in, 30 out, no 15-minute module
    assert "多了 15 分钟" in message and "M13" in message and "缩短 15 分钟" in message


@pytest.mark.parametrize("track, replaced", [("M13", "M09"), ("M14", "M06")])
def test_real_tracks_swap_exactly_for_the_module_the_lesson_names(track, replaced):
    # the lessons and the README promise these swaps keep the 2-day course within every constraint
    metas = [lesson.meta for lesson in read_lessons()]
    assert problems(metas, 2, with_=[track], without=[replaced]) == []
