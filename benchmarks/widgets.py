"""Time every widget update the lessons offer, at the lessons' own data size (goal: ≤ 100 ms).

Each lesson notebook runs in a kernel as a trainee would run it; then, in the same kernel, every
control of every widget it displayed (sliders, dropdowns, pickers, check boxes, text boxes,
buttons) is changed and changed back, timing the synchronous update it triggers: the pure view
function plus setting the widget's outputs. Widgets come from course/widgets/*.py; a module that no
lesson displays is listed as not timed.

usage: .venv/bin/python benchmarks/widgets.py [--repeats 5] [notebooks/07-rfm.ipynb ...]
"""
from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from pathlib import Path

from _common import REPO, lesson_copies, print_table, use_isolated_jupyter_env

GOAL_MS = 100.0

# Runs in the lesson's kernel after all its cells: {model_id: label} in, JSON timings out.
PROBE = r'''
import json as _json, time as _time, statistics as _st, datetime as _dt
import ipywidgets as _W
from ipywidgets.widgets.widget import _instances as _all

def _controls(root):
    found, stack, seen = [], [root], set()
    while stack:
        w = stack.pop(0)
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, _W.Box):
            stack.extend(w.children)
        elif isinstance(w, _W.Button) and not w.disabled:
            found.append(w)
        elif isinstance(w, (_W.FileUpload, _W.HTML, _W.HTMLMath, _W.Label, _W.Output, _W.Valid,
                            _W.IntProgress, _W.FloatProgress)):
            continue
        elif isinstance(w, _W.ValueWidget) and not getattr(w, "disabled", False):
            found.append(w)
    return found

def _other(c):
    """A different valid value for control c, or None when it has none."""
    v = c.value
    if isinstance(c, _W.SelectMultiple):
        return None
    if hasattr(c, "index") and hasattr(c, "options") and not isinstance(c, _W.Combobox):
        n = len(c.options)
        return None if n < 2 or c.index is None else ("index", (c.index + 1) % n)
    if isinstance(c, (_W.Checkbox, _W.ToggleButton)):
        return ("value", not v)
    if isinstance(c, _W.DatePicker):
        return None if v is None else ("value", v - _dt.timedelta(days=30))
    if isinstance(v, tuple) and hasattr(c, "max"):
        step = c.step or 1
        lo, hi = v
        return ("value", (lo, hi - step) if hi - step >= lo else (lo, min(hi + step, c.max)))
    if isinstance(v, (int, float)) and not isinstance(v, bool) and hasattr(c, "max"):
        step = getattr(c, "step", 1) or 1
        return ("value", v + step if v + step <= c.max else v - step)
    if isinstance(v, str):
        return ("value", v + "好")
    return None

def _probe(targets, repeats):
    out = []
    for model_id, label in targets.items():
        root = _all.get(model_id)
        if root is None:
            continue
        controls = [c for c in _controls(root) if isinstance(c, _W.Button) or _other(c) is not None]
        if not controls:
            out.append({"widget": label, "control": "-", "median_ms": None, "max_ms": None, "n": 0,
                        "error": "no control that can be changed here (e.g. a file upload)"})
        for c in controls:
            name = type(c).__name__ + (f" {c.description}" if getattr(c, "description", "") else "")
            times, error = [], None
            try:
                if isinstance(c, _W.Button):
                    for _ in range(repeats):
                        t = _time.perf_counter(); c.click(); times.append(_time.perf_counter() - t)
                else:
                    attr, new = _other(c)
                    old = getattr(c, attr)
                    for _ in range(repeats):
                        for value in (new, old):
                            t = _time.perf_counter(); setattr(c, attr, value); times.append(_time.perf_counter() - t)
            except Exception as exc:  # an update that raises is reported, not hidden
                error = f"{type(exc).__name__}: {exc}"[:120]
            out.append({"widget": label, "control": name[:40],
                        "median_ms": _st.median(times) * 1000 if times else None,
                        "max_ms": max(times) * 1000 if times else None, "n": len(times), "error": error})
    return out

print("@@PROBE@@" + _json.dumps(_probe(__TARGETS__, __REPEATS__)))
'''


def widget_factories() -> dict[str, str]:
    """Public function name -> module, for course/widgets/*.py (read with ast, nothing imported)."""
    factories = {}
    for path in sorted((REPO / "course" / "widgets").glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                factories.setdefault(node.name, path.stem)
    return factories


def displayed_widgets(nb, factories: dict[str, str]) -> dict[str, str]:
    """model_id -> "module: first line of the cell" for every widget a cell displayed."""
    targets = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        called = [f for f in factories if re.search(rf"\b{re.escape(f)}\s*\(", cell.source)]
        module = factories[called[0]] if called else "(not in course/widgets)"
        line = next((x for x in cell.source.splitlines() if x.strip() and not x.startswith(("from", "import"))), "")
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                targets[view["model_id"]] = f"{module}: {line.strip()[:40]}"
    return targets


def probe_notebook(path: Path, factories: dict[str, str], repeats: int) -> tuple[list[dict], set[str]]:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        targets = displayed_widgets(nb, factories)
        if not targets:
            return [], set()
        code = PROBE.replace("__TARGETS__", repr(targets)).replace("__REPEATS__", str(repeats))
        probe = nbformat.v4.new_code_cell(code)
        nb.cells.append(probe)
        client.execute_cell(probe, len(nb.cells) - 1)
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    errors = [f"{o['ename']}: {o['evalue']}" for o in probe.outputs if o.get("output_type") == "error"]
    if "@@PROBE@@" not in text:
        raise RuntimeError(f"probe failed in {path.name}: {errors or text[-500:]}")
    modules = {label.split(":")[0] for label in targets.values()}
    return json.loads(text.split("@@PROBE@@", 1)[1]), modules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    use_isolated_jupyter_env()
    factories = widget_factories()
    notebooks = lesson_copies(args.notebooks)
    assert notebooks and factories, "no lesson notebooks or no widget modules found"

    rows, seen_modules, missed = [], set(), []
    for path in notebooks:
        results, modules = probe_notebook(path, factories, args.repeats)
        seen_modules |= modules
        for r in results:
            if r["median_ms"] is None:
                rows.append([path.stem, r["widget"], r["control"], "-", "-", r["error"] or "no change"])
                continue
            verdict = "met" if r["median_ms"] <= GOAL_MS else "MISSED"
            if verdict == "MISSED":
                missed.append(f"{path.stem} {r['widget']} {r['control']}")
            note = f"{r['median_ms'] / GOAL_MS:.2f} {verdict}" + (f" (error: {r['error']})" if r["error"] else "")
            rows.append([path.stem, r["widget"], r["control"], f"{r['median_ms']:.1f}", f"{r['max_ms']:.1f}", note])
    print(f"Widget updates at the lessons' data size: median of {args.repeats}×2 changes per control (ms)")
    print_table(["lesson", "widget (module: cell)", "control", "median ms", "max ms", "ratio to 100 ms"], rows)
    all_modules = set(factories.values())
    untimed = sorted(all_modules - seen_modules)
    if untimed:
        print("not displayed by any lesson, so not timed: " + ", ".join(untimed))
    print("goal ≤ 100 ms per update: " + ("met by every control" if not missed else "MISSED: " + "; ".join(missed)))


if __name__ == "__main__":
    main()
