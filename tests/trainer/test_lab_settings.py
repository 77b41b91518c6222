"""`make lab` opens JupyterLab in Chinese with the news pop-up off, from project-level settings
(course/trainer/lab_settings), never from the user's home."""
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from conftest import REPO


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def test_make_lab_is_chinese_and_asks_no_news_question(tmp_path):
    port, token = _free_port(), "course-test-token"
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings")}  # an empty "home"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/lab/api"
    try:
        for _ in range(600):  # make lab first reinstalls the package when pyproject.toml changed
            try:
                language = _json(f"{base}/settings/@jupyterlab/translation-extension:plugin?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not start")
        assert language["schema"]["properties"]["locale"]["default"] == "zh_CN"
        news = _json(f"{base}/settings/@jupyterlab/apputils-extension:notification?token={token}")
        assert news["schema"]["properties"]["fetchNews"]["default"] == "false"
        packs = _json(f"{base}/translations?token={token}")["data"]
        assert "zh_CN" in packs, "the zh-CN language pack (jupyterlab-language-pack-zh-CN) is installed"
        assert not (tmp_path / "user-settings").exists() or not any((tmp_path / "user-settings").rglob("*.json*"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_python_m_course_lab_is_make_lab_without_make():
    """Windows and conda trainers: the same JupyterLab command, from `python -m course lab`."""
    from course.trainer import lab

    command = lab.lab_command(["--no-browser", "--port=9999"], root=REPO)
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={REPO}" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/00-start.ipynb" in command
    settings = next(a for a in command if a.startswith("--LabApp.app_settings_dir="))
    assert json.loads((REPO / settings.split("=", 1)[1] / "overrides.json").read_text(encoding="utf-8"))
    assert command[-2:] == ["--no-browser", "--port=9999"]
