"""The Python that trainee servers run: it must be reachable by unprivileged accounts.

The project venv's interpreter may live under root's home (pyenv: /root/.pyenv/…, mode 0700), which
a trainee account cannot enter, and opening /root to them would expose root's files. Then a tiny
venv (.venv/trainee) is made from a system interpreter of the same minor version, with one .pth
line adding the project venv's site-packages, so trainees get exactly the project's packages.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course.core.i18n import CourseError
from course.core.paths import REPO_ROOT

VENV = REPO_ROOT / ".venv"
TRAINEE_VENV = VENV / "trainee"


def others_can_run(path: Path) -> bool:
    path = Path(path).resolve()
    return bool(path.stat().st_mode & 0o001) and all(p.stat().st_mode & 0o001 for p in path.parents)


def site_packages() -> Path:
    return VENV / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def trainee_python() -> Path:
    """A python executable trainee accounts can run, with the project's packages importable."""
    venv_python = VENV / "bin" / "python"
    if others_can_run(venv_python):
        return venv_python
    target = TRAINEE_VENV / "bin" / "python"
    if target.exists() and others_can_run(target):
        return target
    minor = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (Path("/usr/bin") / minor, Path("/usr/local/bin") / minor):
        if candidate.exists() and others_can_run(candidate):
            subprocess.run([str(candidate), "-m", "venv", "--without-pip", str(TRAINEE_VENV)], check=True,
                           capture_output=True)
            lib = TRAINEE_VENV / "lib" / minor / "site-packages"
            (lib / "course-venv.pth").write_text(f"import site; site.addsitedir({str(site_packages())!r})\n",
                                                 encoding="utf-8")
            for root, dirs, files in os.walk(TRAINEE_VENV):
                for name in dirs + files:
                    entry = Path(root) / name
                    if not entry.is_symlink():
                        entry.chmod(entry.stat().st_mode | 0o005 if entry.is_dir() else entry.stat().st_mode | 0o004)
            return target
    raise CourseError("classroom.no_trainee_python", path=str(venv_python.resolve()), minor=minor)
