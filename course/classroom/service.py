"""The hub-managed service ``classroom`` at /services/classroom/ (tornado).

Identity always comes from the hub token (cookie after the hub's OAuth, or ``Authorization: token``
from a trainee's kernel); nothing in a request body names the trainee. The trainer (hub admin
``trainer``) sees the dashboard and the progress JSON; a trainee gets 403 there and may only post
their own events and submissions.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import time
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from tornado import ioloop, web

from course.classroom.grade import GradeJobs
from course.classroom.progress import exercises, overview, progress
from course.classroom.ratelimit import RateLimit
from course.classroom.store import Store
from course.classroom.variants import class_settings, exercise_files, trainee_variant
from course.core.i18n import t

HERE = Path(__file__).resolve().parent
MAX_SUBMISSION = 20 * 1024 * 1024  # the grader's own limit (grading/submission.py)
VERDICTS = {"passed", "failed", "blank"}


def is_trainer(user: dict | None) -> bool:
    return bool(user) and (user.get("name") == "trainer" or bool(user.get("admin")))


class Base(HubOAuthenticated, web.RequestHandler):
    async def prepare(self):
        # Ask the hub who this is without blocking: on a cache miss HubAuthenticated's own
        # get_current_user waits for the hub synchronously, stalling every other request (events,
        # the dashboard) while the hub is busy starting servers. The answer is kept on the handler
        # (and cached by HubAuth for minutes), so get_current_user then finds it at once.
        await self.hub_auth.get_user(self, sync=False)

    @property
    def store(self) -> Store:
        return self.settings["store"]

    def trainer_only(self) -> dict:
        user = self.current_user
        if not is_trainer(user):
            raise web.HTTPError(403, t("classroom.trainer_only", url="/hub/home"))
        return user

    def write_error(self, status_code, **kwargs):
        error = kwargs.get("exc_info", (None, None))[1]
        message = getattr(error, "log_message", None) or t("classroom.http_error", code=status_code)
        if "/api/" in self.request.path or self.request.method != "GET":
            self.finish({"error": message, "status": status_code})
        else:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(self.render_string("forbidden.html", message=message, ui=texts()).decode("utf-8"))

    def json_body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise web.HTTPError(400, t("classroom.bad_json")) from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, t("classroom.bad_json"))
        return body

    def exercise_arg(self, name: str | None) -> tuple[str, tuple]:
        known = exercises()
        if not name or name not in known:
            raise web.HTTPError(404, t("classroom.unknown_exercise", name=name or "", valid="、".join(known)))
        return name, known[name]


def texts() -> dict:
    from course.core.i18n import messages

    prefix = "classroom.ui_"
    return {key[len(prefix):]: text for key, text in messages(prefix).items()}


class Dashboard(Base):
    @web.authenticated
    def get(self):
        self.trainer_only()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.render("dashboard.html", prefix=self.settings["prefix"], ui=texts(),
                    ui_json=json.dumps(texts(), ensure_ascii=False), xsrf=self.xsrf_token.decode("ascii"),
                    exercises=list(exercises()), mode=class_settings(self.store))


class Progress(Base):
    @web.authenticated
    def get(self):
        self.trainer_only()
        name, questions = self.exercise_arg(self.get_argument("exercise", None))
        self.finish(progress(self.store, name, questions))


class Overview(Base):
    @web.authenticated
    def get(self):
        self.trainer_only()
        name, questions = self.exercise_arg(self.get_argument("exercise", None))
        data = overview(self.store, name, questions)
        data["grading"] = self.settings["jobs"].status(name)
        data["exercises"] = list(exercises())
        self.finish(data)


class Events(Base):
    @web.authenticated
    def post(self):
        user = self.current_user
        events = self.json_body().get("events")
        if not isinstance(events, list) or not events or len(events) > 50:
            raise web.HTTPError(400, t("classroom.bad_events"))
        if not self.settings["limits"].allow(user["name"], len(events)):
            raise web.HTTPError(429, t("classroom.too_many_events"))
        known = exercises()
        stored = 0
        for event in events:
            clean = clean_event(event, known)
            if clean is not None:
                self.store.add_event(user["name"], clean)
                stored += 1
        self.finish({"stored": stored})


def clean_event(event, known) -> dict | None:
    """An event with the expected fields and types, or None (dropped, never stored)."""
    if not isinstance(event, dict):
        return None
    exercise, question, verdict = event.get("exercise"), event.get("question"), event.get("verdict")
    if exercise not in known or question not in known[exercise] or verdict not in VERDICTS:
        return None
    try:
        hint, sent = int(event.get("hint_level", 0)), float(event.get("time", time.time()))
    except (TypeError, ValueError):
        return None
    return {"exercise": exercise, "question": question, "verdict": verdict,
            "hint_level": max(0, min(hint, 3)), "time": sent}


@web.stream_request_body
class Submit(Base):
    async def prepare(self):
        # read and drop an oversized body instead of closing the socket: through the proxy a
        # closed socket reaches the trainee as a bare 503, a drained one as a clear 413 message
        self.chunks, self.size = [], 0
        await super().prepare()

    def data_received(self, chunk):
        self.size += len(chunk)
        if self.size <= MAX_SUBMISSION * 1.5:
            self.chunks.append(chunk)

    @web.authenticated
    def post(self):
        user = self.current_user
        if self.size > MAX_SUBMISSION * 1.5:
            raise web.HTTPError(413, t("classroom.submit_too_big", mb=MAX_SUBMISSION // 2**20))
        self.request.body = b"".join(self.chunks)
        body = self.json_body()
        name, _ = self.exercise_arg(body.get("exercise"))
        text = body.get("notebook")
        if not isinstance(text, str) or not text.strip():
            raise web.HTTPError(400, t("classroom.submit_empty"))
        data = text.encode("utf-8")
        if len(data) > MAX_SUBMISSION:
            raise web.HTTPError(413, t("classroom.submit_too_big", mb=MAX_SUBMISSION // 2**20))
        try:
            meta = json.loads(text).get("metadata", {}).get("course", {})
        except (ValueError, AttributeError):
            raise web.HTTPError(400, t("classroom.submit_not_notebook")) from None
        found = meta.get("exercise") if isinstance(meta, dict) else None
        if found != name:
            raise web.HTTPError(400, t("classroom.submit_wrong_exercise", found=found or "—", expected=name))
        if is_trainer(user):
            raise web.HTTPError(403, t("classroom.submit_trainer"))
        receipt = self.store.add_submission(user["name"], name, data)
        self.finish(receipt)


class PinReset(Base):
    @web.authenticated
    def post(self):
        self.trainer_only()
        account = self.json_body().get("account")
        if not isinstance(account, str) or not self.store.reset_pin(account):
            raise web.HTTPError(404, t("classroom.no_such_trainee"))
        self.finish({"reset": account, "name": self.store.display_name(account)})


class Grade(Base):
    @web.authenticated
    def get(self):
        self.trainer_only()
        name, _ = self.exercise_arg(self.get_argument("exercise", None))
        self.finish(self.settings["jobs"].status(name))

    @web.authenticated
    def post(self):
        self.trainer_only()
        name, _ = self.exercise_arg(self.json_body().get("exercise"))
        self.finish(self.settings["jobs"].start(name))


class Download(Base):
    @web.authenticated
    def get(self):
        self.trainer_only()
        name, _ = self.exercise_arg(self.get_argument("exercise", None))
        kind = self.get_argument("kind", "csv")
        path = self.settings["jobs"].download(name, kind)
        if path is None:
            raise web.HTTPError(404, t("classroom.no_gradebook"))
        self.set_header("Content-Type", "text/csv; charset=utf-8" if kind == "csv" else
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.set_header("Content-Disposition", f"attachment; filename=gradebook-{name}.{kind}")
        self.finish(path.read_bytes())


class MyExercises(Base):
    """``GET api/my-exercises``: a zip of the calling trainee's exercises in their own variant and
    the class's mode (what local provisioning writes), for a trainee server on Kubernetes whose image
    bakes only variant 0 (course/classroom/fetch.py). Who is asking comes from the hub token; the
    variant from the account and the class; the store records it as the grader's roster."""

    @web.authenticated
    async def get(self):
        import asyncio

        user = self.current_user
        if is_trainer(user):
            raise web.HTTPError(403, t("classroom.my_exercises_trainer"))
        settings = class_settings(self.store)
        variant = trainee_variant(user["name"], settings["variants"])
        # a variant's first build is CPU work (~0.5 s): off the loop that takes everyone's events
        files = await asyncio.to_thread(exercise_files, variant, settings["mode"])
        self.store.set_variant(user["name"], variant)
        self.set_header("Content-Type", "application/zip")
        self.set_header("X-Course-Variant", str(variant))
        self.finish(zipped(files))


def zipped(files) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


class Me(Base):
    @web.authenticated
    def get(self):
        user = self.current_user
        self.finish({"account": user["name"], "name": self.store.display_name(user["name"]) or user["name"],
                     "trainer": is_trainer(user)})


def make_app(state: Path, prefix: str) -> web.Application:
    store = Store(state)
    return web.Application([
        (prefix, Dashboard),
        (prefix + "oauth_callback", HubOAuthCallbackHandler),
        (prefix + "api/progress", Progress),
        (prefix + "api/overview", Overview),
        (prefix + "api/events", Events),
        (prefix + "api/submit", Submit),
        (prefix + "api/pin-reset", PinReset),
        (prefix + "api/grade", Grade),
        (prefix + "api/me", Me),
        (prefix + "api/my-exercises", MyExercises),
        (prefix + "download", Download),
    ], cookie_secret=os.urandom(32), template_path=str(HERE / "templates"), prefix=prefix, store=store,
        jobs=GradeJobs(state, store), limits=RateLimit(rate=5.0, burst=40), xsrf_cookies=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.classroom.service")
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ip", default="127.0.0.1", help="0.0.0.0 on Kubernetes: kernels in other pods post here")
    # on Kubernetes the service records the class (no `classroom serve` there): configure_kubernetes
    parser.add_argument("--variants", type=int, default=None)
    parser.add_argument("--assessment", action="store_true")
    args = parser.parse_args(argv)
    if args.variants is not None:
        from course.classroom.variants import configure_class

        configure_class(Store(args.state), args.variants, args.assessment)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/classroom/")
    app = make_app(args.state, prefix)
    app.listen(args.port, args.ip, max_body_size=200 * 2**20)
    loop = ioloop.IOLoop.current()
    for sig in (signal.SIGINT, signal.SIGTERM):  # the hub stops its services on shutdown: exit quietly
        signal.signal(sig, lambda *_: loop.add_callback_from_signal(loop.stop))
    loop.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
