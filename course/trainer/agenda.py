"""``python -m course agenda --days 1|2 [--with M13] [--without M09] [--start 09:00] [--format …] [--out FILE]``.

The timed agenda is derived from the lessons' ``metadata.course`` only: module order, minutes by
kind (讲解 / 练习 / 互动 / 案例), ``core`` + ``core_minutes`` for the 1-day course, and an optional
``advanced`` track listed as 选修 after the day's close (never counted).

Which modules a course teaches: the standard syllabus is M00–M12 (``MODULES``) — all of them in
the 2-day course, the ``core`` ones in the 1-day course. Any other lesson (M13, M14 …) is an
optional track that a trainer swaps in with ``--with M13`` and, to keep the day's length, swaps a
module out with ``--without M09``. A module picked with ``--with`` that has no 1-day minutes
(``core_minutes``) is taught with its full ``minutes``. Whatever is picked, the same checks run,
and a total that no longer fits names the modules whose length would make it fit again.

Two groups of pure functions: ``blocks``/``schedule`` build the rows, ``problems`` checks the
course constraints (720 / 360 teaching minutes, every module in the 2-day course, the 40/20/10/30
split within ±3 pp) and returns Chinese messages that name the module to adjust.
"""
from __future__ import annotations

import argparse
import csv
import html
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from course.core import excel
from course.core.html_page import page
from course.core.i18n import CourseError, choices, t
from course.trainer.lessons import KINDS, read_lessons

MODULES = tuple(f"M{i:02d}" for i in range(13))  # the syllabus: M00 … M12
TARGET_MINUTES = {1: 360, 2: 720}
TARGET_SHARE = {"讲解": 0.40, "练习": 0.20, "互动": 0.10, "案例": 0.30}
TOLERANCE_PP = 3.0
# the order a module's activities run in: explain, discuss, the case, then practise what was shown
KIND_ORDER = ("讲解", "互动", "案例", "练习")
BREAK, OPTIONAL = "休息", "选修"
DAY_MINUTES = 360          # teaching minutes in one course day
TEA_MINUTES, LUNCH_MINUTES = 15, 60
CSV_COLUMNS = ["start", "end", "module", "title", "kind", "minutes"]
FORMATS = ("md", "csv", "html", "xlsx")


@dataclass(frozen=True)
class Block:
    """One activity of one module: e.g. M07 · 讲解 · 24 minutes."""
    module: str
    title: str
    kind: str
    minutes: int


@dataclass(frozen=True)
class Row:
    day: int
    start: int  # minutes after midnight
    end: int
    module: str
    title: str
    kind: str

    @property
    def minutes(self) -> int:
        return self.end - self.start


# ----------------------------------------------------------------------------------------------
# Which modules and minutes a course of 1 or 2 days uses
# ----------------------------------------------------------------------------------------------
def _check_days(days: int) -> int:
    if days not in TARGET_MINUTES:
        raise CourseError("trainer.bad_days", days=days, valid=choices(TARGET_MINUTES))
    return days


def _modules_arg(items) -> set[str]:
    """``["M13", "M14,M09"]`` or ``"M13 M14"`` as a set of module ids (upper case)."""
    if items is None:
        return set()
    if isinstance(items, str):
        items = [items]
    return {part.strip().upper() for item in items for part in str(item).replace("，", ",").replace(" ", ",").split(",")
            if part.strip()}


def check_picks(metas: list[dict], with_=(), without=()) -> tuple[set[str], set[str]]:
    """The ``--with`` / ``--without`` module sets, each id checked against the lessons present."""
    picked, dropped = _modules_arg(with_), _modules_arg(without)
    known = {m["module"] for m in metas} | set(MODULES)
    for name in sorted(picked | dropped):
        if name not in known:
            raise CourseError("trainer.unknown_lesson", name=name, valid=choices(sorted(known)))
    both = picked & dropped
    if both:
        raise CourseError("trainer.with_and_without", modules=choices(sorted(both)))
    return picked, dropped


def optional_tracks(metas: list[dict]) -> list[str]:
    """Lessons outside the standard syllabus: taught only when picked with ``--with``."""
    return sorted(m["module"] for m in metas if m["module"] not in MODULES)


def _taught(meta: dict, days: int, picked: set[str], dropped: set[str]) -> bool:
    module = meta["module"]
    if module in dropped:
        return False
    if module in picked:
        return True
    if module not in MODULES:
        return False
    return days == 2 or meta.get("core") is True


def course_minutes(metas: list[dict], days: int, with_=(), without=()) -> dict[str, dict[str, int]]:
    """module -> minutes by kind, for the modules this course teaches, in module order."""
    _check_days(days)
    picked, dropped = check_picks(metas, with_, without)
    out = {}
    for meta in sorted(metas, key=lambda m: m["module"]):
        if not _taught(meta, days, picked, dropped):
            continue
        if days == 2:
            out[meta["module"]] = dict(meta["minutes"])
        elif meta.get("core") is True and isinstance(meta.get("core_minutes"), dict):
            out[meta["module"]] = dict(meta["core_minutes"])
        elif meta["module"] in picked:  # swapped into the 1-day course: taught in full
            out[meta["module"]] = dict(meta["minutes"])
    return out


def blocks(metas: list[dict], days: int, with_=(), without=()) -> list[Block]:
    titles = {m["module"]: m["title"] for m in metas}
    return [Block(module, titles[module], kind, minutes[kind])
            for module, minutes in course_minutes(metas, days, with_, without).items()
            for kind in KIND_ORDER if minutes.get(kind, 0) > 0]


# ----------------------------------------------------------------------------------------------
# The constraints
# ----------------------------------------------------------------------------------------------
def kind_totals(minutes: dict[str, dict[str, int]]) -> dict[str, int]:
    return {kind: sum(m.get(kind, 0) for m in minutes.values()) for kind in KINDS}


def _label(module: str, metas: list[dict]) -> str:
    title = next((m["title"] for m in metas if m["module"] == module), "")
    return f"{module}「{title}」" if title else module


def _share(minutes: dict[str, int], kind: str) -> float:
    total = sum(minutes.values())
    return minutes.get(kind, 0) / total if total else 0.0


def suspects(minutes: dict[str, dict[str, int]], excess: int) -> list[str]:
    """Modules that would match another module's length if ``excess`` minutes were taken out
    (or put back, when negative): the likeliest place of a typing slip in one module's minutes."""
    totals = {m: sum(k.values()) for m, k in minutes.items()}
    return [m for m, size in totals.items()
            if size - excess > 0 and any(size - excess == other for o, other in totals.items() if o != m)]


def _total_message(minutes, metas, days: int, total: int, target: int) -> str:
    found = suspects(minutes, total - target)
    if 1 <= len(found) <= 2:  # more would be a guess, not a pointer
        module = "、".join(_label(m, metas) for m in found)
    else:
        sizes = "、".join(f"{m} {sum(k.values())}" for m, k in minutes.items())
        module = t("trainer.any_module", sizes=sizes)
    key = "trainer.total_too_high" if total > target else "trainer.total_too_low"
    return t(key, days=days, total=total, target=target, diff=abs(total - target), module=module)


def _length(meta: dict, days: int) -> int:
    minutes = meta.get("core_minutes") if days == 1 and isinstance(meta.get("core_minutes"), dict) else meta["minutes"]
    return sum(minutes.values())


def swap_hint(metas: list[dict], days: int, minutes: dict[str, dict[str, int]], excess: int) -> str | None:
    """When the picked modules are ``excess`` minutes too long (or short, if negative): the modules
    whose removal (or addition) would fit exactly, as a --without / --with suggestion."""
    if excess > 0:
        fit = [m for m, k in minutes.items() if sum(k.values()) == excess]
        key = "trainer.swap_drop"
    else:
        fit = [m["module"] for m in metas if m["module"] not in minutes and _length(m, days) == -excess]
        key = "trainer.swap_add"
    if not fit:
        return None
    # the usual swap: drop a standard module for a track, add a track for a dropped module
    fit = sorted(fit, key=lambda m: ((m not in MODULES) if excess > 0 else (m in MODULES), m))
    return t(key, modules=choices(_label(m, metas) for m in fit), diff=abs(excess), first=fit[0])


def problems(metas: list[dict], days: int, with_=(), without=()) -> list[str]:
    """Every broken constraint of the ``days``-day agenda, as Chinese sentences (empty: all good)."""
    _check_days(days)
    picked, dropped = check_picks(metas, with_, without)
    found = []
    present = {m["module"] for m in metas}
    if days == 2:
        missing = [m for m in MODULES if m not in present and m not in dropped]
        if missing:
            found.append(t("trainer.missing_modules", modules=choices(missing)))
    else:
        for meta in sorted(metas, key=lambda m: m["module"]):
            if meta.get("core") is True and not isinstance(meta.get("core_minutes"), dict):
                found.append(t("trainer.core_without_minutes", module=_label(meta["module"], metas)))
        if not any(m.get("core") is True for m in metas):
            found.append(t("trainer.no_core"))
    minutes = course_minutes(metas, days, with_, without)
    if not minutes:
        return found
    totals = kind_totals(minutes)
    total, target = sum(totals.values()), TARGET_MINUTES[days]
    shares = {kind: totals[kind] / total for kind in KINDS}
    if total != target:
        message = _total_message(minutes, metas, days, total, target)
        hint = swap_hint(metas, days, minutes, total - target)
        if hint is None and picked & set(minutes):  # a swap of unequal lengths: the track is the lever
            key = "trainer.swap_trim" if total > target else "trainer.swap_extend"
            hint = t(key, modules=choices(_label(m, metas) for m in sorted(picked & set(minutes))),
                     diff=abs(total - target))
        found.append(message + (hint or ""))
    for kind in KINDS:
        gap = 100 * (shares[kind] - TARGET_SHARE[kind])
        if abs(gap) <= TOLERANCE_PP + 1e-9:
            continue
        # the module whose own mix leans furthest the wrong way is the one to adjust
        pick = max if gap > 0 else min
        module = pick(minutes, key=lambda m: _share(minutes[m], kind))
        key = "trainer.share_too_high" if gap > 0 else "trainer.share_too_low"
        found.append(t(key, days=days, kind=kind, share=f"{100 * shares[kind]:.1f}",
                       target=f"{100 * TARGET_SHARE[kind]:.0f}", tol=f"{TOLERANCE_PP:g}",
                       module=_label(module, metas),
                       module_share=f"{100 * _share(minutes[module], kind):.0f}"))
    return found


# ----------------------------------------------------------------------------------------------
# The timetable
# ----------------------------------------------------------------------------------------------
def parse_clock(text: str) -> int:
    try:
        hours, minutes = (int(part) for part in str(text).split(":"))
        if not (0 <= hours < 24 and 0 <= minutes < 60):
            raise ValueError
    except ValueError:
        raise CourseError("trainer.bad_start", start=text) from None
    return 60 * hours + minutes


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _nearest(boundaries: list[int], target: int, after: int, before: int) -> int | None:
    """The boundary closest to ``target`` strictly between ``after`` and ``before``."""
    inside = [b for b in boundaries if after < b < before]
    return min(inside, key=lambda b: (abs(b - target), b)) if inside else None


def break_points(items: list[Block], days: int) -> dict[int, str]:
    """Where breaks go, in teaching minutes from the course start -> 'day' | 'lunch' | 'tea'.

    Days and lunch end at a module boundary (a module never straddles lunch or the night); the
    tea breaks fall between two activities, as close as possible to mid-morning and mid-afternoon.
    """
    ends, module_ends, total = [], [], 0
    for i, block in enumerate(items):
        total += block.minutes
        ends.append(total)
        if i + 1 == len(items) or items[i + 1].module != block.module:
            module_ends.append(total)
    points: dict[int, str] = {}
    day_start = 0
    for day in range(1, days + 1):
        day_end = total if day == days else _nearest(module_ends, day_start + DAY_MINUTES, day_start, total)
        if day_end is None:
            day_end = total
        lunch = _nearest(module_ends, day_start + DAY_MINUTES // 2, day_start, day_end)
        if lunch is None:  # a day of one long module: break between activities instead
            lunch = _nearest(ends, day_start + DAY_MINUTES // 2, day_start, day_end)
        halves = [(day_start, lunch), (lunch, day_end)] if lunch else [(day_start, day_end)]
        for begin, finish in halves:
            tea = _nearest(ends, (begin + finish) // 2, begin, finish)
            if tea is not None and finish - begin > 90:
                points[tea] = "tea"
        if lunch:
            points[lunch] = "lunch"
        if day < days:
            points[day_end] = "day"
        day_start = day_end
    return points


def schedule(metas: list[dict], days: int, start: str = "09:00", with_=(), without=()) -> list[Row]:
    """The timetable: teaching rows, 休息 rows (tea, lunch) and 选修 rows after the day's close."""
    items = blocks(metas, days, with_, without)
    points = break_points(items, days)
    advanced = {m["module"]: m["advanced"] for m in metas if isinstance(m.get("advanced"), dict)}
    day_start = parse_clock(start)
    rows, day, now, taught = [], 1, day_start, 0
    optional_today: list[tuple[str, dict]] = []

    def close_day():
        later = now + TEA_MINUTES
        for module, track in optional_today:
            rows.append(Row(day, later, later + int(track["minutes"]), module, str(track["title"]), OPTIONAL))
            later += int(track["minutes"])
        optional_today.clear()

    for i, block in enumerate(items):
        rows.append(Row(day, now, now + block.minutes, block.module, block.title, block.kind))
        now += block.minutes
        taught += block.minutes
        last_of_module = i + 1 == len(items) or items[i + 1].module != block.module
        if last_of_module and block.module in advanced:
            optional_today.append((block.module, advanced[block.module]))
        kind = points.get(taught)
        if kind == "tea":
            rows.append(Row(day, now, now + TEA_MINUTES, "", t("trainer.tea_break"), BREAK))
            now += TEA_MINUTES
        elif kind == "lunch":
            rows.append(Row(day, now, now + LUNCH_MINUTES, "", t("trainer.lunch"), BREAK))
            now += LUNCH_MINUTES
        elif kind == "day":
            close_day()
            day, now = day + 1, day_start
    close_day()
    return rows


def teaching_minutes(rows: list[Row]) -> int:
    """Minutes of the counted course: breaks and optional tracks excluded."""
    return sum(r.minutes for r in rows if r.kind in KINDS)


# ----------------------------------------------------------------------------------------------
# Output formats
# ----------------------------------------------------------------------------------------------
def _when(row: Row, days: int) -> tuple[str, str]:
    prefix = t("trainer.day_prefix", day=row.day) + " " if days > 1 else ""
    return prefix + clock(row.start), prefix + clock(row.end)


def to_records(rows: list[Row], days: int) -> list[dict]:
    out = []
    for row in rows:
        start, end = _when(row, days)
        out.append({"start": start, "end": end, "module": row.module, "title": row.title,
                    "kind": row.kind, "minutes": row.minutes})
    return out


def to_csv(rows: list[Row], days: int) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(to_records(rows, days))
    return buffer.getvalue()


def _headers() -> list[str]:
    return [t(f"trainer.col_{c}") for c in CSV_COLUMNS]


def _summary_line(rows: list[Row], days: int) -> str:
    minutes = {kind: sum(r.minutes for r in rows if r.kind == kind) for kind in KINDS}
    total = sum(minutes.values())
    split = "、".join(f"{k} {v} 分钟（{100 * v / total:.0f}%）" for k, v in minutes.items()) if total else ""
    return t("trainer.agenda_summary", total=total, hours=f"{total / 60:g}", split=split)


def to_markdown(rows: list[Row], days: int) -> str:
    lines = [f"# {t('trainer.agenda_title', days=days)}", "", _summary_line(rows, days)]
    for day in sorted({r.day for r in rows}):
        if days > 1:
            lines += ["", f"## {t('trainer.day_heading', day=day)}"]
        lines += ["", "| " + " | ".join(_headers()[:2] + _headers()[2:]) + " |", "|" + "---|" * 6]
        for row in (r for r in rows if r.day == day):
            cells = [clock(row.start), clock(row.end), row.module, row.title, row.kind, str(row.minutes)]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def to_html(rows: list[Row], days: int) -> str:
    title = t("trainer.agenda_title", days=days)
    parts = [f"<h1>{html.escape(title)}</h1><p>{html.escape(_summary_line(rows, days))}</p>"]
    for day in sorted({r.day for r in rows}):
        if days > 1:
            parts.append(f"<h2>{html.escape(t('trainer.day_heading', day=day))}</h2>")
        head = "".join(f"<th>{html.escape(h)}</th>" for h in _headers())
        body = "".join(
            f"<tr class='kind-{'break' if r.kind == BREAK else 'optional' if r.kind == OPTIONAL else 'teach'}'>"
            f"<td>{clock(r.start)}</td><td>{clock(r.end)}</td><td>{html.escape(r.module)}</td>"
            f"<td>{html.escape(r.title)}</td><td>{html.escape(r.kind)}</td><td class='num'>{r.minutes}</td></tr>"
            for r in rows if r.day == day)
        parts.append(f"<table><tr>{head}</tr>{body}</table>")
    style = ("table{margin-bottom:1.5em}td,th{padding:5px 8px}.kind-break td{background:#f7f7f7;color:#666}"
             ".kind-optional td{color:#2F6690;font-style:italic}")
    return page(title, "".join(parts), css=style)


def to_xlsx(rows: list[Row], days: int, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = t("trainer.agenda_sheet")
    sheet.append([t("trainer.agenda_title", days=days)])
    excel.style_title(sheet["A1"])
    sheet.append([_summary_line(rows, days)])
    header = [t("trainer.col_day")] + _headers()
    sheet.append(header)
    excel.style_header(sheet, row=3)
    grey = PatternFill("solid", fgColor="F2F2F2")
    for row in rows:
        sheet.append([row.day, clock(row.start), clock(row.end), row.module, row.title, row.kind, row.minutes])
        if row.kind == BREAK:
            for cell in sheet[sheet.max_row]:
                cell.fill = grey
    for letter, width in zip("ABCDEFG", (6, 8, 8, 8, 34, 8, 8)):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=4):
        cells[4].alignment = Alignment(wrap_text=True)
    return excel.save(book, path)


def render(rows: list[Row], days: int, fmt: str) -> str:
    if fmt == "md":
        return to_markdown(rows, days)
    if fmt == "csv":
        return to_csv(rows, days)
    if fmt == "html":
        return to_html(rows, days)
    raise CourseError("trainer.bad_format", fmt=fmt, valid=choices(FORMATS))


def write(rows: list[Row], days: int, fmt: str, out: Path) -> Path:
    out = Path(out)
    if fmt == "xlsx":
        return to_xlsx(rows, days, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # CSV with a BOM so that Excel on Windows shows the Chinese titles
    out.write_text(render(rows, days, fmt), encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return out


def build(days: int, start: str = "09:00", folder: Path | None = None, with_=(), without=()
          ) -> tuple[list[Row], list[str]]:
    """The agenda of the real lessons (optional tracks swapped in or out) and the constraints it breaks."""
    metas = [lesson.meta for lesson in read_lessons(folder)]
    if not metas:
        raise CourseError("trainer.no_lessons")
    return schedule(metas, days, start, with_, without), problems(metas, days, with_, without)


def tracks_note(folder: Path | None = None, with_=()) -> str:
    """One line naming the optional tracks not picked, and how to swap one in ("" when none)."""
    metas = [lesson.meta for lesson in read_lessons(folder)]
    picked = _modules_arg(with_)
    rest = [m for m in optional_tracks(metas) if m not in picked]
    if not rest:
        return ""
    return t("trainer.optional_tracks", tracks=choices(_label(m, metas) for m in rest), example=rest[0])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m course agenda", description=t("cli.agenda"))
    parser.add_argument("--days", type=int, default=2, help=t("trainer.arg_days"))
    parser.add_argument("--start", default="09:00", help=t("trainer.arg_start"))
    parser.add_argument("--format", default="md", help=t("trainer.arg_format", valid=choices(FORMATS)))
    parser.add_argument("--out", type=Path, help=t("trainer.arg_agenda_out"))
    parser.add_argument("--with", dest="with_", action="append", default=[], metavar="M13",
                        help=t("trainer.arg_with"))
    parser.add_argument("--without", action="append", default=[], metavar="M09", help=t("trainer.arg_without"))
    parser.add_argument("--strict", action="store_true", help=t("trainer.arg_strict"))
    args = parser.parse_args(argv)
    try:
        if args.format not in FORMATS:
            raise CourseError("trainer.bad_format", fmt=args.format, valid=choices(FORMATS))
        rows, found = build(_check_days(args.days), args.start, with_=args.with_, without=args.without)
        note = tracks_note(with_=args.with_)
        if note:
            print("ℹ️ " + note, file=sys.stderr)
        out = args.out or (Path(f"agenda-{args.days}d.xlsx") if args.format == "xlsx" else None)
        if out is None:
            sys.stdout.write(render(rows, args.days, args.format))
        else:
            print(t("trainer.written", path=write(rows, args.days, args.format, out)))
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
    for problem in found:
        print("⚠️ " + problem, file=sys.stderr)
    return 1 if found and args.strict else 0
