"""Every generated (blank) exercise and the trainer console run top to bottom in a real kernel (papermill), and no chart
falls back to a font without Chinese glyphs. Each notebook runs once per `make test`: lessons in
test_trainee_views.py, masters under nbval (pyproject's testpaths), exercises here."""
import pytest

from conftest import REPO

NOTEBOOKS = [*sorted(REPO.glob("exercises/[0-9][0-9]-*.ipynb")), REPO / "notebooks" / "trainer.ipynb"]
GLYPH_WARNINGS = ("missing from font", "Glyph ")


def test_notebooks_were_found():
    assert len(NOTEBOOKS) >= 13


def _output_texts(notebook):
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            yield output.get("text", "")
            for value in output.get("data", {}).values():
                yield value if isinstance(value, str) else ""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_runs_without_error_or_missing_glyphs(path, tmp_path):
    import papermill

    # notebooks that save files (the capstone's action plan) take their folder as a parameter
    for attempt in (1, 2):  # one retry, only for a kernel that failed to start on a busy machine
        try:
            executed = papermill.execute_notebook(
                str(path), str(tmp_path / path.name), cwd=str(path.parent), kernel_name="python3",
                parameters={"plan_folder": str(tmp_path / "plan")}, progress_bar=False, log_output=False)
            break
        except RuntimeError as error:
            if attempt == 2 or "before replying to kernel_info" not in str(error):
                raise
    for text in _output_texts(executed):
        assert not any(w in text for w in GLYPH_WARNINGS), text[:300]
