"""The JupyterHub configuration of a classroom, built from the options of ``classroom serve``
(passed to the hub process in COURSE_CLASSROOM_* variables, read by jupyterhub_config.py)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from course.classroom.pages import page_vars
from course.classroom.runtime import trainee_python
from course.core.paths import REPO_ROOT

HERE = Path(__file__).resolve().parent
SERVICE = "classroom"
PROXY = REPO_ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
START_PAGE = "/lab/tree/notebooks/00-start.ipynb"
TRAINEE_SERVER = "course.classroom.singleuser"
SETTINGS_ENV = "COURSE_CLASSROOM_SETTINGS"


def proxy_command() -> str:
    """The configurable-http-proxy that `make install` put into the project."""
    found = os.environ.get("COURSE_CHP") or str(PROXY)
    if not Path(found).exists():
        raise FileNotFoundError(found)
    return found


def default_url(handler) -> str:
    """The trainer lands on the dashboard; a trainee on their own server (spawned on the way)."""
    user = handler.current_user
    if user is not None and user.name == "trainer":
        return f"{handler.hub.base_url.rstrip('/').rsplit('/hub', 1)[0]}/services/{SERVICE}/"
    return handler.hub.base_url + "spawn"


def login_texts() -> dict:
    from course.core.i18n import t

    keys = ("title", "intro", "name_label", "name_hint", "code_label", "code_hint", "pin_label", "pin_hint",
            "pin_note", "submit", "trainer_note")
    return {key: t(f"classroom.login_{key}") for key in keys}


def configure(c, settings: dict) -> None:
    state = Path(settings["state"]).resolve()
    hub_dir = state / "hub"
    hub_dir.mkdir(parents=True, exist_ok=True)
    hub_dir.chmod(0o700)
    service_url = f"http://127.0.0.1:{settings['service_port']}"

    c.JupyterHub.ip = settings["ip"]
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings["hub_port"]
    c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub_dir / "jupyterhub.pid")
    c.JupyterHub.default_url = default_url
    c.JupyterHub.template_paths = [str(HERE / "templates")]
    c.JupyterHub.template_vars = {"ui": login_texts(), **page_vars(str(state))}  # pages.py: display names
    c.JupyterHub.cleanup_servers = True  # Ctrl+C stops every trainee server with the hub
    c.JupyterHub.active_server_limit = settings.get("max_trainees", 0)

    c.ConfigurableHTTPProxy.command = [proxy_command()]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
    c.ConfigurableHTTPProxy.pid_file = str(hub_dir / "proxy.pid")
    c.ConfigurableHTTPProxy.debug = False

    c.JupyterHub.authenticator_class = "course.classroom.auth.ClassroomAuthenticator"
    c.ClassroomAuthenticator.class_code = settings["class_code"]
    c.ClassroomAuthenticator.trainer_password = settings["trainer_password"]
    c.ClassroomAuthenticator.state_dir = str(state)
    c.Authenticator.allow_all = True  # the class code and the PIN are the gate
    c.Authenticator.admin_users = {"trainer"}

    c.JupyterHub.spawner_class = "course.classroom.spawner.ClassroomSpawner"
    c.ClassroomSpawner.state_dir = str(state)
    c.ClassroomSpawner.service_url = f"{service_url}/services/{SERVICE}"
    # jupyterhub-singleuser with the trainee's options (Chinese Lab, no terminals, no unused
    # extensions) and less start-up work: see singleuser.py
    c.Spawner.cmd = [str(trainee_python()), "-m", TRAINEE_SERVER]
    c.Spawner.default_url = START_PAGE
    c.Spawner.start_timeout = 120
    c.Spawner.http_timeout = 90
    # the kernel's token may reach the classroom service as the trainee (for check() and submit())
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                     f"access:services!service={SERVICE}"]

    c.JupyterHub.services = [
        {"name": SERVICE, "url": service_url, "oauth_no_confirm": True, "display": True,
         "command": [sys.executable, "-m", "course.classroom.service", "--state", str(state),
                     "--port", str(settings["service_port"])],
         "environment": {"COURSE_LANG": os.environ.get("COURSE_LANG", "zh_CN")}},
        {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                                            f"--timeout={settings.get('cull_after', 3600)}"]},
    ]
    c.JupyterHub.load_roles = [
        {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
        {"name": "classroom-service", "services": [SERVICE], "scopes": ["list:users", "read:users"]},
        {"name": "idle-culler", "services": ["idle-culler"],
         "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
    ]


def settings_from_env() -> dict:
    return json.loads(os.environ[SETTINGS_ENV])


def configure_kubernetes(c, state: str = "/srv/jupyterhub/classroom", service_port: int = 10101,
                         hub_host: str = "hub") -> None:
    """The classroom on Zero to JupyterHub (KubeSpawner): called from the chart's hub.extraConfig.

    The chart runs the proxy and the spawner; this adds the class-code login, the classroom service
    in the hub pod (state on the hub's volume) and what a trainee's kernel needs to reach it.
    Submissions travel over HTTP, so no shared filesystem is needed.
    """
    c.JupyterHub.authenticator_class = "course.classroom.auth.ClassroomAuthenticator"
    c.ClassroomAuthenticator.class_code = os.environ["COURSE_CLASS_CODE"]
    c.ClassroomAuthenticator.trainer_password = os.environ["COURSE_TRAINER_PASSWORD"]
    c.ClassroomAuthenticator.state_dir = state
    c.Authenticator.allow_all = True
    c.Authenticator.admin_users = {"trainer"}
    c.JupyterHub.template_paths = [str(HERE / "templates")]
    c.JupyterHub.template_vars = {"ui": login_texts(), **page_vars(state)}
    c.JupyterHub.default_url = default_url
    c.KubeSpawner.default_url = START_PAGE
    c.KubeSpawner.environment = {"COURSE_CLASSROOM_URL": f"http://{hub_host}:{service_port}/services/{SERVICE}"}
    c.KubeSpawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                         f"access:services!service={SERVICE}"]
    # the class's variant count and mode (hub.extraEnv), recorded by the service at its start; each
    # trainee server fetches its own variant from it at first start (deploy/start-trainee.sh)
    variants = os.environ.get("COURSE_CLASSROOM_VARIANTS", "").strip()
    choice = ["--variants", variants if variants.isdigit() else "30"]
    if os.environ.get("COURSE_CLASSROOM_ASSESSMENT", "").strip().lower() in {"1", "true", "yes"}:
        choice.append("--assessment")
    c.JupyterHub.services = [
        {"name": SERVICE, "url": f"http://{hub_host}:{service_port}", "oauth_no_confirm": True, "display": True,
         "command": [sys.executable, "-m", "course.classroom.service", "--state", state,
                     "--port", str(service_port), "--ip", "0.0.0.0", *choice]},
    ]
    c.JupyterHub.load_roles = [
        {"name": "user", "scopes": ["self", f"access:services!service={SERVICE}"]},
        {"name": "classroom-service", "services": [SERVICE], "scopes": ["list:users", "read:users"]},
    ]
