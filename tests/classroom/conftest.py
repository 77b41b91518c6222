"""One real classroom hub (JupyterHub + configurable-http-proxy + the classroom service) for the
whole folder, on 127.0.0.1 with a state folder in /tmp (trainee accounts must be able to enter it)."""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
EXERCISE = "00-service-numbers"
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def need(reason: str | None) -> None:
    if reason:
        if IN_CI:
            pytest.fail(f"CI must have this: {reason}")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Classroom:
    code, trainer_password = "班级2468", "trainer-pass-1357"

    def __init__(self):
        self.state = Path(tempfile.mkdtemp(prefix="classroom-test-", dir="/tmp"))
        self.state.chmod(0o711)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = self.state.parent / f"{self.state.name}.log"

    def env(self) -> dict:
        return {**os.environ, "COURSE_CLASS_CODE": self.code, "COURSE_TRAINER_PASSWORD": self.trainer_password}

    def start(self, timeout: float = 120) -> None:
        handle = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "course", "classroom", "serve", "--ip", "127.0.0.1", "--port", str(self.port),
             "--state", str(self.state)], cwd=REPO, env=self.env(), stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True)
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub stopped: see {self.log}\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                login = requests.get(f"{self.url}/hub/login", timeout=5)
                service = requests.get(f"{self.url}/services/classroom/api/me", timeout=5, allow_redirects=False)
                if login.status_code == 200 and service.status_code in (302, 403):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not come up in {timeout} s: see {self.log}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def accounts(self) -> list[str]:
        homes = self.state / "homes"
        return [p.name for p in homes.iterdir()] if homes.exists() else []

    def cleanup(self) -> None:
        for account in self.accounts():
            try:
                pwd.getpwnam(account)
            except KeyError:
                continue
            subprocess.run(["userdel", account], capture_output=True)
        shutil.rmtree(self.state, ignore_errors=True)


def _missing() -> str | None:
    if os.geteuid() != 0:
        return "classroom hub tests need root (one Unix account per trainee)"
    if not (REPO / ".venv/node/node_modules/.bin/configurable-http-proxy").exists():
        return "configurable-http-proxy is not installed (make install)"
    if not shutil.which("useradd"):
        return "useradd is missing"
    return None


@pytest.fixture(scope="session")
def classroom():
    need(_missing())
    room = Classroom()
    room.start()
    yield room
    room.stop()
    if os.environ.get("COURSE_KEEP_CLASSROOM"):
        print(f"classroom state kept in {room.state}")
    else:
        room.cleanup()
