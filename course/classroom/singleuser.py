"""The trainee's Jupyter server: ``jupyterhub-singleuser``, minus start-up work it never uses.

Thirty trainees start their servers within a minute on a 2-core machine, so every CPU-second a
server spends starting up costs the class about half a second of waiting. Two imports are pure
waste in a trainee's server (measured with py-spy; figures in benchmarks/README.md):

* jsonschema imports ``rfc3987_syntax``, which compiles about 35 Lark Earley parsers at import
  time — 1–2 CPU-seconds per process (jupyter_server#1559, jsonschema#1428) — for the "iri"
  formats that no Jupyter schema uses. A stand-in hands jsonschema a checker that imports the real
  module on its first call (in practice never), so validation is unchanged.
* ``jupyterhub.log`` imports the hub's own request handlers, and ``jupyterhub.metrics`` the hub's
  database models (SQLAlchemy tables, alembic): hub-side code that a single-user server never runs
  (about 0.3 CPU-seconds). The models become a stand-in that imports the real module on first use;
  log.py's health-check handler class, which it only compares request handlers against, becomes an
  empty one (no single-user route serves the hub's health check).

Each stand-in is skipped when the module is already imported or missing.

It also sets what every trainee server needs, on the local hub and on Kubernetes alike (options
given on the command line still win): JupyterLab in Chinese without the news pop-up (the project's
Lab settings, as ``make lab``), no terminals, and none of the server extensions a trainee does not
use (language servers, voila, the classic-notebook shim; each would be imported and set up in all
thirty servers). Run as ``python -m course.classroom.singleuser [jupyterhub-singleuser options]``;
this module imports nothing of the course, so it adds nothing to the start.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

LAB_SETTINGS = Path(__file__).resolve().parents[1] / "trainer" / "lab_settings"  # zh_CN, news off
UNUSED_EXTENSIONS = ("jupyter_lsp", "jupyter_server_terminals", "notebook_shim", "voila.server_extension",
                     "nbclassic")


def server_options() -> list[str]:
    """The trainee server's options (jupyterlab and the hub's own extension stay on)."""
    off = ", ".join(f"{name!r}: False" for name in UNUSED_EXTENSIONS)
    return ["--ServerApp.terminals_enabled=False", f"--ServerApp.jpserver_extensions={{{off}}}",
            f"--LabApp.app_settings_dir={LAB_SETTINGS}",
            "--LabApp.extension_manager=readonly"]  # no PyPI client: trainees install nothing


def _real(name: str):
    """Import the real module ``name`` once, replacing its stand-in."""
    stand_in = sys.modules.pop(name, None)
    try:
        return importlib.import_module(name)
    except ImportError:
        if stand_in is not None:
            sys.modules[name] = stand_in
        raise


def _installed(name: str) -> bool:
    if name in sys.modules:
        return False
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def stand_in(name: str, look: bool = True, **now) -> types.ModuleType | None:
    """Put a stand-in for module ``name`` into sys.modules: any public name not given in ``now``
    imports the real module (which then replaces the stand-in). None when not applicable.
    ``look=False`` skips looking the module up (that would import its parent package)."""
    if name in sys.modules or (look and not _installed(name)):
        return None
    module = types.ModuleType(name, "stand-in: the real module is imported on first use")

    def __getattr__(attr):
        if attr.startswith("__"):  # the import system probes __path__ and such: not a use
            raise AttributeError(attr)
        return getattr(_real(name), attr)

    module.__getattr__ = __getattr__
    module.__dict__.update(now)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent in sys.modules:  # `from parent import child` must find the stand-in, not import
        setattr(sys.modules[parent], child, module)
    return module


def defer_rfc3987_syntax() -> bool:
    def is_valid_syntax(term: str, value: str) -> bool:
        return _real("rfc3987_syntax").is_valid_syntax(term, value)

    return stand_in("rfc3987_syntax", is_valid_syntax=is_valid_syntax) is not None


def defer_hub_models() -> bool:
    if not _installed("jupyterhub.orm") or not _installed("jupyterhub.handlers"):
        return False
    import jupyterhub  # light: the version only; needed so the stand-ins hang under it
    from tornado.web import RequestHandler

    class HealthCheckHandler(RequestHandler):
        """Never routed in a single-user server; jupyterhub.log only compares handlers with it."""

    pages = stand_in("jupyterhub.handlers.pages", look=False, HealthCheckHandler=HealthCheckHandler)
    return pages is not None and stand_in("jupyterhub.orm") is not None and bool(jupyterhub)


def main() -> None:
    defer_rfc3987_syntax()
    defer_hub_models()
    sys.argv[1:1] = server_options()  # before the given options, which win
    from jupyterhub.singleuser import main as singleuser_main

    singleuser_main()


if __name__ == "__main__":
    main()
