"""File-system walls around the trainee accounts (the hub runs as root; trainees are other uids).

Trainee servers run the project's Python (.venv) and import the ``course`` package from the
checkout, and their homes hold their own copies of lessons, exercises and datasets. Only what holds
answers is walled off, so nobody else who uses the checkout (its owner, a colleague) is locked out:
``solutions/`` (masters, answer keys, the variants' reference answers), ``.git`` (whose history holds
the same), ``tests/`` and the grading outputs become owner-only; every other folder keeps its mode.
The state folder hides the hub database, secrets and submissions (``prepare_state``).
"""
from __future__ import annotations

import os
from pathlib import Path

from course.core.i18n import CourseError
from course.core.paths import REPO_ROOT

# what holds answers or graded work; never needed by a trainee's server
SECRET = ("solutions", ".git", "tests", "grading-out", ".bench")


def untraversable(path: Path) -> list[Path]:
    """Folders above ``path`` that other users cannot enter (the trainee's Python would not start)."""
    return [p for p in [path, *path.parents] if p.is_dir() and not (p.stat().st_mode & 0o001)]


def protect_checkout(root: Path = REPO_ROOT) -> list[str]:
    """Wall the secret folders off from the trainee accounts; returns what was changed (names), for
    the log. Nothing else in the checkout changes mode."""
    changed = []
    venv_python = root / ".venv" / "bin" / "python"
    blocked = untraversable(root.parent)
    if blocked:
        raise CourseError("classroom.checkout_hidden", path=str(blocked[-1]))
    mode = root.stat().st_mode & 0o777
    if not mode & 0o001:  # trainee servers must pass through to .venv and course/
        root.chmod(mode | 0o001)
        changed.append(".")
    for name in SECRET:
        entry = root / name
        if not entry.is_dir() or entry.is_symlink():
            continue
        mode = entry.stat().st_mode & 0o777
        if mode & 0o077:
            entry.chmod(mode & 0o700)
            changed.append(name)
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
