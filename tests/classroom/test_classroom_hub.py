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


def test_classroom_gradebook_matches_course_grade(classroom, simulated, tmp_path):
    ours, theirs = tmp_path / "classroom", tmp_path / "grade"
    done = subprocess.run([sys.executable, "-m", "course", "classroom", "grade", EXERCISE, "--state",
                           str(classroom.state), "--out", str(ours)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    inputs = classroom.state / "private" / "to-grade" / EXERCISE
    assert {"甲01", "甲02"} <= {p.stem for p in inputs.glob("*.ipynb")}
    again = subprocess.run([sys.executable, "-m", "course", "grade", EXERCISE, str(inputs), "--out", str(theirs)],
                           cwd=REPO, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr

    def book(folder):
        with open(folder / "gradebook.csv", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))

    assert book(ours) == book(theirs)
    names = {row[next(iter(row))] for row in book(ours)}
    assert {"甲01", "甲02"} <= names


def test_restart_keeps_every_submission(classroom, simulated):
    token = trainer_token(classroom)
    before = get(classroom, f"{SERVICE}/api/progress", token, exercise=EXERCISE).json()
    classroom.stop()
    classroom.start()
    after = get(classroom, f"{SERVICE}/api/progress", trainer_token(classroom), exercise=EXERCISE).json()
    assert after == before
    assert [r["name"] for r in after["trainees"] if r["submitted"]]
