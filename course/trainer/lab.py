"""``python -m course lab [jupyter lab options]``: what ``make lab`` does, for Windows (no make) and
conda users (no .venv): JupyterLab on the start page, the whole course folder browsable, in Chinese
with the news pop-up off (project-level settings in lab_settings/, never the user's home)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course.core.paths import notebooks_dir

SETTINGS = Path(__file__).parent / "lab_settings"


def lab_command(argv: list[str], root: Path | None = None) -> list[str]:
    root = Path(root) if root is not None else notebooks_dir().parent
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}",
               "--LabApp.default_url=/lab/tree/notebooks/00-start.ipynb", f"--LabApp.app_settings_dir={SETTINGS}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root
        command.append("--allow-root")
    return command + list(argv)


def main(argv: list[str]) -> int:
    try:
        return subprocess.call(lab_command(argv))
    except KeyboardInterrupt:
        return 0
