"""File-system walls around the trainee accounts (the hub runs as root; trainees are other uids).

Trainee servers need to run the project's Python (.venv) and import the ``course`` package; nothing
else in the checkout is theirs to see. So the checkout root becomes traverse-only (0711), every
other top-level folder (solutions/ with the answer keys, notebooks/ with trainer notes, tests/ …)
becomes root-only, and the state folder hides the hub database, secrets and submissions.
"""
from __future__ import annotations

import os
from pathlib import Path

from course.core.i18n import CourseError
from course.core.paths import REPO_ROOT

TRAINEE_NEEDS = {".venv", "course"}


def untraversable(path: Path) -> list[Path]:
    """Folders above ``path`` that other users cannot enter (the trainee's Python would not start)."""
    return [p for p in [path, *path.parents] if p.is_dir() and not (p.stat().st_mode & 0o001)]


def protect_checkout(root: Path = REPO_ROOT) -> list[str]:
    """Lock the checkout down for trainees; returns what was changed (names), for the log."""
    changed = []
    venv_python = root / ".venv" / "bin" / "python"
    blocked = untraversable(root.parent)
    if blocked:
        raise CourseError("classroom.checkout_hidden", path=str(blocked[-1]))
    if (root.stat().st_mode & 0o777) != 0o711:
        root.chmod(0o711)
        changed.append(".")
    for entry in sorted(root.iterdir()):
        if entry.name in TRAINEE_NEEDS or not entry.is_dir() or entry.is_symlink():
            continue
        mode = entry.stat().st_mode & 0o777
        if mode & 0o077:
            entry.chmod(mode & 0o700)
            changed.append(entry.name)
    if not venv_python.exists():
        raise CourseError("classroom.no_venv", path=str(venv_python))
    return changed


def prepare_state(state: Path) -> Path:
    """The state folder: traversable (trainee homes live in it), its private parts root-only."""
    state = Path(state).resolve()
    for folder, mode in ((state, 0o711), (state / "homes", 0o711), (state / "hub", 0o700),
                         (state / "private", 0o700)):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(mode)
    blocked = untraversable(state.parent)
    if blocked:
        raise CourseError("classroom.state_hidden", path=str(blocked[-1]))
    return state


def running_as_root() -> bool:
    return os.geteuid() == 0
