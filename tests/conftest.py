"""Test-wide setup: Jupyter, IPython and matplotlib write into a throwaway folder, never into ~."""
import os
import tempfile
from pathlib import Path

_HOME = Path(tempfile.mkdtemp(prefix="course-tests-"))
for _name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
    (_HOME / _name.lower()).mkdir()
    os.environ[_name] = str(_HOME / _name.lower())
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"

REPO = Path(__file__).resolve().parents[1]
