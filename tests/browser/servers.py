"""Start JupyterLab and Voila on free loopback ports, with a token and throwaway Jupyter dirs."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 90  # seconds; JupyterLab needs ~10 s on the 2-core box, more under load


@dataclass
class Server:
    name: str
    url: str  # http://127.0.0.1:PORT
    token: str
    process: subprocess.Popen
    log: Path
    root: Path  # the folder it serves

    def address(self, path: str) -> str:
        """``path`` on this server with the token appended."""
        joiner = "&" if "?" in path else "?"
        return f"{self.url}{path}{joiner}token={self.token}"

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the server and the kernels it started
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            except ProcessLookupError:
                pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path) -> dict[str, str]:
    """The server's environment: every Jupyter/IPython/matplotlib dir under ``home``."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        folder = home / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[name] = str(folder)
    # tests/conftest.py sets Agg for the test process; a kernel must keep its inline backend
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    labconfig = home / "jupyter_config_dir" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    # no "get Jupyter news?" toast over the page, and no request to the internet for it
    (labconfig / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}', encoding="utf-8")
    return env


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _launch(name: str, argv, ready_path: str, home: Path, cwd: Path, attempt: int) -> Server:
    port, token = free_port(), f"course-browser-{os.getpid()}-{attempt}"
    log = home / f"{name}-{attempt}.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(argv(port, token), cwd=cwd, env=isolated_env(home), stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, f"http://127.0.0.1:{port}", token, process, log, cwd)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if _ready(server.address(ready_path)):
            return server
        time.sleep(0.25)  # polling a port that is not open yet: nothing to wait on but time
    tail = server.log_tail()
    server.stop()
    raise RuntimeError(f"{name} did not answer on {server.url} (exit code {process.poll()}):\n{tail}")


def start(name: str, argv, ready_path: str, home: Path, cwd: Path) -> Server:
    """Start a server; one retry on a new port if the first start fails (a flaky start)."""
    try:
        return _launch(name, argv, ready_path, home, cwd, attempt=1)
    except RuntimeError as first:
        try:
            return _launch(name, argv, ready_path, home, cwd, attempt=2)
        except RuntimeError as second:
            raise RuntimeError(f"{first}\n--- retry ---\n{second}") from None


def lab_argv(root: Path):
    def argv(port: int, token: str) -> list[str]:
        args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                "--port-retries=0", f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            args.append("--allow-root")  # lab refuses to run as root otherwise (CI runs as root)
        return args
    return argv


def voila_argv(notebook: Path):
    def argv(port: int, token: str) -> list[str]:
        return [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
                f"--port={port}", "--Voila.port_retries=0", f"--token={token}", "--show_tracebacks=True"]
    return argv
