"""Widget-only mode: Voila serves a lesson without code and without trainer notes, and culls
kernels left idle with no page attached."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import need

from course.core.paths import notebooks_dir
from course.trainer import app

LESSON = notebooks_dir() / "07-rfm.ipynb"


def test_command_hides_code_and_culls_idle_kernels(tmp_path):
    args = app.voila_args(tmp_path / "x.ipynb", port=9000, idle_seconds=300, cull_interval=30, open_browser=False)
    assert args[:3] == [sys.executable, "-m", "voila"]
    assert "--strip_sources=True" in args and "--no-browser" in args and "--port=9000" in args
    assert "--MappingKernelManager.cull_idle_timeout=300" in args
    assert "--MappingKernelManager.cull_interval=30" in args
    assert "--MappingKernelManager.cull_connected=False" in args
    assert "--no-browser" not in app.voila_args(tmp_path / "x.ipynb")


def test_prepare_strips_trainer_notes_and_lab_only_cells_only(tmp_path):
    copy = app.prepare(LESSON, tmp_path)
    original = json.loads(LESSON.read_text(encoding="utf-8"))
    served = json.loads(copy.read_text(encoding="utf-8"))
    tags = [c.get("metadata", {}).get("tags", []) for c in original["cells"]]
    dropped = [t for t in tags if "trainer-note" in t or app.LAB_ONLY_TAG in t]
    assert any(app.LAB_ONLY_TAG in t for t in tags), "the lesson tags its Shift+Enter instructions"
    assert dropped and len(served["cells"]) == len(original["cells"]) - len(dropped)
    assert not any("Shift + Enter" in "".join(c["source"]) for c in served["cells"])
    assert served["metadata"] == original["metadata"]


def test_exercise_links_open_a_chinese_help_page(tmp_path):
    copy = app.prepare(LESSON, tmp_path, lab_url="http://127.0.0.1:8888")
    text = copy.read_text(encoding="utf-8")
    assert "../exercises/07-rfm.ipynb" not in text and "voila/files/open-exercise-07-rfm.html" in text
    page = (tmp_path / "open-exercise-07-rfm.html").read_text(encoding="utf-8")
    assert "怎样打开练习 07-rfm" in page and "http://127.0.0.1:8888/lab/tree/exercises/07-rfm.ipynb" in page


def test_app_template_loads_nothing_from_the_network():
    template = app.TEMPLATES / "voila" / "templates" / "course_app"
    assert "https://" not in (template / "index.html.j2").read_text(encoding="utf-8")
    assert (template / "static" / "fontawesome" / "css" / "all.min.css").exists()
    assert list((template / "static" / "fontawesome" / "webfonts").glob("*.woff2"))
    assert str(app.TEMPLATES) in app.app_env({})["JUPYTER_PATH"]


def test_every_font_the_vendored_css_names_is_vendored():
    """A face whose file is missing fails only when an icon needs it (fa-v4compatibility for v4 names)."""
    import re

    css_dir = app.TEMPLATES / "voila" / "templates" / "course_app" / "static" / "fontawesome" / "css"
    named = {url for css in css_dir.glob("*.css")
             for url in re.findall(r"url\(([^)]+)\)", css.read_text(encoding="utf-8"))}
    assert "../webfonts/fa-v4compatibility.woff2" in named
    missing = [url for url in named if not (css_dir / url.strip("'\"")).is_file()]
    assert not missing, missing


def test_unknown_lesson(capsys):
    assert app.main(["99-nothing", "--no-browser"]) == 2
    assert "07-rfm" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernels(pid: int) -> list[int]:
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.NoSuchProcess:
            continue
    return found


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return predicate()


def test_serves_code_free_and_culls_idle_kernels(tmp_path):
    need("voila is not installed" if app.voila_missing() else None)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "course", "app", "07-rfm", "--port", str(port), "--no-browser",
                               "--idle-minutes", "0.05", "--cull-interval", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def page():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
                    return answer.read().decode("utf-8")
            except OSError:
                return None

        assert _wait(lambda: _port_open(port), 60), "voila did not start"
        html = page()
        started = _kernels(server.pid)  # the page's kernel, alive right after the page was served
        assert html and "application/vnd.jupyter.widget-view+json" in html  # the explorer is there
        assert "RFM 客户价值分层" in html                                    # so is the narrative
        assert "rfm_explorer(orders)" not in html and "from course import" not in html  # code is not
        assert "讲师提示" not in html
        assert "course_app/static/fontawesome" in html  # icons served locally
        assert not re.findall(r"<(?:link|script|img)[^>]*(?:src|href)=[\"']https?://", html), "app mode requests nothing from the network"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/templates/course_app/static/fontawesome/css/all.min.css",
                                    timeout=30) as answer:
            assert answer.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/files/open-exercise-07-rfm.html", timeout=30) as answer:
            assert "怎样打开练习" in answer.read().decode("utf-8")  # the exercise link leads somewhere useful
        # the page's kernel exists, nobody connects to it, so it is culled after ~3 s of idling
        assert started, "voila started no kernel for the page"
        assert _wait(lambda: _kernels(server.pid) == [], 90), "idle kernel was not culled"
        assert server.poll() is None  # the server itself keeps running
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
