"""``python -m course doctor``: is this machine ready for the workshop? Each problem comes with the
exact command that fixes it.

Every check is a small function returning a ``Check`` record; its inputs are parameters with
real-environment defaults, so tests can feed it a broken environment. Printing is separate.
"""
from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from course.core.i18n import CourseError, choices, t

MIN_PYTHON = (3, 10)
# the packages the lessons cannot run without; their version ranges come from the installed
# `course` metadata (i.e. pyproject.toml), so there is one place to change them
REQUIRED = ("pandas", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbclient", "nbformat",
            "ipykernel", "jieba", "openpyxl", "mplfonts")
DATASET_FILES = ("customers.csv", "orders.csv")
WIDGETS_EXTENSION = Path("labextensions") / "@jupyter-widgets" / "jupyterlab-manager"


@dataclass(frozen=True)
class Check:
    name: str     # what was checked, shown first on the line
    ok: bool      # False makes the command exit with 1
    detail: str   # what was found
    fix: str = ""  # the exact command that repairs it (empty when nothing to do)
    warn: bool = False  # works, but worth a look: shown with ⚠️, does not fail the run


def _pip(*requirements: str) -> str:
    return " ".join([shlex.quote(sys.executable), "-m", "pip", "install",
                     *(shlex.quote(r) for r in requirements)])


def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> Check:
    shown = ".".join(str(v) for v in version)
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check(t("doctor.python"), True, t("doctor.python_ok", version=shown))
    need = ".".join(str(v) for v in MIN_PYTHON)
    return Check(t("doctor.python"), False, t("doctor.python_old", version=shown, need=need),
                 t("doctor.python_fix", need=need))


def required_specs() -> dict[str, str]:
    """package -> version range (e.g. ``>=2.2,<4``) as declared by the installed ``course``."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    try:
        declared = [Requirement(r) for r in requires("course") or []]
    except PackageNotFoundError:
        declared = []
    ranges = {r.name.lower(): str(r.specifier) for r in declared if r.marker is None}
    return {name: ranges.get(name, "") for name in REQUIRED}


def _installed_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def check_packages(specs: dict[str, str] | None = None,
                   version_of: Callable[[str], str | None] = _installed_version) -> Check:
    from packaging.specifiers import SpecifierSet
    from packaging.version import InvalidVersion, Version

    specs = required_specs() if specs is None else specs
    missing, too_old, too_new = [], [], []
    for name, spec in specs.items():
        found = version_of(name)
        if found is None:
            missing.append(name)
            continue
        spec_set = SpecifierSet(spec)
        try:
            if Version(found) in spec_set:
                continue
        except InvalidVersion:
            too_old.append(f"{name} {found}")
            continue
        # above every lower bound means only the upper bound failed: newer than tested
        lower_ok = all(Version(found) in SpecifierSet(str(s)) for s in spec_set
                       if s.operator in (">=", ">", "=="))
        (too_new if lower_ok else too_old).append(f"{name} {found}")
    name = t("doctor.packages")
    broken = missing + [p.split()[0] for p in too_old]
    if broken:
        parts = []
        if missing:
            parts.append(t("doctor.packages_missing", names=choices(missing)))
        if too_old:
            parts.append(t("doctor.packages_old", names=choices(too_old)))
        fix = _pip(*(f"{p}{specs[p]}" for p in broken))
        return Check(name, False, "；".join(parts), fix)
    if too_new:
        fix = _pip(*(f"{p.split()[0]}{specs[p.split()[0]]}" for p in too_new))
        return Check(name, True, t("doctor.packages_new", names=choices(too_new)), fix, warn=True)
    return Check(name, True, t("doctor.packages_ok", count=len(specs)))


def _kernel_python(argv: list[str]) -> str:
    return argv[0] if argv else ""


def _same_python(candidate: str, executable: str) -> bool:
    # Jupyter runs a kernel whose argv[0] is plain "python"/"python3" with its own interpreter
    if candidate in {"python", f"python{sys.version_info[0]}",
                     f"python{sys.version_info[0]}.{sys.version_info[1]}"}:
        return True
    a, b = Path(os.path.abspath(candidate)), Path(os.path.abspath(executable))
    if a == b:
        return True
    # .venv/bin/python3 and .venv/bin/python are the same interpreter; /usr/bin/python3 is not,
    # even though a venv's python is a symlink to it (it would lack the venv's packages)
    return a.parent == b.parent and os.path.realpath(a) == os.path.realpath(b)


def _kernel_specs() -> dict[str, tuple[str, list[str]]]:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    return {name: (s["spec"].get("display_name", name), s["spec"].get("argv", []))
            for name, s in specs.items() if s["spec"].get("language", "python") == "python"}


def check_kernel(specs: dict[str, tuple[str, list[str]]] | None = None,
                 executable: str = sys.executable) -> Check:
    """``specs``: kernel name -> (display name, argv), as ``jupyter kernelspec list`` sees them."""
    specs = _kernel_specs() if specs is None else specs
    name = t("doctor.kernel")
    for kernel, (display, argv) in sorted(specs.items()):
        if _same_python(_kernel_python(argv), executable):
            return Check(name, True, t("doctor.kernel_ok", kernel=kernel, display=display))
    fix = " ".join([shlex.quote(executable), "-m", "ipykernel", "install", "--sys-prefix"])
    others = choices(sorted(specs)) if specs else t("doctor.none")
    return Check(name, False, t("doctor.kernel_missing", python=executable, others=others), fix)


def _data_dirs() -> list[str]:
    from jupyter_core.paths import jupyter_path

    return jupyter_path()


def check_widgets(data_dirs: Iterable[str] | None = None) -> Check:
    """The JupyterLab side of ipywidgets (``jupyterlab_widgets``) in a Jupyter data dir."""
    data_dirs = _data_dirs() if data_dirs is None else list(data_dirs)
    name = t("doctor.widgets")
    for folder in data_dirs:
        if (Path(folder) / WIDGETS_EXTENSION / "package.json").is_file():
            return Check(name, True, t("doctor.widgets_ok", folder=folder))
    return Check(name, False, t("doctor.widgets_missing"),
                 _pip("--force-reinstall", "jupyterlab_widgets"))


def _has_chinese_glyphs(font_file: str) -> bool:
    """The font file matplotlib picked can draw Chinese (a system copy of Noto CJK is as good)."""
    from matplotlib.ft2font import FT2Font

    return all(FT2Font(font_file).get_char_index(ord(ch)) for ch in "客户价值")


def check_font() -> Check:
    """The bundled CJK font is what matplotlib really picks — no silent fallback."""
    from course.core import plotting

    name = t("doctor.font")
    fix = _pip("--force-reinstall", "mplfonts")
    try:
        family = plotting.use_chinese_font()
        from matplotlib.font_manager import FontProperties, findfont

        found = findfont(FontProperties(family=family), fallback_to_default=False)
    except (CourseError, ValueError) as err:
        return Check(name, False, str(err), fix)
    if not _has_chinese_glyphs(found):
        return Check(name, False, t("doctor.font_other", family=family, found=found), fix)
    return Check(name, True, t("doctor.font_ok", family=family))


def data_dir() -> Path:
    """The datasets folder: ``COURSE_DATA_DIR`` if set, else ``datasets/`` in the repo root."""
    from course.core.paths import datasets_dir  # the same folder `python -m course data` writes to

    return datasets_dir()


def check_datasets(folder: Path | None = None) -> Check:
    folder = data_dir() if folder is None else Path(folder)
    name = t("doctor.datasets")
    missing = [f for f in DATASET_FILES if not (folder / f).is_file()]
    if not missing:
        return Check(name, True, t("doctor.datasets_ok", names=choices(DATASET_FILES),
                                   folder=str(folder)))
    fix = " ".join([shlex.quote(sys.executable), "-m", "course", "data"])
    return Check(name, False, t("doctor.datasets_missing", names=choices(missing),
                                folder=str(folder)), fix)


# Kernel settings that stop an unprivileged user (or everyone) from making user namespaces, which
# bubblewrap needs: (sysctl, value that forbids, value that allows, also stops root)
USERNS_SETTINGS = (
    ("kernel.unprivileged_userns_clone", "0", "1", False),  # Debian and older Ubuntu kernels
    ("kernel.apparmor_restrict_unprivileged_userns", "1", "0", False),  # Ubuntu 23.10 and later
    ("user.max_user_namespaces", "0", "15000", True),  # any kernel; 0 stops root too
)
PROC_SYS = Path("/proc/sys")


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def userns_blocker(proc_sys: Path = PROC_SYS, root: bool | None = None) -> tuple[str, str, str] | None:
    """(setting, its value, the value that allows namespaces) of the kernel setting that forbids
    them here, or None when no such setting is set (a container's policy, say)."""
    root = _is_root() if root is None else root
    for setting, forbids, allows, stops_root in USERNS_SETTINGS:
        if root and not stops_root:
            continue
        try:
            value = (proc_sys / setting.replace(".", "/")).read_text(encoding="utf-8").strip()
        except OSError:  # this kernel has no such setting
            continue
        if value == forbids:
            return setting, value, allows
    return None


def _sandbox_advice(which: Callable[[str], str | None], platform: str, root: bool,
                    proc_sys: Path) -> tuple[str | None, str]:
    """(reason, fix) for a missing sandbox, by its cause; reason None keeps the grader's own."""
    sudo = "" if root else "sudo "
    if not platform.startswith("linux"):
        return None, ""
    if os.environ.get("COURSE_SANDBOX_DISABLE"):
        return t("doctor.sandbox_disabled"), "unset COURSE_SANDBOX_DISABLE"
    bwrap = which("bwrap")
    if not bwrap:
        return None, "apt-get install -y bubblewrap util-linux" if root else "sudo apt-get install -y bubblewrap"
    if root and not which("setpriv"):
        return None, "apt-get install -y util-linux"
    # bubblewrap is there but cannot start: installing it again would change nothing
    blocker = userns_blocker(proc_sys, root)
    if blocker is None:
        return t("doctor.sandbox_userns_policy", bwrap=bwrap), t("doctor.sandbox_userns_policy_fix")
    setting, value, allows = blocker
    fix = (f"{sudo}sysctl -w {setting}={allows} && "
           f"echo '{setting}={allows}' | {sudo}tee /etc/sysctl.d/60-course-userns.conf")
    return t("doctor.sandbox_userns_setting", bwrap=bwrap, setting=setting, value=value), fix


def check_sandbox(found: dict | None = None, which: Callable[[str], str | None] = shutil.which,
                  platform: str = sys.platform, root: bool | None = None,
                  proc_sys: Path = PROC_SYS) -> Check:
    """Can the grader confine trainee code here? Only graders need it: a warning, never a failure."""
    from course import sandbox

    found = sandbox.describe() if found is None else found
    name = t("doctor.sandbox")
    if found["available"]:
        key = "doctor.sandbox_ok_uid" if found["drops_uid"] else "doctor.sandbox_ok"
        return Check(name, True, t(key, bwrap=found["bwrap"]))
    reason, fix = _sandbox_advice(which, platform, _is_root() if root is None else root, proc_sys)
    return Check(name, True, t("doctor.sandbox_missing", reason=reason or found["reason"]), fix, warn=True)


def check_memory_cgroup(root_dir: Path | None | bool = False, platform: str = sys.platform,
                        root: bool | None = None) -> Check:
    """Where the grader can make a memory cgroup, so a trainee kernel and everything it starts share
    one memory cap (course.sandbox.cgroup_root). ``root_dir`` False: look it up on this machine."""
    from course import sandbox

    name = t("doctor.memory")
    if not platform.startswith("linux"):
        return Check(name, True, t("doctor.memory_not_linux"), warn=True)
    found = sandbox.cgroup_root("memory") if root_dir is False else root_dir
    if found is not None:
        version = "v2" if Path(found) == sandbox.CGROUP_FS else "v1"
        return Check(name, True, t("doctor.memory_ok", folder=str(found), version=version))
    root = _is_root() if root is None else root
    fix = t("doctor.memory_fix_mount") if root else " ".join(
        ["sudo", shlex.quote(sys.executable), "-m", "course", "grade", "…"])
    return Check(name, True, t("doctor.memory_missing"), fix, warn=True)


CHECKS: list[Callable[[], Check]] = [check_python, check_packages, check_kernel, check_widgets,
                                     check_font, check_datasets, check_sandbox, check_memory_cgroup]


def run_checks(checks: Iterable[Callable[[], Check]] | None = None) -> list[Check]:
    results = []
    for check in CHECKS if checks is None else checks:
        try:
            results.append(check())
        except Exception as err:  # a crashing check is itself a finding, never a traceback
            label = getattr(check, "__name__", "check")
            results.append(Check(label, False, t("doctor.crashed", error=f"{type(err).__name__}: {err}")))
    return results


def format_check(check: Check) -> str:
    mark = "❌" if not check.ok else ("⚠️" if check.warn else "✅")
    line = f"{mark} " + t("doctor.line", name=check.name, detail=check.detail)
    if check.fix and (check.warn or not check.ok):
        line += "\n   " + t("doctor.fix", command=check.fix)
    return line


def report(results: list[Check], quiet: bool = False) -> str:
    lines = [] if quiet else [t("doctor.header", python=sys.executable)]
    lines += [format_check(c) for c in results if not quiet or not c.ok or c.warn]
    failed = sum(not c.ok for c in results)
    if not quiet:
        lines.append(t("doctor.summary_bad", count=failed) if failed else t("doctor.summary_ok"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course doctor", description=t("cli.doctor"))
    parser.add_argument("--quiet", action="store_true", help=t("doctor.quiet_help"))
    args = parser.parse_args(argv)
    results = run_checks()
    text = report(results, quiet=args.quiet)
    if text:
        print(text)
    return 0 if all(c.ok for c in results) else 1
