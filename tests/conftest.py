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
# a message key missing from the catalog fails the test (kernels started by tests inherit this)
os.environ["COURSE_STRICT_MESSAGES"] = "1"

REPO = Path(__file__).resolve().parents[1]
# The one way the tests know they run in CI (.ci/run is started with CI=true).
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def need(missing_reason: str | None) -> None:
    """A test that needs a tool: fails in CI when the tool is missing, skips with the reason elsewhere."""
    import pytest

    if missing_reason:
        if IN_CI:
            pytest.fail(f"CI must have this: {missing_reason}")
        pytest.skip(missing_reason)
