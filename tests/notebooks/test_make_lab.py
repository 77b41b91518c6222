"""`make lab` serves JupyterLab on the course start page, with the whole repo browsable."""
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


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, b""


def test_make_lab_opens_the_start_page():
    port, token = _free_port(), "course-test-token"
    args = f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.token={token}"
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_ARGS={args}"], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                status, headers, _ = _get(f"{base}/?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not start")
        assert status == 302 and "/lab/tree/notebooks/00-start.ipynb" in headers["Location"]
        status, _, body = _get(f"{base}/api/contents/notebooks/00-start.ipynb?token={token}")
        assert status == 200 and json.loads(body)["type"] == "notebook"
        status, _, _ = _get(f"{base}/api/contents/exercises/07-rfm.ipynb?content=0&token={token}")
        assert status == 200  # exercises open from the lesson links: the root is the repo
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
