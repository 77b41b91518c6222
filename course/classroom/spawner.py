"""One real Unix account per trainee (the hub runs as root), so the kernel's file access is walled
off by the operating system: a trainee's home is 0700 and theirs alone, the state folder and the
answer key are root's. The server runs from the trainee's home, never from the repo checkout."""
from __future__ import annotations

import asyncio
import os
import pwd
import subprocess
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner
from tornado import web
from traitlets import Unicode

from course.classroom.memory import too_little_memory
from course.classroom.provision import provision
from course.core.i18n import t

VENV_BIN = Path(sys.executable).parent


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
