"""``python -m course classroom simulate``: N trainees through the real hub.

Each simulated trainee logs in with the class code (COURSE_CLASS_CODE), starts their server, runs
the exercise in their own kernel over the Jupyter server's REST + websocket API (odd-numbered
trainees with the master's answers, even-numbered ones leaving every answer blank), runs each check
cell, saves and submits. A trainer session (COURSE_TRAINER_PASSWORD) watches the service to time
each event from check() until the service shows it. It is the hub test tool and the load benchmark.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import requests

from course.classroom.names import account_name


def literal(plain: dict) -> str:
    """Python source that rebuilds a stored reference answer (plain data, see answers.to_plain)."""
    if plain.get("type") == "table":
        return f"__import__('pandas').DataFrame({plain['rows']!r}, columns={plain['columns']!r})"
    return repr(plain.get("value"))


@lru_cache(maxsize=64)
def current_answers(exercise: str, variant: int) -> dict:
    """The reference answers the grader will use: checked against the master and the data it loads
    (the cached file alone may be from an older master), computed if stale. One lookup per variant."""
    from course.core.paths import solutions_dir
    from course.exercises.master import read_master
    from course.exercises.reference import reference_answers

    return reference_answers(read_master(solutions_dir() / f"{exercise}.ipynb"), variant)


def answered_cells(notebook: dict, exercise: str) -> dict:
    """The exercise with every prompt ``qN = ...`` replaced by the master's reference answer."""
    variant = notebook.get("metadata", {}).get("course", {}).get("variant", 0)  # the trainee's own (issue 19)
    stored = current_answers(exercise, variant)
    nb = json.loads(json.dumps(notebook))
    for question, plain in stored["answers"].items():
        prompt = re.compile(rf"^(\s*){re.escape(question)}\s*=\s*\.\.\..*$", re.M)
        for cell in nb["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] == "code" and prompt.search(source):
                cell["source"] = prompt.sub(lambda m: f"{m.group(1)}{question} = {literal(plain)}", source, count=1)  # noqa: B023 (used at once)
                break
    return nb


class Hub:
    """A browser-like session on the hub, with the hub's own xsrf cookie for its API."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.http = requests.Session()

    def xsrf(self) -> str:
        for cookie in self.http.cookies:
            if cookie.name == "_xsrf" and cookie.path.startswith("/hub"):
                return cookie.value
        return self.http.cookies.get("_xsrf", "")

    def login(self, username: str, password: str, pin: str = "") -> requests.Response:
        self.http.get(f"{self.url}/hub/login", timeout=30)
        return self.http.post(f"{self.url}/hub/login", allow_redirects=False, timeout=60,
                              data={"username": username, "password": password, "pin": pin, "_xsrf": self.xsrf()})

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"X-XSRFToken": self.xsrf(), **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.url}/hub/api/{path}", headers=headers, timeout=60, **kwargs)

    def token(self, account: str) -> str:
        answer = self.api("POST", f"users/{account}/tokens", json={"note": "classroom simulate", "expires_in": 7200})
        answer.raise_for_status()
        return answer.json()["token"]


def login_error(html: str | bytes) -> str:
    html = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    found = re.search(r'class="login_error[^"]*"[^>]*>(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else html[:200]


def kernel_time(msg: dict, fallback: float) -> float:
    """When the kernel finished the cell (the reply's header date, stamped by the kernel on this
    same machine), so an event's latency starts right after check() ran, not when this busy client
    thread got round to reading the reply."""
    try:
        return datetime.fromisoformat(msg["header"]["date"].replace("Z", "+00:00")).timestamp()
    except (KeyError, TypeError, ValueError):
        return fallback


class Kernel:
    """One kernel of a trainee's server, driven over the websocket API (the protocol the browser uses)."""

    def __init__(self, base: str, account: str, token: str, path: str):
        import websocket

        self.headers = {"Authorization": f"token {token}"}
        self.server = f"{base}/user/{account}"
        answer = requests.post(f"{self.server}/api/sessions", headers=self.headers, timeout=60,
                               json={"path": path, "type": "notebook", "name": Path(path).name,
                                     "kernel": {"name": "python3"}})
        answer.raise_for_status()
        self.session = answer.json()
        ws_url = self.server.replace("http", "ws", 1) + f"/api/kernels/{self.session['kernel']['id']}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=180)
        self.client_session = uuid.uuid4().hex

    def execute(self, code: str) -> dict:
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "username": "simulate", "session": self.client_session,
                       "msg_type": "execute_request", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": False}}))
        out = {"text": [], "error": None, "reply": None}
        idle = False
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out["text"].append(content["text"])
            elif kind in {"execute_result", "display_data"}:
                out["text"].append(content["data"].get("text/plain", ""))
            elif kind == "error":
                out["error"] = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                out["reply"] = time.time()
                out["finished"] = kernel_time(msg, out["reply"])
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            if idle and out["reply"]:  # shell reply and iopub idle may come in either order
                return out

    def close(self) -> None:
        self.ws.close()


class Watcher(threading.Thread):
    """The trainer's view: polls the service and times each event until it shows up there."""

    def __init__(self, base: str, token: str, exercise: str):
        super().__init__(daemon=True)
        self.url = f"{base}/services/classroom/api/overview"
        self.headers, self.exercise = {"Authorization": f"token {token}"}, exercise
        self.pending: list[tuple[str, str, int, float]] = []
        self.latencies: list[float] = []
        self.lock, self.stop = threading.Lock(), threading.Event()

    def expect(self, account: str, question: str, attempts: int, sent: float) -> None:
        with self.lock:
            self.pending.append((account, question, attempts, sent))

    def run(self) -> None:
        http = requests.Session()
        while not self.stop.is_set():
            with self.lock:
                waiting = bool(self.pending)
            if waiting:
                data = http.get(self.url, params={"exercise": self.exercise}, headers=self.headers, timeout=30).json()
                seen = time.time()
                counts = {(r["account"], q): n for r in data["trainees"] for q, n in r["attempts"].items()}
                with self.lock:
                    still = []
                    for account, question, attempts, sent in self.pending:
                        if counts.get((account, question), 0) >= attempts:
                            self.latencies.append((seen - sent) * 1000)
                        else:
                            still.append((account, question, attempts, sent))
                    self.pending = still
            time.sleep(0.05)

    def drain(self, timeout: float = 30.0) -> int:
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                if not self.pending:
                    return 0
            time.sleep(0.1)
        self.stop.set()
        return len(self.pending)


def wait_ready(hub: Hub, account: str, name: str, start: float, limit: float = 300.0) -> None:
    """Wait for the server the way the hub's spawn page does: its progress event stream, which
    says "ready" the moment the hub knows. (Polling the user model four times a second, as before,
    cost the busy hub a request per trainee every 250 ms.)"""
    while time.time() - start < limit:
        try:
            with hub.http.get(f"{hub.url}/hub/api/users/{account}/server/progress", stream=True,
                              timeout=(30, limit)) as answer:
                if answer.status_code == 200:
                    for line in answer.iter_lines(decode_unicode=True):
                        if not line or not line.startswith("data:"):
                            continue
                        event = json.loads(line[5:])
                        if event.get("ready"):
                            return
                        if event.get("failed"):
                            raise RuntimeError(f"{name}: spawn failed: {event.get('message')}")
        except requests.RequestException:
            pass
        # the stream ended without "ready" (or the spawn had not begun): ask the hub once
        server = hub.api("GET", f"users/{account}").json().get("servers", {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(1.0)
    raise RuntimeError(f"{name}: server not ready after {limit:.0f} s")


def run_trainee(base: str, number: int, exercise: str, prefix: str, code: str, watcher: Watcher) -> dict:
    name = f"{prefix}{number:02d}"
    account, pin = account_name(name), f"{7000 + number}"
    hub = Hub(base)
    start = time.time()
    answer = hub.login(name, code, pin)
    if answer.status_code != 302:
        raise RuntimeError(f"{name}: login refused: {login_error(answer.content)}")
    answer = hub.api("POST", f"users/{account}/server")
    if answer.status_code not in (201, 202, 400):
        raise RuntimeError(f"{name}: spawn failed {answer.status_code} {answer.text[:200]}")
    wait_ready(hub, account, name, start)
    token = hub.token(account)
    status = requests.get(f"{base}/user/{account}/api/status", headers={"Authorization": f"token {token}"}, timeout=60)
    status.raise_for_status()
    ready = time.time() - start
    path = f"exercises/{exercise}.ipynb"
    contents = requests.get(f"{base}/user/{account}/api/contents/{path}", headers={"Authorization": f"token {token}"},
                            params={"content": 1}, timeout=60)
    contents.raise_for_status()
    notebook = contents.json()["content"]
    if number % 2 == 1:
        notebook = answered_cells(notebook, exercise)
    kernel = Kernel(base, account, token, path)
    attempts: dict[str, int] = {}
    check = re.compile(r'^\s*check\("(q\w+)"\)\s*$')
    errors = []
    submit_cells = [c for c in notebook["cells"] if "classroom-submit" in c.get("metadata", {}).get("tags", [])]
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or cell in submit_cells:
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        result = kernel.execute(source)
        if result["error"]:
            errors.append(f"{name}: {result['error']}")
        found = check.match(source)
        if found:
            question = found.group(1)
            attempts[question] = attempts.get(question, 0) + 1
            watcher.expect(account, question, attempts[question], result["finished"])
    saved = requests.put(f"{base}/user/{account}/api/contents/{path}", headers={"Authorization": f"token {token}"},
                         json={"type": "notebook", "format": "json", "content": notebook}, timeout=60)
    saved.raise_for_status()
    submitted = False
    for cell in submit_cells:
        if cell["cell_type"] == "code":
            result = kernel.execute("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
            submitted = any("✅" in text for text in result["text"])
            if not submitted:
                errors.append(f"{name}: submit said {''.join(result['text'])[:200]} {result['error']}")
    kernel.close()
    return {"name": name, "account": account, "ready_s": round(ready, 2), "answered": number % 2 == 1,
            "submitted": submitted, "errors": errors}


def simulate(url: str, trainees: int, exercise: str, prefix: str = "模拟学员") -> dict:
    code = os.environ.get("COURSE_CLASS_CODE", "")
    trainer = Hub(url)
    answer = trainer.login("trainer", os.environ.get("COURSE_TRAINER_PASSWORD", ""))
    if answer.status_code != 302:
        raise RuntimeError(f"trainer login refused: {login_error(answer.content)}")
    watcher = Watcher(trainer.url, trainer.token("trainer"), exercise)
    watcher.start()
    results, errors = [], []
    with ThreadPoolExecutor(max_workers=max(1, trainees)) as pool:
        futures = [pool.submit(run_trainee, trainer.url, i, exercise, prefix, code, watcher)
                   for i in range(1, trainees + 1)]
        for future in futures:
            try:
                results.append(future.result())
            except Exception as error:  # one failing trainee must not hide the others' figures
                errors.append(str(error))
    lost = watcher.drain()
    if lost:
        errors.append(f"{lost} events never showed in the service")
    latencies = sorted(watcher.latencies)
    errors += [e for r in results for e in r["errors"]]
    ready = [r["ready_s"] for r in results]

    def pct(values, q):
        return round(values[min(len(values) - 1, int(q * len(values)))], 1) if values else None

    return {"trainees": trainees, "exercise": exercise, "ready_s": ready,
            "ready_all_s": max(ready) if ready else None,
            "event_latency_ms": [round(x, 1) for x in latencies],
            "event_latency_p50_ms": pct(latencies, 0.5), "event_latency_p95_ms": pct(latencies, 0.95),
            "submitted": sum(r["submitted"] for r in results),
            "names": [r["name"] for r in results], "answered": [r["name"] for r in results if r["answered"]],
            "errors": errors, "ready_median_s": statistics.median(ready) if ready else None}
