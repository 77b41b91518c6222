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
    c = Config()
    c.JupyterHub.spawner_class = "kubespawner.KubeSpawner"  # what the chart sets
    for snippet in values["hub"]["extraConfig"].values():
        exec(compile(snippet, "values.yaml:hub.extraConfig", "exec"), {"c": c})
    assert c.ClassroomAuthenticator.class_code == "code-1234"
    assert c.JupyterHub.authenticator_class == "course.classroom.auth.ClassroomAuthenticator"
    service = next(s for s in c.JupyterHub.services if s["name"] == "classroom")
    assert service["url"] == "http://hub:10101" and "course.classroom.service" in service["command"]
    assert c.KubeSpawner.environment["COURSE_CLASSROOM_URL"] == "http://hub:10101/services/classroom"
    spawner = kubespawner.KubeSpawner.__new__(kubespawner.KubeSpawner)  # the class the chart spawns with
    assert "server_token_scopes" in spawner.trait_names() and "environment" in spawner.trait_names()
    ports = values["hub"]["service"]["extraPorts"]
    assert ports[0]["port"] == 10101
    assert values["singleuser"]["cmd"] == "start-trainee.sh"


def test_container_bakes_the_bundle_and_never_the_answers():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "python -m course.classroom.provision /bundle" in text
    final = text.split("FROM python:3.11-slim\n", 1)[1]
    assert "solutions" not in final.replace("no solutions/", "")
    assert "COPY --from=bundle /bundle /opt/course-bundle" in final


def test_provision_command_writes_the_trainee_home(tmp_path):
    from course.classroom.provision import main

    assert main([str(tmp_path)]) == 0
    assert (tmp_path / "notebooks" / "00-start.ipynb").exists()
    assert not (tmp_path / "solutions").exists()
    exercise = sorted((tmp_path / "exercises").glob("*.ipynb"))[0]
    assert "submit()" in json.loads(exercise.read_text(encoding="utf-8"))["cells"][-1]["source"]
