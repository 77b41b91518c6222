"""The classroom's pieces without a hub: names, PINs, rate limit, memory guard, progress rules,
the kernel-side event reporter (≤ 50 ms, queued and retried) and submit() outside the hub."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import EXERCISE

from course.classroom import events
from course.classroom.memory import too_little_memory
from course.classroom.names import account_name, clean_display_name
from course.classroom.progress import question_states
from course.classroom.ratelimit import RateLimit
from course.classroom.store import Store
from course.core.i18n import CourseError


@pytest.mark.parametrize("raw, shown", [("张三", "张三"), ("  Anna   Li ", "Anna Li"), ("ＡＢＣ", "ABC"),
                                        ("欧阳·娜娜", "欧阳·娜娜")])
def test_display_names_are_kept_as_typed(raw, shown):
    assert clean_display_name(raw) == shown


@pytest.mark.parametrize("raw, words", [("", "请填写"), ("a/b", "斜杠"), ("笑😀", "不能用"), ("长" * 100, "最多"),
                                        ("Trainer", "讲师")])
def test_bad_display_names_say_why_in_chinese(raw, words):
    with pytest.raises(CourseError) as error:
        clean_display_name(raw)
    assert words in str(error.value)


def test_account_names_are_safe_stable_and_case_blind():
    name = account_name("张三")
    assert re.fullmatch(r"t[0-9a-f]{12}", name) and name == account_name("张三")
    assert account_name("Anna") == account_name("anna") != account_name("Anne")


def test_pin_is_set_at_first_login_checked_later_and_reset(tmp_path):
    store = Store(tmp_path)
    assert store.login("t1", "张三", "2468") is True
    assert store.login("t1", "张三", "2468") is False
    with pytest.raises(CourseError, match="已经有人用了"):
        store.login("t1", "张三", "1111")
    assert store.reset_pin("t1")
    assert store.login("t1", "张三", "1111") is True
    assert "2468" not in (tmp_path / "private" / "classroom.sqlite").read_bytes().decode("latin-1")


def test_logins_of_one_new_name_at_once_make_one_trainee_with_one_pin(tmp_path):
    """The hub runs store.login in worker threads: two people typing the same new name at the same
    moment get one account; the PIN that came first is kept and the other PIN is refused."""
    store = Store(tmp_path)
    start, results = threading.Barrier(8), []

    def one(pin):
        start.wait()
        try:
            results.append((pin, store.login("t2", "李四", pin)))
        except CourseError:
            results.append((pin, "refused"))

    threads = [threading.Thread(target=one, args=(pin,)) for pin in ["1357"] * 4 + ["2468"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8  # no login failed on the shared connection
    firsts = [pin for pin, outcome in results if outcome is True]
    assert len(firsts) == 1 and len(store.trainees()) == 1
    for pin, outcome in results:
        assert outcome is not True or pin == firsts[0]
        assert outcome == (False if pin == firsts[0] else "refused") or outcome is True


def test_the_pin_is_hashed_off_the_hubs_event_loop(tmp_path, monkeypatch):
    """PBKDF2 costs ~30 ms of CPU a login: the authenticator runs it in a worker thread, so thirty
    logins at once do not stall the hub's event loop for everyone else."""
    import asyncio

    from course.classroom import auth
    from course.classroom import store as store_module

    threads = []
    real = store_module.hash_pin
    monkeypatch.setattr(store_module, "hash_pin", lambda *a: threads.append(threading.get_ident()) or real(*a))
    monkeypatch.setattr(auth, "too_little_memory", lambda reserve: None)
    authenticator = auth.ClassroomAuthenticator(class_code="2468", trainer_password="x" * 12,
                                                state_dir=str(tmp_path))

    async def log_in():
        return threading.get_ident(), await authenticator.authenticate(
            None, {"username": "王五", "password": "2468", "pin": "1234"})

    loop_thread, user = asyncio.run(log_in())
    assert user == {"name": account_name("王五"), "admin": False}
    assert threads and loop_thread not in threads


def test_rate_limit_cuts_a_flood_and_refills():
    limit = RateLimit(rate=5, burst=10)
    assert all(limit.allow("a", now=0.0) for _ in range(10))
    assert not limit.allow("a", now=0.0)
    assert limit.allow("b", now=0.0)  # another trainee is not affected
    assert limit.allow("a", now=1.0)


def test_memory_guard_refuses_below_the_reserve(tmp_path):
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 16000000 kB\nMemAvailable:  204800 kB\n", encoding="ascii")
    assert too_little_memory(300, meminfo) == pytest.approx(200)
    assert too_little_memory(100, meminfo) is None


def test_stuck_means_three_failures_in_ten_minutes_without_a_pass():
    now = time.time()
    events_ = [("a", "q1", "failed", now - 30), ("a", "q1", "failed", now - 20), ("a", "q1", "failed", now - 10),
               ("b", "q1", "failed", now - 30), ("b", "q1", "failed", now - 20), ("b", "q1", "passed", now - 5),
               ("c", "q1", "failed", now - 900), ("c", "q1", "failed", now - 800), ("c", "q1", "failed", now - 5),
               ("d", "q1", "blank", now)]
    states = question_states(("q1",), events_)
    assert states["a"]["stuck"] == ["q1"] and states["b"]["stuck"] == [] and states["c"]["stuck"] == []
    assert states["b"]["status"]["q1"] == "passed" and "q1" not in states["d"]["status"]
    assert states["d"]["attempts"]["q1"] == 1


class _Collector(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.headers["Authorization"], body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"stored": 1}')

    def log_message(self, *args):
        pass


def test_check_reports_in_the_background_and_retries_when_the_service_is_down(monkeypatch):
    from course.exercises import check as check_module

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    port = server.server_address[1]
    server.server_close()  # the service is down at first
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret-token")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
    monkeypatch.setenv("COURSE_CLASSROOM_URL", f"http://127.0.0.1:{port}/services/classroom")
    reported = events.reported(check_module.check)
    assert reported is not check_module.check
    check_module.start_exercise(EXERCISE)
    start = time.perf_counter()
    result = reported("q1", {"q1": -12345.0})
    added = time.perf_counter() - start
    plain = time.perf_counter()
    check_module.check("q1", {"q1": -12345.0})
    baseline = time.perf_counter() - plain
    assert result.ok is False
    assert added - baseline < 0.05, (added, baseline)  # the service being down costs the cell nothing
    reported("q2", {})
    time.sleep(1.0)
    assert len(events._queue) >= 2  # kept while the service is down
    server = ThreadingHTTPServer(("127.0.0.1", port), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        deadline = time.time() + 40
        while time.time() < deadline and len([e for _, b in _Collector.received for e in b["events"]]) < 2:
            events._wake.set()
            time.sleep(0.2)
    finally:
        server.shutdown()
    sent = [e for _, b in _Collector.received for e in b["events"]]
    assert [(e["question"], e["verdict"]) for e in sent[:2]] == [("q1", "failed"), ("q2", "blank")]
    assert {auth for auth, _ in _Collector.received} == {"token secret-token"}
    assert sent[0]["exercise"] == EXERCISE and sent[0]["hint_level"] == 1


def test_check_is_untouched_outside_the_classroom(monkeypatch):
    from course.exercises import check as check_module

    monkeypatch.delenv("COURSE_CLASSROOM_URL", raising=False)
    assert events.reported(check_module.check) is check_module.check


def test_submit_outside_the_hub_says_so_in_chinese(monkeypatch):
    from course.classroom.submit import submit
    from course.exercises import check as check_module

    monkeypatch.delenv("COURSE_CLASSROOM_URL", raising=False)
    check_module.start_exercise(EXERCISE)
    said = repr(submit())
    assert "教室" in said and "submit()" in said


def test_the_home_bundle_has_no_answers_and_a_submit_cell():
    from course.classroom.provision import bundle_files

    files = dict(bundle_files())
    assert f"exercises/{EXERCISE}.ipynb" in files and "notebooks/00-start.ipynb" in files
    assert not any(name.startswith(("solutions/", "tests/")) or "answers" in name.split("/") for name in files)
    assert "notebooks/trainer.ipynb" not in files
    cells = json.loads(files[f"exercises/{EXERCISE}.ipynb"])["cells"]
    assert "submit()" in cells[-1]["source"]
