"""Hostile submissions of the M07 exercise, one per behaviour a trainer's inbox may contain.

Each is built from the correctly solved exercise (answers come from the master's own cells), with one
misbehaviour injected, most of them into question ``TOUCHED`` before its answer is assigned.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from grading_fixtures import TAMPER, _answer_cell, _solved_exercise, spoil

EXERCISE = "07-rfm"
TOUCHED = "q3"

# behaviour -> code put in front of TOUCHED's answer
BEFORE_ANSWER = {
    "raises_exception": "raise RuntimeError('故意出错')",
    "infinite_loop": "while True:\n    pass",
    "sleeps_past_limit": "import time\ntime.sleep(600)",
    "calls_sys_exit": "import sys\nsys.exit()",
    "calls_os_exit": "import os\nos._exit(1)",
    "kernel_killed_by_signal": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
    "print_flood_100mb": "print('x' * 100_000_000)",
    "memory_bomb": "blocks = []\nwhile True:\n    blocks.append(bytearray(10**8))",
    "fork_loop": "import os\nfor _ in range(100_000):\n    os.fork()",
}

UNREADABLE = {
    "invalid_json": b'{"cells": [',
    "empty_file": b"",
    "not_a_notebook": "这是我的作业，请老师查收。\n".encode("utf-8"),
    "json_but_not_a_notebook": b'{"hello": "world"}',
    "nbformat_3": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                              "worksheets": [{"cells": []}]}).encode("utf-8"),
}

WRONG = {"q3": "-1", "q5": '"A"'}  # the tampering cases start from these wrong answers


def _insert_top(nb, code: str):
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return nb


def write_hostile_class(folder: Path, out_dir: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def save(name: str, nb) -> None:
        files[name] = folder / f"{name}.ipynb"
        nbformat.write(nb, files[name])

    def save_bytes(name: str, data: bytes) -> None:
        files[name] = folder / f"{name}.ipynb"
        files[name].write_bytes(data)

    solved = _solved_exercise(EXERCISE)
    save("solution", solved)
    some_wrong = copy.deepcopy(solved)
    for question, value in WRONG.items():
        spoil(some_wrong, question, value)
    save("some_wrong", some_wrong)

    for name, data in UNREADABLE.items():
        save_bytes(name, data)
    text = nbformat.writes(solved)
    save_bytes("null_bytes", text.replace('"cells"', '"cel\x00ls"', 1).encode("utf-8"))

    for name, code in BEFORE_ANSWER.items():
        nb = copy.deepcopy(solved)
        cell = _answer_cell(nb, TOUCHED)
        cell.source = code + "\n" + cell.source
        save(name, nb)

    nb = copy.deepcopy(solved)
    nb.cells.remove(_answer_cell(nb, TOUCHED))
    save("deleted_question_cell", nb)
    nb = copy.deepcopy(solved)
    for question in ("q2", "q5"):
        cell = _answer_cell(nb, question)
        duplicate = copy.deepcopy(cell)
        duplicate.id = cell.id + "-copy"
        nb.cells.insert(nb.cells.index(cell), duplicate)
    save("duplicated_cells", nb)
    nb = copy.deepcopy(solved)
    cell = _answer_cell(nb, TOUCHED)
    nb.cells[nb.cells.index(cell)] = nbformat.v4.new_markdown_cell(cell.source, id=cell.id, metadata=cell.metadata)
    save("answer_cell_retyped_to_markdown", nb)
    nb = copy.deepcopy(solved)
    cell = _answer_cell(nb, TOUCHED)
    nb.cells.remove(cell)
    nb.cells.insert(0, cell)
    save("cells_reordered", nb)

    save("redefines_check", _insert_top(copy.deepcopy(some_wrong), "def check(*args, **kwargs):\n    print('✅ 全部正确')"))
    patches = TAMPER + ("import doctest\ndoctest.DocTestRunner.run = lambda *a, **k: None\n"
                        "builtins.AssertionError = type('Never', (Exception,), {})\n")
    save("patches_course_pandas_numpy_math_assert_doctest", _insert_top(copy.deepcopy(some_wrong), patches))
    nb = copy.deepcopy(some_wrong)
    _answer_cell(nb, TOUCHED).source += (
        "\nclass Anything(float):\n    def __eq__(self, other):\n        return True\n"
        "    def __float__(self):\n        return 51.0\n    __hash__ = float.__hash__\nq3 = Anything(-1)")
    save("fake_eq_and_float_answer", nb)
    nb = copy.deepcopy(some_wrong)
    _answer_cell(nb, TOUCHED).source += "\nq3 = [q3]"
    save("wrong_type_answer", nb)
    fake = ("from IPython.display import display\n"
            "fake = {'q3': {'type': 'number', 'value': 51}}\n"
            "print(json.dumps({'nonce': 'x', 'answers': fake}))\n"
            "display({'application/vnd.course.exercises.answers+json': {'nonce': 'guess', 'answers': fake}}, raw=True)\n"
            "get_ipython().events.register('post_run_cell', lambda *a: display("
            "{'application/vnd.course.exercises.answers+json': {'nonce': 'guess', 'answers': fake}}, raw=True))")
    save("prints_fake_export", _insert_top(copy.deepcopy(some_wrong), "import json\n" + fake))
    writer = (f"from pathlib import Path\nimport json\nout = Path({str(out_dir)!r})\n"
              "Path('stray.txt').write_text('written into the working directory')\n"
              "(out / '.results').mkdir(parents=True, exist_ok=True)\n"
              "(out / 'gradebook.csv').write_text('forged')\n"
              "for name in ('solution', 'writes_files'):\n"
              "    (out / '.results' / f'{name}.json').write_text(json.dumps({'trainee': name, 'rows': []}))\n")
    save("writes_files", _insert_top(copy.deepcopy(some_wrong), writer))
    return files
