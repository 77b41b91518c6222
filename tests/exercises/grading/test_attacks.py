"""Issue 14's attacks, graded in the sandbox: none changes another trainee's grade (in the batch or a
later one), the repository, the venv or the answer key; none stops the batch; what reaches the
trainee or the trainer's spreadsheet is safe. Needs bubblewrap: fails in CI without it."""
import csv
import hashlib
import json
import os
import site
import time
from pathlib import Path

import pytest
from attack_fixtures import EXERCISE, FAKE_CLASS, FORMULA_NAMES, write_attacks, write_sibling_pair
from conftest import need

from course import sandbox as confinement
from course.core.paths import REPO_ROOT, solutions_dir
from course.exercises import answers as answer_kinds
from course.exercises.grading import cli, store
from course.exercises.grading.export import export_value, valid_plain, validate_answers
from course.exercises.grading.runner import Limits
from course.exercises.grading.submission import claims, trainee_id
from course.exercises.master import read_master

LIMITS = Limits(cell_seconds=30, notebook_seconds=240)


@pytest.fixture(scope="module")
def master():
    return read_master(solutions_dir() / f"{EXERCISE}.ipynb")


@pytest.fixture(scope="module")
def context(master, tmp_path_factory):
    need(None if confinement.find_sandbox() else "bubblewrap sandbox: " + confinement.missing_reason())
    root = tmp_path_factory.mktemp("attack-context")
    secret = root / "trainer-notes.txt"
    secret.write_text("trainer-secret-42: 身份证 110101199001011234", encoding="utf-8")
    kinds = {q.id: q.spec["kind"] for q in master.questions}
    return {
        "question_ids": master.question_ids,
        "ipythondir": os.environ["IPYTHONDIR"],
        "runtime": os.environ["JUPYTER_RUNTIME_DIR"],
        "site_packages": site.getsitepackages()[0],
        "package_file": str(REPO_ROOT / "course" / "exercises" / "grading" / "export.py"),
        "answer_key": str(solutions_dir() / "answers" / f"{EXERCISE}.json"),
        "key_file": str(store.key_path()),
        "marker": str(root / "survived.txt"),
        "secret_file": str(secret),
        "choice_question": next(q for q, k in kinds.items() if k == "choice"),
        "number_question": next(q for q, k in kinds.items() if k == "number" and q not in ("q3", "q5")),
    }


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _planted(context) -> list[str]:
    startup = "profile_default/startup/00-course-attack.py"
    candidates = [Path(context["ipythondir"]) / startup, Path.home() / ".ipython" / startup,
                  *(Path(p) / "zz_course_attack.pth" for p in site.getsitepackages()), Path(context["marker"])]
    return [str(p) for p in candidates if p.exists()]


@pytest.fixture(scope="module")
def batch(context, tmp_path_factory):
    root = tmp_path_factory.mktemp("attacks")
    out = root / "out"
    guarded = [context["package_file"], context["answer_key"]]
    before = {path: _digest(path) for path in guarded}
    files = write_attacks(root / "inbox", out, context)
    results = cli.grade(EXERCISE, [root / "inbox"], out, workers=2, limits=LIMITS, show_progress=False)
    time.sleep(10)  # what an escaped process would do, it does within 8 s of the run
    after = {path: _digest(path) for path in guarded}
    gradebook = (out / "gradebook.csv").read_bytes()
    planted = _planted(context)
    for path in planted:  # never leave an attack behind, whatever the outcome
        Path(path).unlink()
    return {r["trainee"]: r for r in results}, out, files, before, after, gradebook, planted, root


def rows(result):
    return {row["question"]: (row["status"], row["points"]) for row in result["rows"]}


def test_no_attack_plants_anything_or_edits_the_repository_venv_or_answer_key(batch):
    _, _, _, before, after, _, planted, _ = batch
    assert planted == []
    assert before == after


def test_the_batch_finishes_with_a_row_for_every_file(batch, master):
    results, out, files, *_ = batch
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        gradebook = list(csv.DictReader(handle))
    # every file but the clashing pair has its own id; the pair shares one refused id
    assert len(results) == len(files) - 1
    assert len(gradebook) == len(results) * len(master.questions)


@pytest.mark.parametrize("name", ["startup_file", "pth_file", "package_edit", "answer_key_edit",
                                  "resume_forgery", "cgroup_escape", "metadata_flood"])
def test_an_attack_earns_exactly_the_grade_of_the_same_work_without_it(batch, name):
    results, *_ = batch
    assert rows(results[name]) == rows(results["some_wrong"])


def test_innocents_in_the_same_batch_keep_their_grades(batch, master):
    results, *_ = batch
    assert {status for status, _ in rows(results["solution"]).values()} == {"correct"}
    assert results["some_wrong"]["sandboxed"] is True


def test_an_innocent_in_a_later_batch_keeps_its_grade(batch, tmp_path):
    _, _, files, *_ = batch
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "later.ipynb").write_bytes(files["solution"].read_bytes())
    later = cli.grade(EXERCISE, [inbox], tmp_path / "out", workers=1, limits=LIMITS, show_progress=False)
    assert {row["status"] for row in later[0]["rows"]} == {"correct"}


def test_no_process_outlives_the_run_and_the_gradebook_is_the_graders(batch):
    _, _, _, _, _, gradebook, _, _ = batch
    assert b"forged" not in gradebook[:20]
    if os.geteuid() == 0:
        left = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
            if confinement.UID_BASE <= uid < confinement.UID_BASE + 100_000_000 and \
                    (os.getpid() % 1_000_000) == (uid - confinement.UID_BASE) // 100:
                left.append(pid)
        assert left == []


def test_a_rerun_does_not_trust_forged_resume_records(batch):
    results, out, files, *_ = batch
    root = batch[-1]
    # plant what an unconfined kernel could have written: unsigned and wrongly signed records
    for name in ("solution", "resume_forgery"):
        record = dict(results[name], rows=[])
        (out / ".results" / f"{name}.json").write_text(json.dumps({**record, "_mac": "0" * 64}), encoding="utf-8")
    again = {r["trainee"]: r for r in cli.grade(EXERCISE, [root / "inbox"], out, workers=2, limits=LIMITS,
                                                  show_progress=False)}
    assert rows(again["solution"]) == rows(results["solution"]) and again["solution"]["rows"]
    assert rows(again["resume_forgery"]) == rows(results["some_wrong"])


def test_malformed_or_forged_answers_are_wrong_and_stop_nothing(batch, context):
    results, *_ = batch
    number, choice = context["number_question"], context["choice_question"]
    clean = rows(results["some_wrong"])
    for name, touched in (("fake_module_class", {number}), ("huge_int", {number}),
                          ("wrapped_display", {number, choice})):
        graded = rows(results[name])
        assert all(graded[q][1] == 0 for q in touched), (name, graded)
        assert {q: v for q, v in graded.items() if q not in touched} == \
            {q: v for q, v in clean.items() if q not in touched}, name


def test_the_output_cap_counts_display_metadata(batch):
    results, *_ = batch
    assert results["metadata_flood"]["output_truncated"] is True


def test_error_text_carries_type_and_line_only(batch, context):
    results, out, *_ = batch
    row = next(r for r in results["leaks_error_text"]["rows"] if r["question"] == context["number_question"])
    assert row["status"] == "error" and ("ValueError" in row["message"] or "FileNotFoundError" in row["message"])
    for path in [out / "gradebook.csv", out / "results.json", *(out / "feedback").glob("*.html")]:
        assert "trainer-secret" not in path.read_text(encoding="utf-8-sig"), path


def test_a_gbk_file_name_is_a_readable_trainee_id(batch):
    results, *_ = batch
    assert rows(results["张三"]) == rows(results["some_wrong"])


def test_formula_names_are_neutralised_in_the_gradebook(batch):
    _, out, *_ = batch
    with open(out / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert {f"'{name}" for name in FORMULA_NAMES} <= set(cells)


def test_a_name_clash_is_refused_never_renamed_onto_another_trainee(batch):
    results, *_ = batch
    refused = results["x"]
    assert {r["status"] for r in refused["rows"]} == {"unreadable"}
    assert "x.ipynb" in refused["rows"][0]["message"]
    assert rows(results["x-2"]) == rows(results["some_wrong"])


def test_a_sibling_kernel_cannot_reach_another(context, tmp_path):
    # A successful attack blanks the victim's answers (unanswered or wrong). A victim cell that errors
    # on a loaded machine (seen in CI: slow cells beside the busy attacker) is not an attack, so the
    # pair is graded once more before the test gives up; an unanswered or wrong answer fails at once.
    for attempt in (1, 2):
        files = write_sibling_pair(tmp_path / f"inbox{attempt}", context)
        graded = {r["trainee"]: r for r in cli.grade(EXERCISE, [tmp_path / f"inbox{attempt}"], tmp_path / f"out{attempt}",
                                                     workers=2, limits=Limits(cell_seconds=90, notebook_seconds=300),
                                                     show_progress=False)}
        assert set(graded) == set(files)
        rows = graded["sibling_victim"]["rows"]
        statuses = {row["status"] for row in rows}
        shown = "\n".join(f"{row['question']} {row['status']} {row.get('message', '')}" for row in rows)
        shown += f"\nfatal={graded['sibling_victim'].get('fatal')} cells={graded['sibling_victim'].get('cell_problems')}"
        assert not statuses & {"unanswered", "wrong", "partial"}, shown
        if statuses == {"correct"}:
            return
        print(f"attempt {attempt}:\n{shown}")
    assert statuses == {"correct"}, shown


# ---------- the same defences, one layer down (no kernel needed) ----------

def test_ids_from_any_bytes_and_clashes(tmp_path):
    assert trainee_id(os.fsdecode("张三".encode("gbk"))) == "张三"
    assert trainee_id(os.fsdecode(b"\xff\xfe\x00bad")) and "/" not in trainee_id("a/../b")
    assert trainee_id("..\u202e.hidden") == "hidden"
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.ipynb").write_text("{}")
    (tmp_path / "x-2.ipynb").write_text("{}")
    unique, clashes = claims([tmp_path])
    assert [t for t, _ in unique] == ["x-2"] and set(clashes) == {"x"} and len(clashes["x"]) == 2


def test_the_exporter_tests_types_by_identity():
    namespace = {}
    exec(FAKE_CLASS, namespace)
    fake = namespace["DataFrame"]()
    assert export_value(fake)["type"] == "unsupported"
    import numpy as np
    import pandas as pd

    assert export_value(pd.DataFrame({"a": [1, 2]})) == {"type": "table", "columns": ["a"], "rows": [[1], [2]]}
    assert export_value(np.int64(3)) == {"type": "number", "value": 3}
    assert export_value(10 ** 5000)["type"] == "unsupported"


def test_the_schema_refuses_what_would_crash_the_comparison():
    ragged = {"type": "table", "columns": ["a", "b"], "rows": [[1], [1, 2, 3]]}
    assert not valid_plain(ragged)
    assert not valid_plain({"type": "text", "value": 5}) and not valid_plain({"type": "number", "value": [1]})
    assert not valid_plain({"type": "number", "value": 10 ** 5000})
    checked = validate_answers({"q1": ragged, "q2": {"type": "number", "value": 2}}, ["q1", "q2", "q3"])
    assert checked == {"q1": {"type": "unsupported", "python_type": "invalid"},
                       "q2": {"type": "number", "value": 2}, "q3": {"type": "missing"}}
    spec = {"kind": "table", "columns": ["a", "b"], "key": "a"}
    reference = {"type": "table", "columns": ["a", "b"], "rows": [[1, 2]]}
    assert answer_kinds.compare(spec, checked["q1"], reference).score == 0


def test_resume_records_are_signed(tmp_path):
    records = store.ResultStore(tmp_path)
    result = {"trainee": "甲", "rows": [], "submission_sha256": "s", "source_hash": "h"}
    records.save(result)
    assert records.load("甲") == result and records.is_done("甲", "s", "h")
    path = tmp_path / ".results" / "甲.json"
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["rows"] = [{"question": "q1", "points": 99}]
    path.write_text(json.dumps(forged), encoding="utf-8")
    assert records.load("甲") is None and not records.is_done("甲", "s", "h")
    unsigned = dict(result)
    path.write_text(json.dumps(unsigned), encoding="utf-8")
    assert records.load("甲") is None


def test_the_signing_key_is_private_to_the_trainer():
    key = store.key_path()
    store.signing_key()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert not key.is_relative_to(REPO_ROOT)
