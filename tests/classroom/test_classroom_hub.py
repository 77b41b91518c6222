"""The classroom on a real hub: simulate, progress JSON, walls, bad input, PIN reset, grading, restart."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
import time

import pytest
import requests
from conftest import EXERCISE, REPO

from course.classroom.names import account_name
from course.classroom.simulate import Hub, Kernel, login_error

SERVICE = "/services/classroom"


def run_simulate(room, trainees: int, prefix: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "course", "classroom", "simulate", "--url", room.url,
                           "--trainees", str(trainees), "--exercise", EXERCISE, "--prefix", prefix],
                          cwd=REPO, env=room.env(), capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[-1])


def trainer_token(room) -> str:
    hub = Hub(room.url)
    assert hub.login("trainer", room.trainer_password).status_code == 302
    return hub.token("trainer")


def trainee(room, name: str, pin: str) -> tuple[Hub, str, str]:
    """Log a trainee in and start their server; (hub session, account, API token)."""
    hub = Hub(room.url)
    answer = hub.login(name, room.code, pin)
    assert answer.status_code == 302, login_error(answer.content)
    account = account_name(name)
    hub.api("POST", f"users/{account}/server")
    for _ in range(240):
        if (hub.api("GET", f"users/{account}").json().get("servers", {}).get("") or {}).get("ready"):
            break
        time.sleep(0.5)
    return hub, account, hub.token(account)


def get(room, path: str, token: str, **params) -> requests.Response:
    return requests.get(room.url + path, params=params, headers={"Authorization": f"token {token}"}, timeout=30)


def post(room, path: str, token: str, **kwargs) -> requests.Response:
    return requests.post(room.url + path, headers={"Authorization": f"token {token}"}, timeout=60, **kwargs)


@pytest.fixture(scope="module")
def simulated(classroom):
    """Two simulated trainees: 甲01 answers every question with the master's answers, 甲02 leaves all blank."""
    return run_simulate(classroom, 2, "甲")


@pytest.fixture(scope="module")
def pair(classroom):
    """Two trainees with running servers, for the walls."""
    return trainee(classroom, "张三", "2468"), trainee(classroom, "李四", "1357")


def test_simulate_reports_ready_time_and_event_latency(simulated):
    assert simulated["errors"] == []
    assert len(simulated["ready_s"]) == 2 and all(r > 0 for r in simulated["ready_s"])
    assert simulated["submitted"] == 2
    # every check cell of both trainees became visible to the trainer
    assert len(simulated["event_latency_ms"]) >= 2 * 5


def test_progress_json_matches_what_the_trainees_did(classroom, simulated):
    answer = get(classroom, f"{SERVICE}/api/progress", trainer_token(classroom), exercise=EXERCISE)
    assert answer.status_code == 200
    data = answer.json()
    assert set(data) == {"exercise", "trainees"} and data["exercise"] == EXERCISE
    rows = {row["name"]: row for row in data["trainees"]}
    assert {"甲01", "甲02"} <= set(rows)
    for row in data["trainees"]:
        assert set(row) == {"name", "submitted", "questions"}
    questions = rows["甲01"]["questions"]
    assert questions and set(questions.values()) == {"passed"}, questions
    assert set(rows["甲02"]["questions"].values()) == {"unanswered"}
    assert rows["甲01"]["submitted"] is True and rows["甲02"]["submitted"] is True


def test_trainee_gets_403_on_progress_and_dashboard(classroom, pair):
    (hub, _, token), _ = pair
    answer = get(classroom, f"{SERVICE}/api/progress", token, exercise=EXERCISE)
    assert answer.status_code == 403
    assert "讲师" in answer.json()["error"]
    page = hub.http.get(classroom.url + SERVICE + "/", timeout=30)
    assert page.status_code == 403 and "只有讲师" in page.content.decode("utf-8")


def test_trainee_cannot_open_another_trainees_server(classroom, pair):
    (_, _, token_a), (_, account_b, _) = pair
    answer = get(classroom, f"/user/{account_b}/api/contents", token_a)
    assert answer.status_code == 403
    answer = get(classroom, f"/user/{account_b}/api/contents/exercises/{EXERCISE}.ipynb", token_a)
    assert answer.status_code == 403


PROBE = """
import pathlib, json
results = {}
for label, path in {labels!r}.items():
    try:
        pathlib.Path(path).read_bytes()[:10]
        results[label] = "READ"
    except PermissionError:
        results[label] = "denied"
    except FileNotFoundError:
        results[label] = "missing"
print(json.dumps(results))
"""


def test_kernel_cannot_read_other_homes_answer_keys_or_state(classroom, pair):
    (_, account_a, token_a), (_, account_b, _) = pair
    targets = {
        "other_home": str(classroom.state / "homes" / account_b / "exercises" / f"{EXERCISE}.ipynb"),
        "answer_key": str(REPO / "solutions" / "answers" / f"{EXERCISE}.json"),
        "master": str(REPO / "solutions" / f"{EXERCISE}.ipynb"),
        "state_db": str(classroom.state / "private" / "classroom.sqlite"),
        "hub_db": str(classroom.state / "hub" / "jupyterhub.sqlite"),
        "own_home": str(classroom.state / "homes" / account_a / "exercises" / f"{EXERCISE}.ipynb"),
    }
    assert (REPO / "solutions" / "answers" / f"{EXERCISE}.json").exists()  # the key is there, just walled off
    kernel = Kernel(classroom.url, account_a, token_a, f"exercises/{EXERCISE}.ipynb")
    try:
        out = kernel.execute(PROBE.replace("{labels!r}", repr(targets)))
        whoami = kernel.execute("import os; print(os.getuid())")
    finally:
        kernel.close()
    assert out["error"] is None, out
    seen = json.loads("".join(out["text"]).strip().splitlines()[-1])
    assert seen["own_home"] == "READ"
    for label in ("other_home", "answer_key", "master", "state_db", "hub_db"):
        assert seen[label] == "denied", (label, seen)
    assert int("".join(whoami["text"]).strip()) != 0


def test_home_holds_the_trainee_bundle_and_no_answers(classroom, pair):
    (_, account_a, _), _ = pair
    home = classroom.state / "homes" / account_a
    assert (home / "notebooks" / "00-start.ipynb").exists()
    assert (home / "exercises" / f"{EXERCISE}.ipynb").exists()
    assert any((home / "datasets").iterdir())
    assert not (home / "solutions").exists() and not (home / "notebooks" / "trainer.ipynb").exists()
    exercise = json.loads((home / "exercises" / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))
    assert "submit()" in "".join(exercise["cells"][-1]["source"])
    assert (home.stat().st_mode & 0o077) == 0


@pytest.mark.parametrize("name, code, pin, expected", [
    ("王五", "wrong-code", "1234", "班级口令不对"),
    ("张三", Ellipsis, "9999", "已经有人用了"),
    ("a/b", Ellipsis, "1234", "斜杠"),
    ("小明😀", Ellipsis, "1234", "不能用"),
    ("长" * 100, Ellipsis, "1234", "最多 20 个字"),
    ("王五", Ellipsis, "12", "PIN"),
    ("trainer", "not-the-password", "", "讲师密码不对"),
])
def test_bad_logins_get_a_clear_chinese_message(classroom, pair, name, code, pin, expected):
    answer = Hub(classroom.url).login(name, classroom.code if code is Ellipsis else code, pin)
    assert answer.status_code != 302
    assert expected in login_error(answer.content)


def test_names_with_spaces_work_and_show_as_typed(classroom):
    hub = Hub(classroom.url)
    assert hub.login("  Anna   Li ", classroom.code, "4321").status_code == 302
    data = get(classroom, f"{SERVICE}/api/progress", trainer_token(classroom), exercise=EXERCISE).json()
    assert "Anna Li" in [row["name"] for row in data["trainees"]]


def test_submissions_refuse_wrong_exercise_and_huge_files(classroom, pair):
    (_, _, token), _ = pair
    other = json.loads((REPO / "exercises" / "07-rfm.ipynb").read_text(encoding="utf-8"))
    answer = post(classroom, f"{SERVICE}/api/submit", token,
                  json={"exercise": EXERCISE, "notebook": json.dumps(other, ensure_ascii=False)})
    assert answer.status_code == 400 and "不是" in answer.json()["error"]
    huge = b'{"exercise": "' + EXERCISE.encode() + b'", "notebook": "' + b"x" * (100 * 2**20) + b'"}'
    try:
        answer = post(classroom, f"{SERVICE}/api/submit", token, data=huge)
        assert answer.status_code == 413 and "太大" in answer.json()["error"]
    except requests.ConnectionError:  # the service may close the socket after answering 413
        pass
    assert get(classroom, f"{SERVICE}/api/me", token).status_code == 200  # the service is still there


def test_flooding_events_is_rate_limited_without_touching_others(classroom, pair):
    (_, _, token_a), (_, _, token_b) = pair
    event = {"exercise": EXERCISE, "question": "q1", "verdict": "failed", "hint_level": 1, "time": time.time()}
    codes = [post(classroom, f"{SERVICE}/api/events", token_a, json={"events": [event] * 50}).status_code
             for _ in range(5)]
    assert 429 in codes
    answer = post(classroom, f"{SERVICE}/api/events", token_b, json={"events": [event]})
    assert answer.status_code == 200 and answer.json()["stored"] == 1


def test_trainer_resets_a_forgotten_pin(classroom, pair):
    token = trainer_token(classroom)
    hub = Hub(classroom.url)
    xsrf_free = post(classroom, f"{SERVICE}/api/pin-reset", token, json={"account": account_name("李四")})
    assert xsrf_free.status_code == 200, xsrf_free.text
    answer = hub.login("李四", classroom.code, "8642")
    assert answer.status_code == 302, login_error(answer.content)
    assert Hub(classroom.url).login("李四", classroom.code, "1357").status_code != 302  # the old PIN is gone


def gradebook_difference(ours: list[dict], theirs: list[dict], out, inputs, snapshot) -> str:
    """What differs and what each side graded against (seen once: 甲01 q1), so a rerun tells why:
    the roster's variant (classroom grade) vs the notebook's (course grade), and whether the live
    checkout's reference answers moved away from the snapshot both runs graded against."""
    rows = [(a, b) for a, b in zip(ours, theirs) if a != b]
    roster = json.loads((out / "variants.json").read_text(encoding="utf-8"))
    claimed = {p.stem: json.loads(p.read_text(encoding="utf-8"))["metadata"]["course"].get("variant", 0)
               for p in inputs.glob("*.ipynb")}

    def hashes(root):
        found = {}
        for v in set(roster.values()):
            path = root / "answers" / (f"variants/{EXERCISE}/v{v}.json" if v else f"{EXERCISE}.json")
            found[v] = json.loads(path.read_text(encoding="utf-8")).get("source_hash") if path.exists() else None
        return found

    return (f"rows {rows}; roster {roster}; notebooks claim {claimed}; "
            f"snapshot {hashes(snapshot)}; live checkout {hashes(REPO / 'solutions')}")


def test_classroom_gradebook_matches_course_grade(classroom, simulated, tmp_path):
    """`classroom grade` (roster from the store) and `course grade` (variant from each notebook)
    give the same gradebook. Both grade against one snapshot of solutions/ taken now: in a shared
    checkout another hand may edit a master or refill the variant cache between the two runs, and
    that must not read as a difference between the two graders."""
    import os
    import shutil

    snapshot = tmp_path / "solutions"
    shutil.copytree(REPO / "solutions", snapshot)
    env = {**os.environ, "COURSE_SOLUTIONS_DIR": str(snapshot)}
    ours, theirs = tmp_path / "classroom", tmp_path / "grade"
    done = subprocess.run([sys.executable, "-m", "course", "classroom", "grade", EXERCISE, "--state",
                           str(classroom.state), "--out", str(ours)], cwd=REPO, capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    inputs = classroom.state / "private" / "to-grade" / EXERCISE
    assert {"甲01", "甲02"} <= {p.stem for p in inputs.glob("*.ipynb")}
    again = subprocess.run([sys.executable, "-m", "course", "grade", EXERCISE, str(inputs), "--out", str(theirs)],
                           cwd=REPO, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr

    def book(folder):
        with open(folder / "gradebook.csv", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))

    assert book(ours) == book(theirs), gradebook_difference(book(ours), book(theirs), ours, inputs, snapshot)
    names = {row[next(iter(row))] for row in book(ours)}
    assert {"甲01", "甲02"} <= names
    # the answered trainee's variant questions were graded against their own variant: full marks
    points = [float(r["points"]) for r in book(ours) if r["trainee"] == "甲01"]
    assert points and sum(points) == sum(float(r["max_points"]) for r in book(ours) if r["trainee"] == "甲01")


# ---- variants, the assessment choice, display names, walls of the checkout (issues 13, 14, 19) ----
COPY_EXERCISE = "01-customer-psychology"  # its own exercise: the gradebook test above stays as it was


def provisioned_variant(room, account: str, exercise: str = EXERCISE) -> int:
    path = room.state / "homes" / account / "exercises" / f"{exercise}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["metadata"]["course"].get("variant", 0)


def test_trainees_get_their_own_variant_and_check_uses_its_fingerprints(classroom, pair):
    from conftest import VARIANTS

    from course.classroom.variants import trainee_variant
    from course.exercises.reference import read_answers

    (_, account_a, token_a), (_, account_b, _) = pair
    mine, theirs = provisioned_variant(classroom, account_a), provisioned_variant(classroom, account_b)
    assert mine == trainee_variant(account_a, VARIANTS) and theirs == trainee_variant(account_b, VARIANTS)
    assert mine != theirs and mine > 0
    own, neighbour = read_answers(EXERCISE, mine)["answers"], read_answers(EXERCISE, theirs)["answers"]
    question = next(q for q in own if own[q]["type"] == "number" and own[q] != neighbour[q])
    home_file = classroom.state / "homes" / account_a / "exercises" / f"{EXERCISE}.ipynb"
    cells = json.loads(home_file.read_text(encoding="utf-8"))["cells"]
    preamble = []
    for cell in cells:  # the parameters cell (variant = K) and the setup cell, as the trainee runs them
        if cell["metadata"].get("course"):
            break
        if cell["cell_type"] == "code":
            preamble.append("".join(cell["source"]))
    kernel = Kernel(classroom.url, account_a, token_a, f"exercises/{EXERCISE}.ipynb")
    try:
        setup = kernel.execute("\n".join(preamble) + "\nprint(start_exercise(%r))" % EXERCISE)
        with_own = kernel.execute(f"{question} = {own[question]['value']!r}\nprint(check({question!r}))")
        with_copied = kernel.execute(f"{question} = {neighbour[question]['value']!r}\nprint(check({question!r}))")
    finally:
        kernel.close()
    assert setup["error"] is None, setup
    assert "".join(with_own["text"]).strip().startswith("✅"), with_own
    assert "".join(with_copied["text"]).strip().startswith("❌"), with_copied


def test_a_copied_notebook_is_graded_against_the_trainees_own_variant(classroom, pair, tmp_path):
    from course.exercises.assign import write_variant

    (_, account_a, token_a), (_, account_b, token_b) = pair
    variant_a = provisioned_variant(classroom, account_a, COPY_EXERCISE)
    assert provisioned_variant(classroom, account_b, COPY_EXERCISE) != variant_a
    # 张三's notebook with every answer of his variant; 李四 hands in a copy of it
    done = write_variant(COPY_EXERCISE, variant_a, tmp_path / "zhang.ipynb", as_master=True)
    text = done.read_text(encoding="utf-8")
    for token in (token_a, token_b):
        answer = post(classroom, f"{SERVICE}/api/submit", token, json={"exercise": COPY_EXERCISE, "notebook": text})
        assert answer.status_code == 200, answer.text
    out = tmp_path / "grades"
    graded = subprocess.run([sys.executable, "-m", "course", "classroom", "grade", COPY_EXERCISE, "--state",
                             str(classroom.state), "--out", str(out)], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert graded.returncode == 0, graded.stderr
    with open(out / "gradebook.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    points = {name: sum(float(r["points"]) for r in rows if r["trainee"] == name) for name in ("张三", "李四")}
    full = sum(float(r["max_points"]) for r in rows if r["trainee"] == "张三")
    assert points["张三"] == full
    lost = {r["question"] for r in rows if r["trainee"] == "李四" and float(r["points"]) < float(r["max_points"])}
    assert points["李四"] < full and lost, rows
    from course.exercises.master import read_master
    from course.exercises.variants import question_varies

    master = read_master(REPO / "solutions" / f"{COPY_EXERCISE}.ipynb")
    assert all(question_varies(q) for q in master.questions if q.id in lost)  # only the varying ones


UNTOUCHED_EXERCISE = "05-voc"  # no test here opens or edits it: the home copy is as provisioned


def test_a_trainee_server_fetches_its_own_variant_from_the_service(classroom, pair, tmp_path, monkeypatch):
    """What a trainee server on Kubernetes does at first start (deploy/start-trainee.sh →
    course/classroom/fetch.py): GET api/my-exercises with its hub token gives exactly the exercises
    provisioning writes for that trainee, in their own variant; the trainer has none; a request
    without a token gets nothing."""
    import io
    import zipfile

    from course.classroom import fetch

    (_, account_a, token_a), (_, account_b, token_b) = pair
    url = classroom.url + SERVICE + "/api/my-exercises"
    got = {}
    for account, token in ((account_a, token_a), (account_b, token_b)):
        answer = requests.get(url, headers={"Authorization": f"token {token}"}, timeout=60)
        assert answer.status_code == 200, answer.text
        assert int(answer.headers["X-Course-Variant"]) == provisioned_variant(classroom, account)
        with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
            got[account] = {name: archive.read(name) for name in archive.namelist()}
        home = classroom.state / "homes" / account
        name = f"exercises/{UNTOUCHED_EXERCISE}.ipynb"
        assert got[account][name] == (home / name).read_bytes()
        assert all(n.startswith("exercises/") and n.endswith(".ipynb") for n in got[account])
    assert got[account_a] != got[account_b]  # two variants, two sets of files
    trainer = requests.get(url, headers={"Authorization": f"token {trainer_token(classroom)}"}, timeout=60)
    assert trainer.status_code == 403 and "讲师" in trainer.json()["error"]
    nobody = requests.get(url, timeout=60, allow_redirects=False)
    assert nobody.status_code in (302, 403) and not nobody.content.startswith(b"PK")
    # the start script's step, with the server's token as the pod has it
    monkeypatch.setenv("COURSE_CLASSROOM_URL", classroom.url + SERVICE)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", token_a)
    assert fetch.main([str(tmp_path)]) == 0
    written = {f"exercises/{p.name}": p.read_bytes() for p in (tmp_path / "exercises").glob("*.ipynb")}
    assert written == got[account_a]


def test_hub_pages_show_the_display_name(classroom, pair):
    (hub, account, _), _ = pair
    for page in ("/hub/home", "/hub/token"):
        answer = hub.http.get(classroom.url + page, timeout=30)
        assert answer.status_code == 200, page
        html = answer.content.decode("utf-8")
        widget = html.split('id="display-name"', 1)[1].split("</span>", 1)[0]
        assert "张三" in widget and account not in widget, (page, widget)
        assert "退出" in html


def test_dashboard_says_which_mode_the_class_is_in(classroom):
    hub = Hub(classroom.url)
    assert hub.login("trainer", classroom.trainer_password).status_code == 302
    page = hub.http.get(classroom.url + SERVICE + "/", timeout=30)
    assert page.status_code == 200
    html = page.content.decode("utf-8")
    mode = html.split('id="mode"', 1)[1].split("</div>", 1)[0]
    assert "练习模式" in mode and "2" in mode, mode


def test_serve_left_the_open_folders_of_the_checkout_alone(classroom):
    for name, mode in classroom.modes_before.items():
        assert (REPO / name).stat().st_mode == mode, name
    assert (REPO / "solutions").stat().st_mode & 0o077 == 0


def test_restart_keeps_every_submission(classroom, simulated):
    token = trainer_token(classroom)
    before = get(classroom, f"{SERVICE}/api/progress", token, exercise=EXERCISE).json()
    classroom.stop()
    classroom.start()
    after = get(classroom, f"{SERVICE}/api/progress", trainer_token(classroom), exercise=EXERCISE).json()
    assert after == before
    assert [r["name"] for r in after["trainees"] if r["submitted"]]
