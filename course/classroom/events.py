"""Kernel side of the classroom: ``check()`` reports each verdict to the classroom service.

Only under the classroom hub (the spawner sets COURSE_CLASSROOM_URL beside the hub's token). The
cell only puts the event on a queue (microseconds); a daemon thread posts batches with the hub
token and retries with back-off while the service is down, so a check never waits or fails.
"""
from __future__ import annotations

import functools
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections import deque

MAX_QUEUED = 500
_queue: deque = deque(maxlen=MAX_QUEUED)  # a flooding loop only ever keeps the newest 500
_wake = threading.Event()
_thread: threading.Thread | None = None
_last_check = {"time": 0.0}


def under_classroom() -> bool:
    return all(os.environ.get(k) for k in ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_API_URL", "COURSE_CLASSROOM_URL"))


def service_url(path: str) -> str:
    return os.environ["COURSE_CLASSROOM_URL"].rstrip("/") + "/" + path


def post_json(path: str, payload: dict, timeout: float = 5.0) -> tuple[int, dict]:
    """POST with the hub token; (status, JSON answer). Raises OSError when the service is unreachable."""
    request = urllib.request.Request(
        service_url(path), data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"],
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            body = json.loads(error.read() or b"{}")
        except ValueError:
            body = {}
        return error.code, body


def _sender() -> None:
    delay = 0.5
    while True:
        _wake.wait(timeout=delay if _queue else None)
        _wake.clear()
        batch = [_queue[i] for i in range(min(len(_queue), 50))]
        if not batch:
            continue
        try:
            status, _ = post_json("api/events", {"events": batch})
        except OSError:  # service down: keep the events, try again later
            delay = min(delay * 2, 30.0)
            continue
        if status == 429:  # flooding: drop this batch, wait for the bucket to refill
            delay = 2.0
        elif status >= 500:
            delay = min(delay * 2, 30.0)
            continue
        else:
            delay = 0.5
        for _ in batch:
            if _queue:
                _queue.popleft()
        if _queue:
            _wake.set()


def send_event(exercise: str, question: str, verdict: str, hint_level: int) -> None:
    global _thread
    _queue.append({"exercise": exercise, "question": question, "verdict": verdict,
                   "hint_level": hint_level, "time": time.time()})
    _last_check["time"] = time.time()
    if _thread is None or not _thread.is_alive():
        _thread = threading.Thread(target=_sender, name="classroom-events", daemon=True)
        _thread.start()
    _wake.set()


def last_check_time() -> float:
    return _last_check["time"]


def _verdict(result, question_id: str, namespace: dict | None) -> str:
    if result.ok:
        return "passed"
    if namespace is None:
        try:
            from IPython import get_ipython

            namespace = get_ipython().user_ns
        except (ImportError, AttributeError):
            namespace = {}
    value = namespace.get(question_id, Ellipsis)
    return "blank" if value is Ellipsis or value is None else "failed"


def _introduce() -> None:
    try:
        request = urllib.request.Request(service_url("api/me"),
                                         headers={"Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]})
        with urllib.request.urlopen(request, timeout=30):
            pass
    except (OSError, ValueError):  # only a head start: the first event still works without it
        pass


def introduce() -> None:
    """Show this kernel's token to the service once, in the background, when the exercise's import
    cell runs. The service asks the hub about a token it has not seen (then caches the answer for
    minutes); during the login rush the hub answers slowly, and without this the trainee's first
    check() would wait for that answer before it shows on the trainer's dashboard."""
    threading.Thread(target=_introduce, name="classroom-hello", daemon=True).start()


def reported(check):
    """Wrap ``check`` so that, under the classroom hub only, each verdict is sent to the service."""
    if not under_classroom():
        return check
    introduce()

    @functools.wraps(check)
    def wrapper(question_id, namespace=None):
        result = check(question_id, namespace)
        try:
            from course.exercises.check import current_exercise, failed_tries

            name, tries = current_exercise(), failed_tries(question_id)
            if name and tries is not None and result.ok is not None:
                send_event(name, question_id, _verdict(result, question_id, namespace), min(tries, 3))
        except Exception:  # reporting must never break a check
            pass
        return result

    return wrapper
