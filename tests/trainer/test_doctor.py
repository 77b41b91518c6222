"""course.trainer.doctor: every check passes on a good environment and fails, with a fix, on a broken one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course.core import plotting
from course.core.i18n import CourseError
from course.trainer import doctor
from course.trainer.doctor import Check


@pytest.fixture(scope="module", autouse=True)
def isolated_dirs(tmp_path_factory):
    # matplotlib and Jupyter must not write into the user's home while these tests run
    root = tmp_path_factory.mktemp("doctor-env")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("MPLCONFIGDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                    "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
            mp.setenv(var, str(root / var.lower()))
        mp.setenv("MPLBACKEND", "Agg")
        mp.delenv("COURSE_LANG", raising=False)
        yield


@pytest.fixture
def data_folder(tmp_path):
    for name in doctor.DATASET_FILES:
        (tmp_path / name).write_text("id\n1\n", encoding="utf-8")
    return tmp_path


# --- Python ---------------------------------------------------------------------------------

def test_python_current_is_ok():
    result = doctor.check_python()
    assert result.ok and result.fix == ""
    assert result.detail.startswith(f"{sys.version_info[0]}.{sys.version_info[1]}")


def test_python_too_old_fails_with_fix():
    result = doctor.check_python((3, 9, 18))
    assert not result.ok
    assert "3.9.18" in result.detail and "3.10" in result.detail
    assert "make install" in result.fix


# --- packages -------------------------------------------------------------------------------

def test_required_specs_come_from_course_metadata():
    specs = doctor.required_specs()
    assert sorted(specs) == sorted(doctor.REQUIRED)
    assert all(specs.values()), specs  # every required package has a declared range
    assert ">=" in specs["pandas"]


def test_packages_installed_are_ok():
    result = doctor.check_packages()
    assert result.ok and not result.warn, result.detail


def test_missing_and_old_packages_fail_with_pip_command():
    specs = {"pandas": ">=2.2,<4", "jieba": ">=0.42,<0.43", "numpy": ">=1.26,<3"}
    installed = {"pandas": "1.5.3", "jieba": None, "numpy": "2.0.0"}
    result = doctor.check_packages(specs, installed.get)
    assert not result.ok
    assert "jieba" in result.detail and "pandas 1.5.3" in result.detail
    assert "numpy" not in result.detail
    assert "-m pip install" in result.fix
    assert "'jieba>=0.42,<0.43'" in result.fix and "'pandas>=2.2,<4'" in result.fix
    assert "numpy" not in result.fix


def test_too_new_package_is_only_a_warning():
    result = doctor.check_packages({"pandas": ">=2.2,<4"}, {"pandas": "4.0.1"}.get)
    assert result.ok and result.warn
    assert "pandas 4.0.1" in result.detail and "'pandas>=2.2,<4'" in result.fix


# --- kernel ---------------------------------------------------------------------------------

def test_kernel_of_this_environment_is_found():
    result = doctor.check_kernel()
    assert result.ok, result.detail


def test_kernel_with_absolute_current_python_is_ok():
    specs = {"course": ("课程", [sys.executable, "-m", "ipykernel_launcher", "-f", "{x}"])}
    assert doctor.check_kernel(specs, sys.executable).ok


def test_kernel_of_another_python_fails_with_install_command():
    specs = {"system": ("System", ["/usr/bin/python3", "-m", "ipykernel_launcher"])}
    result = doctor.check_kernel(specs, "/opt/course/.venv/bin/python")
    assert not result.ok
    assert "system" in result.detail
    assert result.fix == "/opt/course/.venv/bin/python -m ipykernel install --sys-prefix"
    assert not doctor.check_kernel({}, "/opt/course/.venv/bin/python").ok


def test_same_python_tells_venv_from_its_base(tmp_path):
    venv_bin, other_bin = tmp_path / "venv" / "bin", tmp_path / "other"
    venv_bin.mkdir(parents=True)
    other_bin.mkdir()
    for link in (venv_bin / "python", venv_bin / "python3", other_bin / "python3"):
        link.symlink_to(sys.executable)
    assert doctor._same_python(str(venv_bin / "python3"), str(venv_bin / "python"))
    # same real file, but another folder: a venv's python is a symlink to its base interpreter
    assert not doctor._same_python(str(other_bin / "python3"), str(venv_bin / "python"))
    assert doctor._same_python("python", str(venv_bin / "python"))  # Jupyter's own interpreter


# --- widgets extension ----------------------------------------------------------------------

def test_widgets_extension_of_this_environment_is_found():
    assert doctor.check_widgets().ok


def test_widgets_extension_found_in_a_data_dir(tmp_path):
    folder = tmp_path / doctor.WIDGETS_EXTENSION
    folder.mkdir(parents=True)
    (folder / "package.json").write_text("{}", encoding="utf-8")
    assert doctor.check_widgets([str(tmp_path / "empty"), str(tmp_path)]).ok


def test_widgets_extension_missing_fails_with_fix(tmp_path):
    result = doctor.check_widgets([str(tmp_path)])
    assert not result.ok
    assert "jupyterlab_widgets" in result.fix and "pip install" in result.fix


# --- font -----------------------------------------------------------------------------------

def test_font_resolves_to_bundled_file():
    result = doctor.check_font()
    assert result.ok, result.detail
    assert plotting.use_chinese_font() in result.detail


def test_font_missing_fails_with_fix(monkeypatch):
    def missing():
        raise CourseError("plotting.font_missing", path="/nowhere/font.otf")

    monkeypatch.setattr(plotting, "use_chinese_font", missing)
    result = doctor.check_font()
    assert not result.ok
    assert "/nowhere/font.otf" in result.detail and "mplfonts" in result.fix


def test_font_resolving_elsewhere_fails(monkeypatch):
    import matplotlib
    from matplotlib import font_manager

    latin_only = str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf")
    monkeypatch.setattr(font_manager, "findfont", lambda *a, **k: latin_only)
    result = doctor.check_font()
    assert not result.ok and "DejaVuSans.ttf" in result.detail


# --- datasets -------------------------------------------------------------------------------

def test_datasets_present_are_ok(data_folder):
    assert doctor.check_datasets(data_folder).ok


def test_datasets_missing_fail_with_fix(data_folder):
    (data_folder / "orders.csv").unlink()
    result = doctor.check_datasets(data_folder)
    assert not result.ok
    assert "orders.csv" in result.detail and "customers.csv" not in result.detail
    assert result.fix.endswith("-m course data")


def test_data_dir_default_and_env_override(monkeypatch, data_folder):
    import course

    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert doctor.data_dir() == Path(course.__file__).resolve().parents[1] / "datasets"
    monkeypatch.setenv("COURSE_DATA_DIR", str(data_folder))
    assert doctor.data_dir() == data_folder.resolve()
    assert doctor.check_datasets().ok


# --- report and main ------------------------------------------------------------------------

# --- sandbox and memory cgroup ---------------------------------------------------------------

MISSING = {"available": False, "bwrap": None, "drops_uid": False, "reason": "沙箱起不来。"}


def _sysctls(folder: Path, **values: str) -> Path:
    """A /proc/sys stand-in: kernel__unprivileged_userns_clone="0" -> kernel/unprivileged_userns_clone."""
    for key, value in values.items():
        path = folder / key.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value + "\n", encoding="utf-8")
    return folder


def _sandbox(tmp_path, tools=("bwrap",), root=False, **sysctls):
    return doctor.check_sandbox(MISSING, which=lambda name: f"/usr/bin/{name}" if name in tools else None,
                                platform="linux", root=root, proc_sys=_sysctls(tmp_path / "sys", **sysctls))


@pytest.fixture
def sandbox_enabled(monkeypatch):
    monkeypatch.delenv("COURSE_SANDBOX_DISABLE", raising=False)


def test_sandbox_without_bubblewrap_says_install_it(tmp_path, sandbox_enabled):
    result = _sandbox(tmp_path, tools=())
    assert result.ok and result.warn and result.fix == "sudo apt-get install -y bubblewrap"
    assert "沙箱起不来。" in result.detail  # the grader's own reason
    assert _sandbox(tmp_path, tools=(), root=True).fix == "apt-get install -y bubblewrap util-linux"


@pytest.mark.parametrize("setting, value, allows", [
    ("kernel.unprivileged_userns_clone", "0", "1"),
    ("kernel.apparmor_restrict_unprivileged_userns", "1", "0"),
    ("user.max_user_namespaces", "0", "15000"),
])
def test_bubblewrap_installed_but_namespaces_off_names_the_kernel_setting(tmp_path, sandbox_enabled,
                                                                         setting, value, allows):
    result = _sandbox(tmp_path, **{setting.replace(".", "__"): value})
    assert result.warn and "apt" not in result.fix
    assert result.fix.startswith(f"sudo sysctl -w {setting}={allows} && ")
    assert "/etc/sysctl.d/" in result.fix  # kept after a reboot
    assert setting in result.detail and "/usr/bin/bwrap" in result.detail and "重装" in result.detail


def test_root_is_not_stopped_by_the_unprivileged_settings(tmp_path, sandbox_enabled):
    # root may create namespaces whatever these say: the cause is elsewhere (a container's policy)
    result = _sandbox(tmp_path, tools=("bwrap", "setpriv"), root=True,
                      kernel__unprivileged_userns_clone="0", user__max_user_namespaces="96362")
    assert "sysctl" not in result.fix and "apt" not in result.fix and "seccomp" in result.fix
    assert _sandbox(tmp_path, tools=("bwrap",), root=True).fix == "apt-get install -y util-linux"
    allowed = _sandbox(tmp_path, kernel__unprivileged_userns_clone="1", user__max_user_namespaces="96362")
    assert "seccomp" in allowed.fix and "seccomp" in allowed.detail


def test_sandbox_switched_off_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_SANDBOX_DISABLE", "1")
    result = _sandbox(tmp_path)
    assert "COURSE_SANDBOX_DISABLE" in result.detail and result.fix == "unset COURSE_SANDBOX_DISABLE"


def test_sandbox_elsewhere_than_linux_has_no_apt_advice(tmp_path):
    result = doctor.check_sandbox(MISSING, platform="win32", root=False)
    assert result.warn and result.fix == "" and "沙箱起不来。" in result.detail


def test_memory_cgroup_is_one_chinese_line(tmp_path):
    from course import sandbox

    v2 = doctor.check_memory_cgroup(sandbox.CGROUP_FS, platform="linux")
    assert v2.ok and not v2.warn and "cgroup v2" in v2.detail and str(sandbox.CGROUP_FS) in v2.detail
    v1 = doctor.check_memory_cgroup(sandbox.CGROUP_FS / "memory" / "grader", platform="linux")
    assert "cgroup v1" in v1.detail and "\n" not in doctor.format_check(v1)
    missing = doctor.check_memory_cgroup(None, platform="linux", root=False)
    assert missing.ok and missing.warn and missing.fix.startswith("sudo ") and "course grade" in missing.fix
    assert "/sys/fs/cgroup" in doctor.check_memory_cgroup(None, platform="linux", root=True).fix
    assert doctor.check_memory_cgroup(platform="win32").warn


def test_memory_cgroup_of_this_machine_is_what_the_grader_would_use():
    from course import sandbox

    result = doctor.check_memory_cgroup()
    where = sandbox.cgroup_root("memory")
    assert (where is not None) == (not result.warn)
    if where is not None:
        assert str(where) in result.detail


GOOD = Check("检查甲", True, "一切正常")
WARN = Check("检查乙", True, "版本偏新", "pip install 'x<2'", warn=True)
BAD = Check("检查丙", False, "缺少文件", "python -m course data")


def test_report_marks_and_fixes():
    text = doctor.report([GOOD, WARN, BAD])
    assert "✅ 检查甲：一切正常" in text
    assert "⚠️ 检查乙" in text and "❌ 检查丙：缺少文件" in text
    assert "python -m course data" in text and "pip install 'x<2'" in text
    quiet = doctor.report([GOOD, WARN, BAD], quiet=True)
    assert "检查甲" not in quiet and "检查乙" in quiet and "检查丙" in quiet
    assert doctor.report([GOOD], quiet=True) == ""


def test_crashing_check_becomes_a_failure():
    def broken():
        raise RuntimeError("boom")

    [result] = doctor.run_checks([broken])
    assert not result.ok and "boom" in result.detail


@pytest.mark.parametrize("results, code", [([GOOD, WARN], 0), ([GOOD, BAD], 1)])
def test_main_quiet_exit_codes(monkeypatch, capsys, results, code):
    monkeypatch.setattr(doctor, "CHECKS", [lambda r=r: r for r in results])
    assert doctor.main(["--quiet"]) == code
    out = capsys.readouterr().out
    assert "检查甲" not in out
    assert ("❌" in out) == (code == 1)


def test_main_verbose_lists_every_check(monkeypatch, capsys):
    monkeypatch.setattr(doctor, "CHECKS", [lambda: GOOD, lambda: BAD])
    assert doctor.main([]) == 1
    out = capsys.readouterr().out
    assert "✅ 检查甲" in out and "❌ 检查丙" in out


def test_command_line_on_this_environment(data_folder):
    # the real thing, end to end: with the datasets in place this machine should be ready
    env = dict(os.environ, COURSE_DATA_DIR=str(data_folder))
    done = subprocess.run([sys.executable, "-m", "course", "doctor", "--quiet"], env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    env["COURSE_DATA_DIR"] = str(data_folder / "missing")
    done = subprocess.run([sys.executable, "-m", "course", "doctor", "--quiet"], env=env,
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1 and "orders.csv" in done.stdout
