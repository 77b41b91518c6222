"""A small synthetic master with a parameters cell, for the variant and level mechanics tests.

Its answers come from the data (through ``load(..., variant=variant)``), so no expected value is
typed in here; the choice questions are what the shuffling acts on.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import nbformat

NAME = "96-variants"
OPTIONS_Q2 = ["会员人数最多的城市是上海", "会员人数最多的城市是南京", "会员人数最多的城市是杭州", "无法判断"]


def _question(header: str):
    return nbformat.v4.new_raw_cell("# BEGIN QUESTION\n" + header)


def write_master(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("variant = 0")
    params.metadata["tags"] = ["parameters"]
    options = "\n".join(f"- {letter}. {text}" for letter, text in zip("ABCD", OPTIONS_Q2))
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 变体测试练习"),
        params,
        nbformat.v4.new_code_cell(
            "from course import load, check, show_answer, start_exercise, variant_pick\n"
            "customers = load(\"customers\", variant=variant)\n"
            "orders = load(\"orders\", variant=variant)\n"
            "counts = customers[\"city\"].value_counts()\n"
            "print(\"客户数：\", len(customers))\n"
            "counts"),
        _question("id: q1\npoints: 4\nkind: number\nlevel: core\ntitle: 客户数\nhints: [看上面的输出, 客户数那一行]"),
        nbformat.v4.new_markdown_cell("上面显示的客户数是多少？"),
        nbformat.v4.new_code_cell("q1 = len(customers)  # SOLUTION"),
        _question("id: q2\npoints: 2\nkind: choice\nlevel: core\noptions: [A, B, C, D]\n"
                  "feedback: {B: 南京的会员不少，但比不上上海。, D: 上面的表已经能判断。}\n"
                  "hints: [看城市计数, 第一行就是最多的]"),
        nbformat.v4.new_markdown_cell("哪一句说得对？\n\n" + options + "\n\n写成 `q2 = \"A\"`。"),
        nbformat.v4.new_code_cell('q2 = "A"  # SOLUTION'),
        _question("id: q3\npoints: 1\nkind: choice\nlevel: core\nvaries: false\noptions: [A, B]\n"
                  "hints: [概念题, 选 B]"),
        nbformat.v4.new_markdown_cell("概念题：\n\n- A. 错的说法\n- B. 对的说法"),
        nbformat.v4.new_code_cell('q3 = "B"  # SOLUTION'),
        _question("id: q4\npoints: 3\nkind: table\nlevel: advanced\ncolumns: [city, customers]\nkey: city\n"
                  "hints: [value_counts, reset_index]"),
        nbformat.v4.new_markdown_cell("做一张每个城市客户数的表。"),
        nbformat.v4.new_code_cell("# BEGIN SOLUTION\n"
                                  "q4 = counts.rename_axis(\"city\").reset_index(name=\"customers\")\n"
                                  "# END SOLUTION\nq4"),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{NAME}.ipynb"
    nbformat.write(nb, path)
    return path


@contextmanager
def course_folders(tmp: Path):
    """solutions/ and exercises/ of the kit pointed at ``tmp`` (kernels inherit the variables)."""
    saved = {k: os.environ.get(k) for k in ("COURSE_SOLUTIONS_DIR", "COURSE_EXERCISES_DIR")}
    os.environ["COURSE_SOLUTIONS_DIR"] = str(tmp / "solutions")
    os.environ["COURSE_EXERCISES_DIR"] = str(tmp / "exercises")
    try:
        yield tmp / "solutions", tmp / "exercises"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
