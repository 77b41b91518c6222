"""The classroom's variants, assessment choice, hub page names and checkout walls, without a hub:
provisioning writes each trainee's own variant (or the assessment copy), grading uses the store as
the roster with one reference lookup per variant, and serve walls off only the secret folders."""
from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from conftest import EXERCISE

from course.classroom import variants as classroom_variants
from course.classroom.grade import write_roster
from course.classroom.names import account_name
from course.classroom.pages import DisplayName
from course.classroom.provision import provision
from course.classroom.store import Store
from course.classroom.walls import SECRET, protect_checkout
from course.core.i18n import CourseError
from course.exercises import reference
from course.exercises.assign import read_roster
from course.exercises.master import read_master
from course.exercises.variants import stable_variant

COUNT = 2  # the hub tests' class (conftest): 张三 and 李四 get different variants


def exercise_meta(home: Path) -> dict:
    return json.loads((home / "exercises" / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))["metadata"]["course"]


def new_trainee(state: Path, store: Store, name: str) -> Path:
    account = account_name(name)
    store.login(account, name, "2468")
    return state / "homes" / account


def test_each_trainee_gets_a_stable_variant_from_the_hub_identity():
    a, b = account_name("张三"), account_name("李四")
    assert classroom_variants.trainee_variant(a, 30) == stable_variant(a, 30) == classroom_variants.trainee_variant(a, 30)
    assert classroom_variants.trainee_variant(a, COUNT) != classroom_variants.trainee_variant(b, COUNT)
    assert classroom_variants.trainee_variant(a, 0) == 0  # --variants 0: everyone the same


def test_provisioning_writes_each_trainees_own_variant_and_records_it(tmp_path):
    store = Store(tmp_path)
    classroom_variants.configure_class(store, COUNT, assessment=False)
    homes = {name: new_trainee(tmp_path, store, name) for name in ("张三", "李四")}
    for home in homes.values():
        assert provision(home, os.getuid(), os.getgid())
    metas = {name: exercise_meta(home) for name, home in homes.items()}
    given = {name: meta.get("variant", 0) for name, meta in metas.items()}
    assert given == {n: classroom_variants.trainee_variant(account_name(n), COUNT) for n in homes}
    assert given["张三"] != given["李四"]
    # the fingerprints differ too: check() in each home answers for that home's numbers
    digests = {n: [q["digests"] for q in m["questions"]] for n, m in metas.items()}
    assert digests["张三"] != digests["李四"]
    # the store is the grader's roster
    assert {t["name"]: t["variant"] for t in store.trainees()} == given
    # every exercise, not only one
    for name, home in homes.items():
        for path in (home / "exercises").glob("*.ipynb"):
            meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["course"]
            assert meta.get("variant", 0) == given[name], path.name


def test_assessment_provisioning_carries_no_answer(tmp_path):
    store = Store(tmp_path)
    classroom_variants.configure_class(store, COUNT, assessment=True)
    home = new_trainee(tmp_path, store, "王五")
    provision(home, os.getuid(), os.getgid())
    for path in sorted((home / "exercises").glob("*.ipynb")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]["course"]
        assert meta["mode"] == "assessment", path.name
        assert meta.get("variant", 0) == classroom_variants.trainee_variant(home.name, COUNT)
        for question in meta["questions"]:
            assert "answer" not in question and "feedback" not in question, (path.name, question["id"])
            assert question["digests"] == [], (path.name, question["id"])
    # the practice copy of the same variant does carry them (the test above is not vacuous)
    practice = dict(classroom_variants.exercise_files(classroom_variants.trainee_variant(home.name, COUNT), "practice"))
    assert "answer" in json.loads(practice[f"exercises/{EXERCISE}.ipynb"])["metadata"]["course"]["questions"][0]


def test_a_class_keeps_its_mode_once_trainees_have_files(tmp_path):
    store = Store(tmp_path)
    classroom_variants.configure_class(store, COUNT, assessment=False)
    classroom_variants.configure_class(store, COUNT, assessment=True)  # nobody yet: may still change
    assert classroom_variants.class_settings(store) == {"mode": "assessment", "variants": COUNT}
    new_trainee(tmp_path, store, "赵六")
    with pytest.raises(CourseError) as error:
        classroom_variants.configure_class(store, COUNT, assessment=False)
    assert "--state" in str(error.value) and "考核模式" in str(error.value)


def test_the_store_roster_wins_and_each_variant_is_looked_up_once(tmp_path, monkeypatch):
    """classroom grade → roster from the store → course grade's for_class: one reference lookup
    per variant present, however many trainees share it, and the roster beats the notebook."""
    subs = [{"name": "张三", "variant": 2}, {"name": "李四", "variant": 1}, {"name": "王五", "variant": 2},
            {"name": "=赵六", "variant": 1}]
    roster = read_roster(write_roster(subs, tmp_path / "roster.csv"))
    assert roster == {"张三": 2, "李四": 1, "王五": 2, "=赵六": 1}

    class Sub:
        def __init__(self, trainee, claimed):
            self.trainee = trainee
            self.notebook = type("NB", (), {"metadata": {"course": {"variant": claimed}}})()

    calls = []
    monkeypatch.setattr(reference, "reference_answers",
                        lambda master, variant, digest=None: calls.append(variant) or {"answers": {"v": variant}})
    master = read_master(Path(reference.paths.solutions_dir()) / f"{EXERCISE}.ipynb")
    stored = {"source_hash": "x", "answers": {"v": 0}}
    # 李四 hands in a copy of 张三's notebook (it says variant 2): graded as variant 1 all the same
    found = [Sub("张三", 2), Sub("李四", 2), Sub("王五", 2), Sub("=赵六", 1)]
    ready = reference.for_class(master, stored, found, roster)
    assert sorted(calls) == [1, 2]
    assert reference.graded_answers(ready, "李四") == (1, {"v": 1})
    assert reference.graded_answers(ready, "张三") == (2, {"v": 2})


def test_built_exercises_are_shared_by_trainees_of_one_variant(monkeypatch):
    built = []
    real = classroom_variants._build
    monkeypatch.setattr(classroom_variants, "_build", lambda v, m: built.append((v, m)) or real(v, m))
    monkeypatch.setattr(classroom_variants, "_built", {})
    first = classroom_variants.exercise_files(1, "practice")
    again = classroom_variants.exercise_files(1, "practice")
    assert first is again and built == [(1, "practice")]


def test_serve_builds_every_variant_before_the_first_login(monkeypatch):
    """prebuild (serve, before the hub starts) builds each variant of the class once, in worker
    processes, with the same bytes as a build in the hub; a login then builds nothing."""
    monkeypatch.setattr(classroom_variants, "_built", {})
    assert classroom_variants.prebuild(COUNT, "practice") == COUNT
    assert sorted(classroom_variants._built) == [(v, "practice") for v in range(1, COUNT + 1)]
    assert classroom_variants._built[(2, "practice")] == classroom_variants._build(2, "practice")
    built = []
    monkeypatch.setattr(classroom_variants, "_build", lambda v, m: built.append((v, m)))
    for variant in range(1, COUNT + 1):
        classroom_variants.exercise_files(variant, "practice")
    assert built == [] and classroom_variants.prebuild(COUNT, "practice") == 0
    assert classroom_variants.class_variants(0) == [0]  # --variants 0: the one shared copy


def test_hub_pages_get_the_display_name(tmp_path):
    store = Store(tmp_path)
    store.login(account_name("张三"), "张三", "2468")
    names = DisplayName(str(tmp_path))
    user = type("User", (), {"name": account_name("张三")})()
    assert names(user) == "张三"
    assert names(type("User", (), {"name": "trainer"})()) == "讲师"
    assert names(None) == ""


def test_serve_walls_off_only_the_secret_folders():
    base = Path(tempfile.mkdtemp(prefix="checkout-", dir="/tmp"))  # pytest's tmp is root-only
    try:
        walls_checked(base / "checkout")
    finally:
        shutil.rmtree(base)


def walls_checked(root: Path) -> None:
    for name in ("notebooks", "course", "datasets", "exercises", ".venv/bin", *SECRET):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / ".venv/bin/python").write_text("", encoding="utf-8")
    for folder in (root, *[p for p in root.rglob("*") if p.is_dir()]):
        folder.chmod(0o755)
    (root / "notebooks").chmod(0o775)
    root.parent.chmod(0o755)
    before = {p.name: stat.S_IMODE(p.stat().st_mode) for p in root.iterdir()}
    changed = protect_checkout(root)
    after = {p.name: stat.S_IMODE(p.stat().st_mode) for p in root.iterdir()}
    assert sorted(changed) == sorted(SECRET)
    for name in SECRET:
        assert after[name] == 0o700, name
    for name in ("notebooks", "course", "datasets", "exercises", ".venv"):
        assert after[name] == before[name], name
    assert stat.S_IMODE(root.stat().st_mode) == 0o755
    assert {"solutions", ".git"} <= set(SECRET)


def test_serve_assessment_records_the_mode_and_trainees_get_no_answers(tmp_path, monkeypatch, capsys):
    """``classroom serve --assessment`` up to the point where JupyterHub takes over (stubbed here;
    the hub tests run the real one): the class is recorded as assessment, the banner says so, and a
    trainee provisioned in it gets exercises without answers."""
    from conftest import _missing, need

    from course.classroom import cli, serve

    need(_missing())
    state = Path(tempfile.mkdtemp(prefix="classroom-", dir="/tmp"))
    started = []
    monkeypatch.setattr("jupyterhub.app.main", lambda argv: started.append(argv))
    monkeypatch.setattr("sys.argv", ["python"])
    monkeypatch.setenv(serve.SETTINGS_ENV, "")  # run() sets it for the hub: undone after the test
    monkeypatch.chdir(tmp_path)
    try:
        args = cli.parser().parse_args(["serve", "--assessment", "--variants", str(COUNT), "--state", str(state),
                                        "--class-code", "2468", "--trainer-password", "pw-123456"])
        assert serve.run(args) == 0 and started
        assert "考核模式" in capsys.readouterr().out
        assert serve.mode_line("assessment", COUNT).endswith(f"每位学员分到 {COUNT} 个版本中的一个。")
        assert serve.mode_line("practice", 0).endswith("所有学员用同一个版本。")  # not "one of 0 variants"
        store = Store(state)
        assert classroom_variants.class_settings(store) == {"mode": "assessment", "variants": COUNT}
        home = new_trainee(state, store, "孙七")
        provision(home, os.getuid(), os.getgid())
        meta = exercise_meta(home)
        assert meta["mode"] == "assessment" and all("answer" not in q for q in meta["questions"])
    finally:
        shutil.rmtree(state, ignore_errors=True)


@pytest.mark.parametrize("mode", ["practice", "assessment"])
def test_check_in_a_provisioned_home_uses_the_trainees_variant(tmp_path, monkeypatch, mode):
    """check() reads the trainee's own copy: in practice its variant's fingerprints (the neighbour's
    number fails), in assessment only the shape (the neighbour's number and the right one look alike)."""
    from course.exercises import check as checking
    from course.exercises.reference import read_answers

    store = Store(tmp_path)
    classroom_variants.configure_class(store, COUNT, assessment=mode == "assessment")
    homes = [new_trainee(tmp_path, store, name) for name in ("张三", "李四")]
    for home in homes:
        provision(home, os.getuid(), os.getgid())
    mine, theirs = (exercise_meta(home).get("variant", 0) for home in homes)
    own, neighbour = read_answers(EXERCISE, mine)["answers"], read_answers(EXERCISE, theirs)["answers"]
    question = next(q for q in own if own[q]["type"] == "number" and own[q] != neighbour[q])
    monkeypatch.setenv("COURSE_EXERCISES_DIR", str(homes[0] / "exercises"))
    monkeypatch.chdir(homes[0] / "exercises")
    assert checking.start_exercise(EXERCISE, variant=mine).ok is None
    right = checking.check(question, {question: own[question]["value"]})
    copied = checking.check(question, {question: neighbour[question]["value"]})
    misshapen = checking.check(question, {question: "不是数字"})
    assert right.ok is True and misshapen.ok is False
    assert copied.ok is (mode == "assessment")  # no oracle in assessment; the variant's own key in practice
    answer = checking.show_answer(question)
    if mode == "assessment":
        assert "课后" in repr(answer) and str(own[question]["value"]) not in repr(answer)


def test_reference_answers_computed_while_their_data_changes_are_not_stamped_current(tmp_path, monkeypatch):
    """A table rewritten while a master runs (classroom prepare filling the cache in a checkout
    someone is working in): the answers keep the stamp of the inputs the run started from, so the
    next lookup computes them again instead of trusting answers from half-old data."""
    from types import SimpleNamespace

    from conftest import REPO

    from course.exercises.grading import runner

    data = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", data)
    monkeypatch.setenv("COURSE_DATA_DIR", str(data))
    master = read_master(REPO / "solutions" / f"{EXERCISE}.ipynb")
    before = reference.source_hash(master)
    plain = reference.read_answers(EXERCISE, 1)["answers"]

    async def run_while_data_changes(notebook, ids, limits):
        with open(data / "customers.csv", "a", encoding="utf-8") as handle:
            handle.write("\n")
        return SimpleNamespace(fatal=None, problems=[], answers=plain)

    monkeypatch.setattr(runner, "run_notebook", run_while_data_changes)
    stored = reference.compute_answers(master, 1)
    assert stored["source_hash"] == before != reference.source_hash(master)
    assert not reference.is_current(master, stored, 1)
