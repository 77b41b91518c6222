"""``python -m course classroom serve|grade|simulate``."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from course.core.i18n import CourseError, t


def default_variants() -> int:
    """How many variants a class has (trainees draw one each): COURSE_CLASSROOM_VARIANTS or 30."""
    from course.classroom.variants import DEFAULT_COUNT

    found = os.environ.get("COURSE_CLASSROOM_VARIANTS", "").strip()
    return int(found) if found.isdigit() else DEFAULT_COUNT


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m course classroom", description=t("classroom.cli"))
    sub = main.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help=t("classroom.arg_serve"))
    serve.add_argument("--ip", default="", help=t("classroom.arg_ip"))
    serve.add_argument("--port", type=int, default=8000, help=t("classroom.arg_port"))
    serve.add_argument("--state", type=Path, default=Path("classroom"), help=t("classroom.arg_state"))
    serve.add_argument("--class-code", default=None, help=t("classroom.arg_class_code"))
    serve.add_argument("--trainer-password", default=None, help=t("classroom.arg_trainer_password"))
    serve.add_argument("--cull-after", type=int, default=3600, help=t("classroom.arg_cull"))
    serve.add_argument("--assessment", action="store_true", help=t("classroom.arg_assessment"))
    serve.add_argument("--variants", type=int, default=default_variants(), help=t("classroom.arg_variants"))
    prepare = sub.add_parser("prepare", help=t("classroom.arg_prepare"))
    prepare.add_argument("--variants", type=int, default=default_variants(), help=t("classroom.arg_variants"))
    grade = sub.add_parser("grade", help=t("classroom.arg_grade"))
    grade.add_argument("exercise")
    grade.add_argument("--state", type=Path, default=Path("classroom"), help=t("classroom.arg_state"))
    grade.add_argument("--out", type=Path, required=True, help=t("grading.arg_out"))
    grade.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 2))
    sim = sub.add_parser("simulate", help=t("classroom.arg_simulate"))
    sim.add_argument("--url", required=True)
    sim.add_argument("--trainees", type=int, default=4)
    sim.add_argument("--exercise", required=True)
    sim.add_argument("--prefix", default="模拟学员", help=t("classroom.arg_sim_prefix"))
    return main


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        if args.action == "serve":
            from course.classroom.serve import run

            return run(args)
        if args.action == "prepare":
            from course.classroom.variants import prepare

            computed = prepare(args.variants)
            print(t("classroom.variants_ready", variants=args.variants, computed=computed))
            return 0
        if args.action == "grade":
            from course.classroom.grade import grade_classroom

            results = grade_classroom(args.exercise, args.state, args.out, workers=args.workers)
            total = sum(r["points"] for res in results for r in res["rows"])
            print(t("grading.done", count=len(results), out=args.out,
                    average=f"{total / max(len(results), 1):.1f}"))
            return 0
        from course.classroom.simulate import simulate

        report = simulate(args.url, args.trainees, args.exercise, prefix=args.prefix)
        print(json.dumps(report, ensure_ascii=False))
        return 0 if not report["errors"] else 1
    except CourseError as error:
        print("❌ " + str(error), file=sys.stderr)
        return 2
