"""One real classroom hub (JupyterHub + configurable-http-proxy + the classroom service) for the
whole folder, on 127.0.0.1 with a state folder in /tmp (trainee accounts must be able to enter it)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from course.classroom.launch import LocalClassroom

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "00-service-numbers"
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def need(reason: str | None) -> None:
    if reason:
        if IN_CI:
            pytest.fail(f"CI must have this: {reason}")
        pytest.skip(reason)


class Classroom(LocalClassroom):
    """The folder's hub (see course/classroom/launch.py)."""


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "classroom hub tests need root (one Unix account per trainee)"
    if not (REPO / ".venv/node/node_modules/.bin/configurable-http-proxy").exists():
        return "configurable-http-proxy is not installed (make install)"
    if not shutil.which("useradd"):
        return "useradd is missing"
    return None


VARIANTS = 2  # a small class: 张三/李四 and 甲01/甲02 draw different variants of these two
OPEN_FOLDERS = ("notebooks", "course", "datasets", "exercises")


@pytest.fixture(scope="session")
def classroom():
    need(_missing())
    from course.classroom.variants import prepare

    prepare(VARIANTS)  # what `classroom prepare` does before a class: serve then opens at once
    room = Classroom(extra_env={"COURSE_CLASSROOM_VARIANTS": str(VARIANTS)})
    room.modes_before = {name: (REPO / name).stat().st_mode for name in OPEN_FOLDERS}
    room.start()
    yield room
    room.stop()
    if os.environ.get("COURSE_KEEP_CLASSROOM"):
        print(f"classroom state kept in {room.state}")
    else:
        room.cleanup()
