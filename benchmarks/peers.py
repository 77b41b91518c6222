"""The grading peers, kept out of the course's environment: each in its own venv under .bench/
(git-ignored), created on first use. Also builds an assignment equivalent to one of our exercises
for each peer: the same trainee code, and one test per question against the same reference answers.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from _common import REPO

BENCH = REPO / ".bench"
PEERS = {
    # venv name -> (pip requirements, the command that must exist afterwards)
    "nbgrader": (["nbgrader>=0.9,<0.10"], "nbgrader"),
    # otter runs its grading code inside the kernel, so that kernel needs otter *and* the course
    "otter": (["otter-grader>=6,<8", "-e", str(REPO)], "otter"),
}


class PeerUnavailable(RuntimeError):
    """The peer could not be installed or run here; the message says why."""


def peer_venv(name: str) -> Path:
    """The venv of ``name`` (created and installed when missing); raises PeerUnavailable."""
    requirements, command = PEERS[name]
    venv = BENCH / f"{name}-venv"
    tool = venv / "bin" / command
    stamp = venv / ".bench-installed"
    if tool.exists() and stamp.exists():
        return venv
    BENCH.mkdir(exist_ok=True)
    log = BENCH / f"{name}-install.log"
    print(f"installing {name} into {venv} (once; log: {log}) …", flush=True)
    with open(log, "w", encoding="utf-8") as out:
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                  *requirements]]
        for step in steps:
            if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
                raise PeerUnavailable(f"`{' '.join(step[-3:])}` failed; end of {log}:\n{tail}")
    if not tool.exists():
        raise PeerUnavailable(f"{name} installed but {tool} is missing")
    stamp.touch()
    return venv


# ----------------------------------------------------------------------------------------------
# One test per question, judged the way the reference answer is stored (course.exercises.reference)
# ----------------------------------------------------------------------------------------------
def question_test(qid: str, ref: dict, question: dict) -> str:
    tol = float(question.get("tolerance", 0) or 0)
    if ref["type"] == "number":
        return f"assert abs(float({qid}) - {ref['value']!r}) <= {tol!r} + 1e-9"
    if ref["type"] == "text" and question.get("multiple"):
        return f"assert ''.join(sorted(str({qid}).strip().upper())) == {''.join(sorted(ref['value']))!r}"
    if ref["type"] == "text":
        return f"assert str({qid}).strip().upper() == {ref['value']!r}.upper()"
    if ref["type"] == "table":
        key, cols = question.get("key") or ref["columns"][0], ref["columns"]
        return "\n".join([
            "import pandas as pd",
            f"_expected = pd.DataFrame({ref['rows']!r}, columns={cols!r})",
            f"_got = pd.DataFrame({qid})[{cols!r}]",
            "for _c in _got.columns:  # categories and strings compare as text, as in our grader",
            "    if not pd.api.types.is_numeric_dtype(_got[_c]):",
            "        _got[_c] = _got[_c].astype(str)",
            f"pd.testing.assert_frame_equal(_got.sort_values({key!r}).reset_index(drop=True),",
            f"    _expected.sort_values({key!r}).reset_index(drop=True), check_dtype=False, atol={tol!r} + 1e-9)",
        ])
    raise ValueError(f"no peer test for answer type {ref['type']}")


def _questions(exercise: str) -> tuple[dict, dict]:
    meta = json.loads((REPO / "exercises" / f"{exercise}.ipynb").read_text(encoding="utf-8"))["metadata"]["course"]
    refs = json.loads((REPO / "solutions" / "answers" / f"{exercise}.json").read_text(encoding="utf-8"))["answers"]
    return {q["id"]: q for q in meta["questions"]}, refs


def plain_code(source: str) -> str:
    """Trainee code without our master's solution markers (they are comments, but the peers read
    their own markers of the same spelling)."""
    lines = [line for line in source.splitlines() if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")]
    return "\n".join(re.sub(r"\s*# SOLUTION\s*$", "", line) for line in lines)


def _student(student: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(student, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = plain_code(cell.source)
    return nb


def _with_tests(student: Path, exercise: str, make_test_cell) -> nbformat.NotebookNode:
    """The student's notebook with a test cell after each answer cell."""
    questions, refs = _questions(exercise)
    nb = _student(student)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        role = cell.metadata.get("course", {})
        if role.get("role") == "answer":
            qid = role["question"]
            cells.append(make_test_cell(qid, question_test(qid, refs[qid], questions[qid]), questions[qid]))
    nb.cells = cells
    return nb


def nbgrader_course(student: Path, exercise: str, copies: int, root: Path, venv: Path, env: dict) -> Path:
    """An nbgrader course with assignment ps1 = the exercise plus graded test cells, released,
    and ``copies`` submissions of the student's answers. Returns the course root."""
    def test_cell(qid, code, question):
        cell = nbformat.v4.new_code_cell(code)
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "task": False,
                                     "points": float(question["points"]), "grade_id": f"test_{qid}",
                                     "schema_version": 3}
        return cell

    root.mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'bench'\n"
        "c.ExecutePreprocessor.timeout = 60\n", encoding="utf-8")
    source = root / "source" / "ps1"
    source.mkdir(parents=True)
    nbformat.write(_with_tests(student, exercise, test_cell), source / f"{exercise}.ipynb")
    run = subprocess.run([str(venv / "bin" / "nbgrader"), "generate_assignment", "ps1", "--force"], cwd=root,
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise PeerUnavailable(f"nbgrader generate_assignment failed:\n{run.stdout[-1500:]}{run.stderr[-1500:]}")
    released = root / "release" / "ps1" / f"{exercise}.ipynb"
    for n in range(copies):
        folder = root / "submitted" / f"trainee{n:02d}" / "ps1"
        folder.mkdir(parents=True)
        shutil.copy(released, folder / released.name)
    return root


def otter_autograder(student: Path, exercise: str, folder: Path, venv: Path, env: dict) -> Path:
    """An otter-assign master for the exercise (the student's code as the 'solution', the same
    tests), assigned with otter's own tool; returns the autograder zip."""
    def raw(text):
        return nbformat.v4.new_raw_cell(text)

    questions, refs = _questions(exercise)
    nb = _student(student)
    cells = [raw("# ASSIGNMENT CONFIG\ninit_cell: false\ncheck_all_cell: false\nexport_cell: false\n"
                 "run_tests: false\ngenerate: true\nrequirements: null\nenvironment: null\n")]
    for cell in nb.cells:
        role = cell.metadata.get("course", {})
        if role.get("role") == "check":
            continue  # otter's own checks replace ours in this notebook
        if role.get("role") == "answer":
            qid = role["question"]
            cells += [raw(f"# BEGIN QUESTION\nname: {qid}\npoints: {float(questions[qid]['points'])}"),
                      nbformat.v4.new_code_cell("# BEGIN SOLUTION\n" + cell.source + "\n# END SOLUTION"),
                      raw("# BEGIN TESTS"),
                      nbformat.v4.new_code_cell(question_test(qid, refs[qid], questions[qid])),
                      raw("# END TESTS"), raw("# END QUESTION")]
        else:
            cells.append(cell)
    nb.cells = cells
    folder.mkdir(parents=True)
    master = folder / f"{exercise}-master.ipynb"
    nbformat.write(nb, master)
    run = subprocess.run([str(venv / "bin" / "otter"), "assign", "--no-pdfs", master.name, "dist"], cwd=folder,
                         env=env, capture_output=True, text=True)
    zips = sorted((folder / "dist" / "autograder").glob("*.zip"))
    if run.returncode != 0 or not zips:
        raise PeerUnavailable(f"otter assign failed:\n{run.stdout[-1500:]}{run.stderr[-1500:]}")
    return zips[0]


def kernel_home(python: Path, env: dict, folder: Path) -> dict:
    """``env`` with a Jupyter data dir whose python3 kernel is ``python`` (so a peer runs the
    trainee code on exactly the interpreter and packages our grader uses)."""
    spec = folder / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (course)", "language": "python"}), encoding="utf-8")
    return {**env, "JUPYTER_DATA_DIR": str(folder), "JUPYTER_PATH": str(folder)}


__all__ = ["PeerUnavailable", "peer_venv", "nbgrader_course", "otter_autograder", "kernel_home", "question_test"]
