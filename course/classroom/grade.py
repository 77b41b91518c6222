"""Grading the collected submissions with the kit's own grader (course/exercises/grading), so the
classroom inherits its sandbox, limits and outputs; trainee = display name."""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from course.classroom.store import Store, private_dir
from course.core.i18n import CourseError


def gather(store: Store, exercise: str, folder: Path) -> list[dict]:
    """Copy each trainee's current submission to ``folder/<display name>.ipynb`` for the grader."""
    subs = store.current_submissions(exercise)
    if not subs:
        raise CourseError("classroom.no_submissions", exercise=exercise)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for sub in subs:
        shutil.copyfile(sub["path"], folder / f"{sub['name']}.ipynb")
    return subs


def grade_classroom(exercise: str, state: Path, out: Path, workers: int = 2, show_progress: bool = True):
    from course.exercises.grading.cli import grade

    store = Store(state)
    folder = private_dir(state) / "to-grade" / exercise
    subs = gather(store, exercise, folder)
    roster = write_roster(subs, private_dir(state) / "to-grade" / f"{exercise}-roster.csv")
    results = grade(exercise, [folder], out, workers=workers, show_progress=show_progress, roster=roster)
    variants = {s["name"]: s["variant"] for s in subs}  # recorded for the trainer's reference
    (Path(out) / "variants.json").write_text(json.dumps(variants, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def write_roster(subs: list[dict], path: Path) -> Path:
    """The roster ``course grade --roster`` reads (``trainee,variant``): each trainee's variant as
    provisioning recorded it from the hub identity, so it wins over the variant a submitted notebook
    claims (a copy of a neighbour's notebook is graded as the trainee's own variant)."""
    from course.exercises.grading.submission import trainee_id

    with open(path, "w", encoding="utf-8", newline="") as handle:
        table = csv.writer(handle)
        table.writerow(["trainee", "variant"])
        for sub in subs:
            table.writerow([trainee_id(sub["name"]), sub["variant"]])
    return path


def summary(out: Path) -> dict:
    """Class summary from the grader's gradebook.csv."""
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"rows": rows[:200], "count": len(rows)}


class GradeJobs:
    """One background grading run per exercise, started from the dashboard's 「批改已交作业」."""

    def __init__(self, state: Path, store: Store):
        self.state, self.store = Path(state), store
        self.jobs: dict[str, dict] = {}
        self.lock = threading.Lock()

    def out_dir(self, exercise: str) -> Path:
        return private_dir(self.state) / "grades" / exercise

    def start(self, exercise: str) -> dict:
        with self.lock:
            job = self.jobs.get(exercise)
            if job and job["state"] == "running":
                return self.status(exercise)
            total = len(self.store.current_submissions(exercise))
            job = {"state": "running", "total": total, "started": time.time(), "message": ""}
            self.jobs[exercise] = job
        threading.Thread(target=self._run, args=(exercise, job), daemon=True).start()
        return self.status(exercise)

    def _run(self, exercise: str, job: dict) -> None:
        out = self.out_dir(exercise)
        proc = subprocess.run([sys.executable, "-m", "course", "classroom", "grade", exercise,
                               "--state", str(self.state), "--out", str(out)],
                              capture_output=True, text=True, encoding="utf-8", errors="replace")
        job["message"] = (proc.stdout.strip() or proc.stderr.strip()).splitlines()[-1:] or [""]
        job["message"] = job["message"][0]
        if proc.returncode == 0:
            self._excel(out)
            job["state"] = "done"
        else:
            job["state"] = "failed"
            job["message"] = proc.stderr.strip()[-600:] or job["message"]
        job["finished"] = time.time()

    @staticmethod
    def _excel(out: Path) -> None:
        import pandas as pd

        table = pd.read_csv(out / "gradebook.csv", encoding="utf-8-sig")
        table.to_excel(out / "gradebook.xlsx", index=False)

    def status(self, exercise: str) -> dict:
        job = dict(self.jobs.get(exercise) or {"state": "idle", "total": 0, "message": ""})
        out = self.out_dir(exercise)
        results = out / ".results"
        job["done"] = len(list(results.glob("*.json"))) if results.exists() else 0
        if job["state"] in {"done", "idle"} and (out / "gradebook.csv").exists():
            job["summary"] = summary(out)
            job["downloads"] = [k for k in ("csv", "xlsx") if (out / f"gradebook.{k}").exists()]
        return job

    def download(self, exercise: str, kind: str) -> Path | None:
        if kind not in {"csv", "xlsx"}:
            return None
        path = self.out_dir(exercise) / f"gradebook.{kind}"
        return path if path.exists() else None
