"""The kernel shows its token to the classroom service once, in the background, when the exercise's
import cell runs (under the classroom hub only), so the service has asked the hub about it before
the trainee's first check() — the first event then shows without waiting on a busy hub."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from course.classroom import events


class _Service(BaseHTTPRequestHandler):
    seen: list = []

    def do_GET(self):
        type(self).seen.append((self.path, self.headers["Authorization"]))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"account": "t1"}')

    def log_message(self, *args):
        pass


def test_kernel_introduces_its_token_in_the_background(monkeypatch):
    from course.exercises import check as check_module

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "kernel-token")
        monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:1/hub/api")
        monkeypatch.setenv("COURSE_CLASSROOM_URL", f"http://127.0.0.1:{server.server_address[1]}/services/classroom")
        start = time.perf_counter()
        events.reported(check_module.check)
        assert time.perf_counter() - start < 0.05  # the import cell does not wait for it
        deadline = time.time() + 10
        while time.time() < deadline and not _Service.seen:
            time.sleep(0.05)
    finally:
        server.shutdown()
    assert _Service.seen == [("/services/classroom/api/me", "token kernel-token")]


def test_no_introduction_outside_the_classroom(monkeypatch):
    from course.exercises import check as check_module

    calls = []
    monkeypatch.setattr(events, "introduce", lambda: calls.append(1))
    monkeypatch.delenv("COURSE_CLASSROOM_URL", raising=False)
    events.reported(check_module.check)
    assert calls == []
