"""Where the kit's folders are. The repo root is the folder that holds the `course` package."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _folder(env: str, default: str) -> Path:
    return Path(os.environ[env]).resolve() if os.environ.get(env) else REPO_ROOT / default


def solutions_dir() -> Path:
    return _folder("COURSE_SOLUTIONS_DIR", "solutions")


def exercises_dir() -> Path:
    return _folder("COURSE_EXERCISES_DIR", "exercises")


def notebooks_dir() -> Path:
    return REPO_ROOT / "notebooks"


def datasets_dir() -> Path:
    return _folder("COURSE_DATA_DIR", "datasets")


def shown(path: Path) -> str:
    """A path as a person would like to read it: relative to the repo when inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
