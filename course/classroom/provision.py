"""A trainee's home, filled on first login from the trainee bundle (the same files
``python -m course release`` zips and audits): lessons without trainer notes, the exercises in the
trainee's own variant and the class's mode with a 「交作业」 cell added (course/classroom/variants.py),
the datasets. Never solutions/, answer keys or hidden checks."""
from __future__ import annotations

import json
import os
import shutil
from functools import lru_cache
from pathlib import Path

from course.core.i18n import t

FOLDERS = ("notebooks/", "exercises/", "datasets/")
MARKER = ".course-provisioned"


def submit_cells() -> list[dict]:
    return [
        {"cell_type": "markdown", "metadata": {"tags": ["classroom-submit"]}, "source": t("classroom.submit_cell_md")},
        {"cell_type": "code", "metadata": {"tags": ["classroom-submit"]}, "execution_count": None,
         "outputs": [], "source": "from course import submit\nsubmit()"},
    ]


def with_submit_cell(raw: bytes) -> bytes:
    nb = json.loads(raw.decode("utf-8"))
    nb["cells"] += submit_cells()
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


@lru_cache(maxsize=1)
def bundle_files() -> tuple[tuple[str, bytes], ...]:
    """The files of a trainee's home, computed once per hub process."""
    from course.trainer.release import contents, notebook_problems

    files = []
    for name, data in contents():
        if name.endswith("学员须知.md") or name.startswith(FOLDERS):
            if name.startswith("exercises/") and name.endswith(".ipynb"):
                data = with_submit_cell(data)
            if name.endswith(".ipynb") and notebook_problems(name, data):  # the same audit as release
                raise RuntimeError(f"bundle audit failed for {name}")
            files.append((name, data))
    return tuple(files)


def trainee_files(home: Path) -> tuple[tuple[str, bytes], ...]:
    """The bundle with the exercises in this trainee's own variant and the class's mode (practice or
    assessment), as ``serve`` recorded them; the variant goes into the store, the grader's roster.
    ``home`` is ``<state>/homes/<account>``."""
    from course.classroom.store import Store
    from course.classroom.variants import class_settings, exercise_files, trainee_variant

    store = Store(home.parent.parent)
    settings = class_settings(store)
    variant = trainee_variant(home.name, settings["variants"])
    exercises = dict(exercise_files(variant, settings["mode"]))
    store.set_variant(home.name, variant)
    files = [(name, exercises.pop(name, data)) for name, data in bundle_files()]
    return (*files, *sorted(exercises.items()))


def provision(home: Path, uid: int, gid: int) -> bool:
    """Fill ``home`` once (a marker file remembers it); the trainee owns everything in it."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    if (home / MARKER).exists():
        return False
    for name, data in trainee_files(home):
        target = home / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (home / ".tmp").mkdir(exist_ok=True)
    (home / MARKER).write_text("1\n", encoding="utf-8")
    for root, _dirs, files in os.walk(home):
        for entry in [root, *(os.path.join(root, f) for f in files)]:
            os.chown(entry, uid, gid)
    home.chmod(0o700)
    return True


def remove_home(home: Path) -> None:
    shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """``python -m course.classroom.provision DIR``: write the trainee home files into DIR (used
    when baking the trainee image in deploy/Containerfile)."""
    import sys

    target = Path((argv if argv is not None else sys.argv[1:])[0])
    for name, data in bundle_files():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
