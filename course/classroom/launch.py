"""A throwaway classroom on 127.0.0.1 (``classroom serve`` in a subprocess), for the tests and the
benchmark: state in /tmp (trainee accounts must be able to enter it), stopped with SIGTERM, and
the Unix accounts it created removed afterwards."""
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

import requests

from course.core.paths import REPO_ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalClassroom:
    def __init__(self, code: str = "班级2468", trainer_password: str = "trainer-pass-1357", extra_env=None):
        self.code, self.trainer_password = code, trainer_password
        self.state = Path(tempfile.mkdtemp(prefix="classroom-", dir="/tmp"))
        self.state.chmod(0o711)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.log = self.state.parent / f"{self.state.name}.log"
        self.extra_env = dict(extra_env or {})

    def env(self) -> dict:
        return {**os.environ, **self.extra_env, "COURSE_CLASS_CODE": self.code,
                "COURSE_TRAINER_PASSWORD": self.trainer_password}

    def start(self, timeout: float = 120) -> None:
        handle = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "course", "classroom", "serve", "--ip", "127.0.0.1", "--port", str(self.port),
             "--state", str(self.state)], cwd=REPO_ROOT, env=self.env(), stdout=handle,
            stderr=subprocess.STDOUT, start_new_session=True)
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub stopped: {self.log}\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                login = requests.get(f"{self.url}/hub/login", timeout=5)
                service = requests.get(f"{self.url}/services/classroom/api/me", timeout=5, allow_redirects=False)
                if login.status_code == 200 and service.status_code in (302, 403):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not come up in {timeout} s: {self.log}")

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
