"""Submissions that attack the grader, the other trainees or the trainer's machine (issue 14).

Each is the spoiled exercise (``some_wrong``) with one attack put in front, so a grade equal to
``some_wrong``'s proves the attack changed nothing; the innocent submissions are plain copies.
Paths and secrets of the grader are written into the attacks literally, as a trainee who knew the
machine would: in the sandbox none of them is even visible.
"""
from __future__ import annotations

import copy
import os
from pathlib import Path

import nbformat

from grading_fixtures import _answer_cell, _solved_exercise, spoil

EXERCISE = "07-rfm"
WRONG = {"q3": "-1", "q5": '"A"'}

BLANK_ALL = "for _q in {ids!r}:\n    get_ipython().user_ns[_q] = None\n"

STARTUP = """import os, pathlib
payload = "get_ipython().events.register('post_run_cell', lambda *a: [get_ipython().user_ns.__setitem__(q, None) for q in {ids!r}])\\n"
for base in (os.environ.get("IPYTHONDIR", ""), {ipythondir!r}, os.path.expanduser("~/.ipython"), "/root/.ipython"):
    try:
        folder = pathlib.Path(base) / "profile_default" / "startup"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "00-course-attack.py").write_text(payload)
    except OSError:
        pass
"""

PTH = """import site, sys
for folder in site.getsitepackages() + [site.getusersitepackages(), {site_packages!r}]:
    try:
        open(folder + "/zz_course_attack.pth", "w").write("import os; os.environ.setdefault('COURSE_PTH_PLANTED', '1')\\n")
    except OSError:
        pass
"""

PACKAGE_EDIT = """for target in ({target!r},):
    try:
        open(target, "a").write("\\n# planted by a submission\\n")
    except OSError:
        pass
"""

ANSWER_KEY = """import json
try:
    key = json.load(open({key!r}))
    for answer in key["answers"].values():
        if isinstance(answer, dict) and answer.get("type") == "number":
            answer["value"] = -12345  # keeps the source hash: is_current would not notice
    json.dump(key, open({key!r}, "w"))
except (OSError, ValueError, KeyError):
    pass
"""

RESUME_FORGERY = """import hashlib, hmac, json, os, signal
forged = {{"trainee": "solution", "exercise": "07-rfm", "rows": [], "submission_sha256": "x", "source_hash": "x"}}
try:
    key = bytes.fromhex(open({key_file!r}).read().strip())
    body = json.dumps(forged, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    forged["_mac"] = hmac.new(key, body, hashlib.sha256).hexdigest()
except OSError:
    forged["_mac"] = "0" * 64
for name in ("solution", "resume_forgery"):
    try:
        os.makedirs({results!r}, exist_ok=True)
        open(os.path.join({results!r}, name + ".json"), "w").write(json.dumps(dict(forged, trainee=name)))
    except OSError:
        pass
for pid in (os.getppid(), {grader_pid}):
    try:
        os.kill(pid, signal.SIGINT)  # interrupt the grader so the rerun trusts the forged records
    except OSError:
        pass
"""

ESCAPE = """import os, time
for procs in ("/sys/fs/cgroup/pids/cgroup.procs", "/sys/fs/cgroup/cgroup.procs"):
    try:
        open(procs, "w").write(str(os.getpid()))
    except OSError:
        pass
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(8)
        for path, text in (({gradebook!r}, "forged"), ({marker!r}, "survived")):
            try:
                open(path, "w").write(text)
            except OSError:
                pass
        os._exit(0)
    os._exit(0)
"""

SIBLING = """import glob, os, time
from jupyter_client import BlockingKernelClient
from ipykernel import get_connection_file
own = os.path.realpath(get_connection_file())
clients = {{}}
deadline = time.time() + 40
while time.time() < deadline:  # blank every reachable kernel, again and again until its export
    found = set()
    for pattern in (os.path.dirname(own) + "/*.json", "/tmp/**/*.json", {runtime!r} + "/*.json", os.path.expanduser("~/.local/share/jupyter/runtime/*.json")):
        found |= {{os.path.realpath(p) for p in glob.glob(pattern, recursive=True)}}
    for path in found - set(clients) - {{own}}:
        try:
            client = BlockingKernelClient(connection_file=path)
            client.load_connection_file()
            client.start_channels()
            clients[path] = client
        except Exception:
            clients[path] = None
    for client in clients.values():
        try:
            client and client.execute({blank!r})
        except Exception:
            pass
    time.sleep(0.2)
"""

FAKE_CLASS = """class DataFrame:
    __module__ = "pandas.core.frame"
    shape = (2, 2)
    index = type("I", (), {"names": [None]})()
    columns = ["a", "b"]
    def to_frame(self):
        return self
    def reset_index(self):
        return self
    def itertuples(self, index=False, name=None):
        return iter([(1,), (1, 2, 3)])
"""

WRAPPED_DISPLAY = """import IPython.display as _shown
_original = _shown.display
def display(*objects, **kw):
    for obj in objects:
        if isinstance(obj, dict):
            for payload in obj.values():
                if isinstance(payload, dict) and isinstance(payload.get("answers"), dict):
                    payload["answers"][{choice!r}] = {{"type": "text", "value": 5}}
                    payload["answers"][{number!r}] = {{"type": "table", "columns": 5, "rows": None}}
    return _original(*objects, **kw)
_shown.display = display
"""

HUGE_INT = "import sys\nsys.set_int_max_str_digits(0)\n{question} = 10 ** 5000\n"

METADATA_FLOOD = """from IPython.display import display
for _ in range(300):
    display({"text/plain": "x"}, metadata={"junk": "y" * 1_000_000}, raw=True)
"""

LEAK = "raise ValueError('trainer-secret-' + '42: ' + open({secret!r}).read() if __import__('os').path.exists({secret!r}) else 'trainer-secret-42')"

FORMULA_NAMES = ("=1+2", "@SUM(A1)", "+cmd", "-2+3")


def _insert_top(nb, code: str):
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return nb


def some_wrong():
    nb = _solved_exercise(EXERCISE)
    for question, value in WRONG.items():
        spoil(nb, question, value)
    return nb


def write_attacks(folder: Path, out: Path, context: dict) -> dict[str, Path]:
    """The attack batch; ``context`` gives the grader's paths and ids (see the test's fixture)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def save(name: str, nb, path: Path | None = None) -> None:
        files[name] = path or folder / f"{name}.ipynb"
        files[name].parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, files[name])

    ids = context["question_ids"]
    save("solution", _solved_exercise(EXERCISE))
    save("some_wrong", some_wrong())
    attacks = {
        "startup_file": STARTUP.format(ids=ids, ipythondir=context["ipythondir"]),
        "pth_file": PTH.format(site_packages=context["site_packages"]),
        "package_edit": PACKAGE_EDIT.format(target=context["package_file"]),
        "answer_key_edit": ANSWER_KEY.format(key=context["answer_key"]),
        "resume_forgery": RESUME_FORGERY.format(key_file=context["key_file"], results=str(out / ".results"),
                                                grader_pid=os.getpid()),
        "cgroup_escape": ESCAPE.format(gradebook=str(out / "gradebook.csv"), marker=context["marker"]),
        "wrapped_display": WRAPPED_DISPLAY.format(choice=context["choice_question"],
                                                  number=context["number_question"]),
        "metadata_flood": METADATA_FLOOD,
    }
    for name, code in attacks.items():
        save(name, _insert_top(some_wrong(), code))
    nb = some_wrong()
    _answer_cell(nb, context["number_question"]).source += "\n" + FAKE_CLASS + \
        f"{context['number_question']} = DataFrame()"
    save("fake_module_class", nb)
    nb = some_wrong()
    _answer_cell(nb, context["number_question"]).source += "\n" + HUGE_INT.format(question=context["number_question"])
    save("huge_int", nb)
    nb = some_wrong()
    cell = _answer_cell(nb, context["number_question"])
    cell.source = LEAK.format(secret=context["secret_file"]) + "\n" + cell.source
    save("leaks_error_text", nb)
    # a Windows zip of 张三.ipynb unpacks to GBK bytes
    gbk = os.fsdecode("张三".encode("gbk") + b".ipynb")
    save("gbk_name", some_wrong(), folder / gbk)
    for name in FORMULA_NAMES:
        save(f"formula:{name}", some_wrong(), folder / f"{name}.ipynb")
    # two different trainees' x.ipynb in two folders, and a third trainee really called x-2
    save("x_in_a", nbformat.read(_blank_path(), as_version=4), folder / "a" / "x.ipynb")
    save("x_in_b", _solved_exercise(EXERCISE), folder / "b" / "x.ipynb")
    save("x-2", some_wrong(), folder / "x-2.ipynb")
    return files


def write_sibling_pair(folder: Path, context: dict) -> dict[str, Path]:
    """An attacker that blanks every kernel it can reach, and a slow innocent beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    blank = BLANK_ALL.format(ids=context["question_ids"])
    attacker = _insert_top(some_wrong(), SIBLING.format(runtime=context["runtime"], blank=blank))
    victim = _insert_top(_solved_exercise(EXERCISE), "import time\ntime.sleep(12)")
    files = {"sibling_attacker": folder / "sibling_attacker.ipynb", "sibling_victim": folder / "sibling_victim.ipynb"}
    nbformat.write(attacker, files["sibling_attacker"])
    nbformat.write(victim, files["sibling_victim"])
    return files


def _blank_path() -> Path:
    from course.core.paths import exercises_dir

    return exercises_dir() / f"{EXERCISE}.ipynb"


def copy_notebook(nb):
    return copy.deepcopy(nb)
