"""deploy/: the Z2JH values file's hub configuration loads with KubeSpawner installed, and the
container definition bakes the audited trainee bundle (no Docker or Kubernetes here)."""
from __future__ import annotations

import json

import pytest
import yaml
from conftest import REPO
from traitlets.config import Config

DEPLOY = REPO / "deploy"


def test_values_hub_config_loads_with_kubespawner(monkeypatch):
    kubespawner = pytest.importorskip("kubespawner")  # in the test extras: installed by make install
    monkeypatch.setenv("COURSE_CLASS_CODE", "code-1234")
    monkeypatch.setenv("COURSE_TRAINER_PASSWORD", "trainer-secret")
    values = yaml.safe_load((DEPLOY / "values.yaml").read_text(encoding="utf-8"))
    for key in ("COURSE_CLASSROOM_VARIANTS", "COURSE_CLASSROOM_ASSESSMENT"):  # as the chart passes them
        monkeypatch.setenv(key, values["hub"]["extraEnv"][key])
    c = Config()
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"  # what the chart sets
    for snippet in values["hub"]["extraConfig"].values():
        exec(compile(snippet, "values.yaml:hub.extraConfig", "exec"), {"c": c})
    assert c.ClassroomAuthenticator.class_code == "code-1234"
    assert c.JupyterHub.authenticator_class == "course.classroom.auth.ClassroomAuthenticator"
    service = next(s for s in c.JupyterHub.services if s["name"] == "classroom")
    assert service["url"] == "http://hub:10101" and "course.classroom.service" in service["command"]
    # the service records the class's variant count, so each trainee server can fetch its own variant
    assert service["command"][-2:] == ["--variants", "30"] and "--assessment" not in service["command"]
    assert values["hub"]["image"]["name"].endswith("-hub")  # the hub stage holds the answer key
    assert c.KubeSpawner.environment["COURSE_CLASSROOM_URL"] == "http://hub:10101/services/classroom"
    spawner = kubespawner.KubeSpawner.__new__(kubespawner.KubeSpawner)  # the class the chart spawns with
    assert "server_token_scopes" in spawner.trait_names() and "environment" in spawner.trait_names()
    ports = values["hub"]["service"]["extraPorts"]
    assert ports[0]["port"] == 10101
    assert values["singleuser"]["cmd"] == "start-trainee.sh"


def test_container_bakes_the_bundle_and_never_the_answers():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "python -m course.classroom.provision /bundle" in text
    final = text.split("FROM python:3.11-slim\n", 1)[1]  # the trainee image: the last (default) target
    assert "FROM" not in final
    assert "solutions" not in final.replace("no solutions/", "")
    assert "COPY --from=bundle /bundle /opt/course-bundle" in final
    assert "--from=hub" not in final  # nothing of the hub image (masters, every variant's answers)
    hub = text.split("FROM python:3.11-slim AS hub\n", 1)[1].split("FROM ", 1)[0]
    assert "python -m course classroom prepare" in hub and "kubespawner" in hub


def start_script(tmp_path, url: str, token: str = "server-token") -> tuple:
    """deploy/start-trainee.sh with a small baked bundle, a stand-in for python that runs the real
    fetch step and only says when the server would start, and the pod's classroom variables."""
    import os
    import subprocess
    import sys

    bundle, home = tmp_path / "bundle", tmp_path / "home"
    (bundle / "exercises").mkdir(parents=True)
    (bundle / "exercises" / "00-x.ipynb").write_text("baked variant 0", encoding="utf-8")
    (bundle / "notebooks").mkdir()
    (bundle / "notebooks" / "00-start.ipynb").write_text("start", encoding="utf-8")
    home.mkdir()
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\nif [ "$2" = course.classroom.singleuser ]; then echo "SERVER $*"; exit 0; fi\n'
                      f'exec {sys.executable} "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    env = {**os.environ, "HOME": str(home), "COURSE_BUNDLE": str(bundle), "COURSE_PYTHON": str(python),
           "COURSE_CLASSROOM_URL": url, "JUPYTERHUB_API_TOKEN": token, "PYTHONPATH": str(REPO)}

    def run():
        return subprocess.run(["sh", str(DEPLOY / "start-trainee.sh"), "--port=8888"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    return home, run


def exercises_service(files: dict, token: str):
    """A stand-in for the classroom service's GET api/my-exercises (the real one is tested on a
    real hub in test_classroom_hub.py): the zip only for the server's own token."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from course.classroom.service import zipped

    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            calls.append((self.path, self.headers.get("Authorization")))
            if self.headers.get("Authorization") != f"token {token}":
                self.send_response(403)
                self.end_headers()
                return
            body = zipped(files.items())
            self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("X-Course-Variant", "7")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, calls


def test_start_script_fetches_the_trainees_own_variant_once(tmp_path):
    server, calls = exercises_service({"exercises/00-x.ipynb": b"variant 7 for this trainee"}, "server-token")
    try:
        home, run = start_script(tmp_path, f"http://127.0.0.1:{server.server_port}/services/classroom/")
        first = run()
        assert first.returncode == 0, first.stderr
        assert "SERVER -m course.classroom.singleuser --port=8888" in first.stdout
        assert (home / "exercises" / "00-x.ipynb").read_text(encoding="utf-8") == "variant 7 for this trainee"
        assert (home / "notebooks" / "00-start.ipynb").exists() and (home / ".course-provisioned").exists()
        assert calls == [("/services/classroom/api/my-exercises", "token server-token")]
        assert "第 7 版" in first.stderr
        (home / "exercises" / "00-x.ipynb").write_text("the trainee's own work", encoding="utf-8")
        again = run()  # a restart of the pod: the home is kept, nothing is fetched or overwritten
        assert again.returncode == 0 and "SERVER" in again.stdout and len(calls) == 1
        assert (home / "exercises" / "00-x.ipynb").read_text(encoding="utf-8") == "the trainee's own work"
    finally:
        server.shutdown()


def test_start_script_keeps_the_baked_exercises_when_the_service_is_away(tmp_path):
    server, calls = exercises_service({"exercises/00-x.ipynb": b"never"}, "another-token")
    try:
        home, run = start_script(tmp_path, f"http://127.0.0.1:{server.server_port}/services/classroom/")
        refused = run()  # the service refuses this token: the baked copy stays, the server starts
    finally:
        server.shutdown()
    assert refused.returncode == 0 and "SERVER" in refused.stdout
    assert (home / "exercises" / "00-x.ipynb").read_text(encoding="utf-8") == "baked variant 0"
    assert "镜像里自带的练习" in refused.stderr and len(calls) == 1


def test_fetch_refuses_a_zip_that_writes_outside_the_exercises(tmp_path):
    from course.classroom.fetch import unpack
    from course.classroom.service import zipped

    for name in ("exercises/../.bashrc", "notebooks/00-start.ipynb", "exercises/a/b.ipynb", "/etc/x.ipynb",
                 "exercises/.hidden.ipynb"):
        with pytest.raises(ValueError):
            unpack(zipped([("exercises/ok.ipynb", b"1"), (name, b"2")]), tmp_path)
    assert not any(tmp_path.rglob("*"))  # all or nothing
    assert unpack(zipped([("exercises/ok.ipynb", b"1")]), tmp_path) == ["exercises/ok.ipynb"]


def test_provision_command_writes_the_trainee_home(tmp_path):
    from course.classroom.provision import main

    assert main([str(tmp_path)]) == 0
    assert (tmp_path / "notebooks" / "00-start.ipynb").exists()
    assert not (tmp_path / "solutions").exists()
    exercise = sorted((tmp_path / "exercises").glob("*.ipynb"))[0]
    assert "submit()" in json.loads(exercise.read_text(encoding="utf-8"))["cells"][-1]["source"]


def test_the_service_records_the_class_on_kubernetes(tmp_path, monkeypatch):
    """On Kubernetes there is no `classroom serve`: the service command from configure_kubernetes
    (--variants N [--assessment]) records the class, which api/my-exercises reads."""
    from course.classroom import service
    from course.classroom.store import Store
    from course.classroom.variants import class_settings

    class Stop(Exception):
        pass

    def no_server(state, prefix):
        raise Stop

    monkeypatch.setattr(service, "make_app", no_server)
    with pytest.raises(Stop):
        service.main(["--state", str(tmp_path), "--port", "1", "--variants", "12", "--assessment"])
    assert class_settings(Store(tmp_path)) == {"mode": "assessment", "variants": 12}
