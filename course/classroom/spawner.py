"""One real Unix account per trainee (the hub runs as root), so the kernel's file access is walled
off by the operating system: a trainee's home is 0700 and theirs alone, the state folder and the
answer key are root's. The server runs from the trainee's home, never from the repo checkout."""
from __future__ import annotations

import asyncio
import os
import pwd
import random
import socket
import subprocess
import sys
import threading
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from tornado import web
from traitlets import Unicode

from course.classroom.memory import too_little_memory
from course.classroom.provision import provision
from course.core.i18n import t

VENV_BIN = Path(sys.executable).parent


def ephemeral_low(path: Path = Path("/proc/sys/net/ipv4/ip_local_port_range")) -> int:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


class ServerPorts:
    """Ports for trainee servers, taken in turn from just below the system's ephemeral range.

    JupyterHub's default asks the system for a random free port and closes it; the server binds it a
    second later. Kernels take their five ports the same way, so with thirty kernels starting, one
    of them now and then takes a server's port in between: the server cannot start and the hub waits
    90 s on a kernel's socket (seen in benchmarks/classroom.py). Ports below the ephemeral range are
    never handed out for port 0, so no kernel can take them; taking them in turn keeps two servers
    apart; a port something else already uses is skipped."""

    def __init__(self, span: int = 8000):
        top = ephemeral_low()
        self.low, self.high = max(1024, top - span), top - 1
        self.next = self.low + random.randrange(self.high - self.low)
        self.lock = threading.Lock()

    def take(self) -> int:
        with self.lock:
            for _ in range(self.high - self.low + 1):
                port = self.next
                self.next = self.low if port >= self.high else port + 1
                with socket.socket() as probe:
                    try:
                        probe.bind(("127.0.0.1", port))
                    except OSError:
                        continue
                return port
        raise OSError("no free port for a trainee server")


PORTS = ServerPorts()


def homes_dir(state: Path) -> Path:
    return Path(state) / "homes"


def ensure_account(name: str, home: Path) -> pwd.struct_passwd:
    """Create the Unix account (no login shell password) or point an existing one at ``home``."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                        "--user-group", name], check=True, capture_output=True)
        return pwd.getpwnam(name)
    if entry.pw_dir != str(home):
        subprocess.run(["usermod", "--home", str(home), name], check=True, capture_output=True)
        entry = pwd.getpwnam(name)
    return entry


class ClassroomSpawner(LocalProcessSpawner):
    state_dir = Unicode(config=True, help="the classroom state folder")
    service_url = Unicode(config=True, help="where kernels reach the classroom service")

    def _home(self) -> Path:
        return homes_dir(Path(self.state_dir)) / self.user.name

    async def start(self):
        free = too_little_memory(float(os.environ.get("COURSE_CLASSROOM_RESERVE_MB", "300")))
        if free is not None:
            raise web.HTTPError(503, t("classroom.no_memory", free=f"{free:.0f}"))
        home = self._home()
        entry = await asyncio.to_thread(ensure_account, self.user.name, home)
        # copying the bundle is file I/O: off the hub's event loop, which serves everyone else
        await asyncio.to_thread(provision, home, entry.pw_uid, entry.pw_gid)
        self.notebook_dir = str(home)
        self.port = PORTS.take()
        return await super().start()

    def get_env(self):
        env = super().get_env()
        home = self._home()
        env.update({
            "HOME": str(home),
            "PATH": f"{Path(self.cmd[0]).parent}:{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
            "COURSE_CLASSROOM_URL": self.service_url,
            "COURSE_DATA_DIR": str(home / "datasets"),
            "COURSE_EXERCISES_DIR": str(home / "exercises"),
            # the trainee python's prefix is .venv/trainee: point Jupyter at the project venv's
            # server extensions (jupyterlab) and static files
            "JUPYTER_PATH": str(VENV_BIN.parent / "share" / "jupyter"),
            "JUPYTER_CONFIG_PATH": str(VENV_BIN.parent / "etc" / "jupyter"),
            "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
            "IPYTHONDIR": str(home / ".ipython"),
            "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
            "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
            "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
            "TMPDIR": str(home / ".tmp"),
        })
        return env
