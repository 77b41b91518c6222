"""A trainee's JupyterLab on the real hub is the project's: Chinese menus, no news pop-up, the
widgets extension there, and none of the server extensions a trainee does not use (they would
cost every one of thirty servers start-up time). Checked over HTTP with the trainee's own token."""
from __future__ import annotations

import html
import json
import re
import time

import pytest
import requests

from course.classroom.names import account_name
from course.classroom.simulate import Hub, login_error, wait_ready

LAB_SETTINGS = "course/trainer/lab_settings"


@pytest.fixture(scope="module")
def lab(classroom):
    """A trainee with a running server: (server URL, request headers)."""
    hub = Hub(classroom.url)
    name = "王五"
    answer = hub.login(name, classroom.code, "8642")
    assert answer.status_code == 302, login_error(answer.content)
    account = account_name(name)
    hub.api("POST", f"users/{account}/server")
    wait_ready(hub, account, name, time.time())
    return f"{classroom.url}/user/{account}", {"Authorization": f"token {hub.token(account)}"}


def get(lab, path: str) -> requests.Response:
    server, headers = lab
    return requests.get(server + path, headers=headers, timeout=60)


def page_config(lab) -> dict:
    page = get(lab, "/lab")
    assert page.status_code == 200
    found = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page.text, re.S)
    assert found, page.text[:500]
    return json.loads(html.unescape(found.group(1)))


def test_lab_uses_the_project_settings_folder(lab):
    config = page_config(lab)
    assert config["appSettingsDir"].rstrip("/").endswith(LAB_SETTINGS), config["appSettingsDir"]


def test_trainee_lab_defaults_to_chinese(lab):
    answer = get(lab, "/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.json()["schema"]["properties"]["locale"]["default"] == "zh_CN"
    # the language pack itself is installed and served: Chinese strings for the Lab's menus
    pack = get(lab, "/lab/api/translations/zh_CN")
    assert pack.status_code == 200
    strings = json.dumps(pack.json()["data"], ensure_ascii=False)
    assert "文件" in strings and "编辑" in strings, strings[:300]


def test_no_news_popup(lab):
    answer = get(lab, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert answer.status_code == 200
    properties = answer.json()["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false"
    assert properties["checkForUpdates"]["default"] is False


def test_widgets_are_there_and_unused_extensions_are_not(lab):
    config = page_config(lab)
    federated = {ext["name"] for ext in config.get("federated_extensions", [])}
    assert "@jupyter-widgets/jupyterlab-manager" in federated  # ipywidgets in the trainee's Lab
    assert get(lab, "/api/status").status_code == 200
    assert get(lab, "/api/terminals").status_code == 404  # no terminals for trainees
    assert get(lab, "/lsp/status").status_code == 404  # jupyter_lsp not loaded
    assert get(lab, "/voila/render/notebooks/00-start.ipynb").status_code == 404  # voila not loaded
