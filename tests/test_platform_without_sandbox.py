"""A trainer on a machine like Windows or macOS: no ``resource`` module and no usable sandbox.

Every command runs end to end in a subprocess whose Python cannot import ``resource`` (a meta path
finder in a sitecustomize refuses it, as Windows' Python would) and whose PATH offers either no
bubblewrap at all, or a bubblewrap that cannot create namespaces (a stand-in that fails the way bwrap
does when user namespaces are off). The grader must refuse in Chinese and say how to get a sandbox;
with --no-sandbox it grades, and every report says the run was unconfined; ``doctor`` explains.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest

from course.core.i18n import t
from course.core.paths import exercises_dir, solutions_dir

EXERCISE = "07-rfm"

# Refuses ``resource`` like a Python without it, and notes which program asked (the kernel too:
# it inherits the grader's environment when unconfined).
BLOCKER = '''
import os, sys

class _NoUnixResource:
    def find_spec(self, name, path=None, target=None):
        if name == "resource":
            with open(os.environ["SIMULATION_LOG"], "a", encoding="utf-8") as log:
                log.write(" ".join(sys.argv[:1]) + "\\n")
            raise ModuleNotFoundError("No module named 'resource'", name="resource")
        return None

sys.modules.pop("resource", None)
sys.meta_path.insert(0, _NoUnixResource())
'''

# what bwrap prints and does when the kernel forbids user namespaces
BROKEN_BWRAP = "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"

SIMULATIONS = {
    "no_bwrap": "grading.sandbox_no_bwrap",
    "no_namespaces": "grading.sandbox_no_userns",
}


def simulated_env(root: Path, kind: str) -> dict[str, str]:
    """The environment of a platform without ``resource`` and without a working sandbox."""
    site = root / "site"
    site.mkdir(parents=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    tools = root / "bin"  # the whole PATH: nothing from /usr/bin, so no real bwrap
    tools.mkdir()
    if kind == "no_namespaces":
        (tools / "bwrap").write_text(BROKEN_BWRAP, encoding="utf-8")
        (tools / "bwrap").chmod(0o755)
        if os.geteuid() == 0 and shutil.which("setpriv"):  # root needs setpriv before bwrap is tried
            (tools / "setpriv").symlink_to(shutil.which("setpriv"))
    env = {k: v for k, v in os.environ.items() if k != "COURSE_SANDBOX_DISABLE"}
    env.update(PATH=str(tools), PYTHONPATH=os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])),
               SIMULATION_LOG=str(root / "refused-resource.log"), COURSE_LANG="zh_CN")
    return env


def course_command(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=600)


def refused_by(root: Path) -> list[str]:
    log = root / "refused-resource.log"
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def write_submissions(folder: Path) -> None:
    """One full solution (the master itself) and one untouched exercise."""
    folder.mkdir()
    nbformat.write(nbformat.read(solutions_dir() / f"{EXERCISE}.ipynb", as_version=4), folder / "alice.ipynb")
    nbformat.write(nbformat.read(exercises_dir() / f"{EXERCISE}.ipynb", as_version=4), folder / "bob.ipynb")


@pytest.mark.parametrize("kind", sorted(SIMULATIONS))
def test_the_simulation_really_has_no_resource_and_no_sandbox(tmp_path, kind):
    env = simulated_env(tmp_path, kind)
    probe = ("import course.sandbox as s\n"
             "try:\n    import resource\nexcept ImportError:\n    print('no resource')\n"
             "print('sandbox', s.find_sandbox())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["no resource", "sandbox None"]


@pytest.mark.parametrize("kind", sorted(SIMULATIONS))
def test_grading_refuses_in_chinese_and_says_how_to_get_a_sandbox(tmp_path, kind):
    env = simulated_env(tmp_path / "sim", kind)
    write_submissions(tmp_path / "class")
    done = course_command(env, "grade", EXERCISE, str(tmp_path / "class"), "--out", str(tmp_path / "out"),
                          cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr[-2000:]
    reason = t(SIMULATIONS[kind])
    assert reason in done.stderr  # how to get a sandbox on this machine
    assert t("grading.no_sandbox", reason=reason) in done.stderr  # …and how to grade without one
    assert not (tmp_path / "out" / "gradebook.csv").exists()


@pytest.fixture(scope="module")
def unsandboxed(tmp_path_factory):
    root = tmp_path_factory.mktemp("unsandboxed")
    env = simulated_env(root / "sim", "no_bwrap")
    write_submissions(root / "class")
    out = root / "out"
    done = course_command(env, "grade", EXERCISE, str(root / "class"), "--out", str(out), "--no-sandbox",
                          "--workers", "2", cwd=root)
    return done, out, root / "sim"


def test_with_no_sandbox_grading_works_without_resource(unsandboxed):
    done, out, sim = unsandboxed
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    # the kernels took the no-`resource` path themselves (they asked, and were refused)
    assert any(line.endswith("sandbox_kernel.py") for line in refused_by(sim)), refused_by(sim)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    scores = {s["trainee"]: (s["score"], s["max_score"]) for s in results["submissions"]}
    assert scores["alice"][0] == scores["alice"][1] > 0
    assert scores["bob"][0] == 0


def test_every_report_says_the_run_was_unsandboxed(unsandboxed):
    done, out, _ = unsandboxed
    banner = t("grading.unsandboxed_banner")
    assert banner in done.stdout and banner in done.stderr
    assert json.loads((out / "results.json").read_text(encoding="utf-8"))["sandboxed"] is False
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and {row["sandboxed"] for row in rows} == {"no"}
    sheet = openpyxl.load_workbook(out / "gradebook.xlsx").active
    header = [cell.value for cell in sheet[1]]
    column = header.index(t("gradebook.sandboxed"))
    assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == {t("gradebook.no")}
    assert banner in (out / "summary.html").read_text(encoding="utf-8")
    for page in (out / "feedback").glob("*.html"):
        assert banner in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", sorted(SIMULATIONS))
def test_doctor_explains_the_missing_sandbox(tmp_path, kind):
    env = simulated_env(tmp_path, kind)
    done = course_command(env, "doctor", cwd=tmp_path)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[-2000:]
    rows = done.stdout.splitlines()
    at = next(i for i, row in enumerate(rows) if t("doctor.sandbox") in row)
    line, fix = rows[at], rows[at + 1]
    assert line.startswith("⚠️")  # a warning: self-study does not need a sandbox
    assert t("doctor.fix", command="") in fix
    if kind == "no_bwrap":
        assert t("doctor.sandbox_missing", reason=t(SIMULATIONS[kind])) in line and "bubblewrap" in fix
    else:  # bubblewrap is there: the cause is the kernel setting or the container, never a missing package
        assert str(tmp_path / "bin" / "bwrap") in line and "apt" not in fix
        assert "sysctl -w" in fix or "seccomp" in fix
    assert done.returncode in (0, 1)  # other checks may fail on a bare PATH; the sandbox one never does
