"""Shared by the benchmarks: interleaved rounds, medians and a small fixed-width table."""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def isolated_jupyter_env(prefix: str = "course-bench-") -> dict[str, str]:
    """Environment for kernels the benchmarks start: Jupyter/IPython/matplotlib dirs in tmp."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        (home / name.lower()).mkdir()
        env[name] = str(home / name.lower())
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def lesson_copies(paths: list[Path] | None = None) -> list[Path]:
    """The lesson notebooks copied into a temp folder (same layout), so that files a lesson or a
    clicked button writes (plans, agendas, grading output) never land in the repo."""
    import shutil

    root = Path(tempfile.mkdtemp(prefix="course-bench-lessons-"))
    shutil.copytree(REPO / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if paths:
        return [root / "notebooks" / Path(p).name for p in paths]
    return sorted((root / "notebooks").glob("*.ipynb"))


def use_isolated_jupyter_env() -> None:
    os.environ.update(isolated_jupyter_env())
    os.environ.pop("MPLBACKEND", None)


def interleave(contestants: dict, rounds: int) -> dict[str, list[float]]:
    """Run each contestant (name -> callable) once per round, reversing the order every other round
    so drift and warm caches hit all alike. The call is timed, unless it returns its own seconds
    (a float), e.g. a time measured inside a kernel."""
    times: dict[str, list[float]] = {name: [] for name in contestants}
    order = list(contestants)
    for round_ in range(rounds):
        for name in (order if round_ % 2 == 0 else order[::-1]):
            started = time.perf_counter()
            result = contestants[name]()
            times[name].append(result if isinstance(result, float) else time.perf_counter() - started)
    return times


def print_ratios(title: str, times: dict[str, list[float]], base: str, unit: str = "s") -> None:
    """Median, the runs, and the ratio of each median to the ``base`` contestant's."""
    scale = 1000.0 if unit == "ms" else 1.0
    floor = statistics.median(times[base])
    print(title)
    width = max(len(n) for n in times) + 2
    print(f"{'':{width}}{'median ' + unit:>12}{'ratio':>8}  runs ({unit})")
    for name, values in times.items():
        median = statistics.median(values)
        runs = " ".join(f"{v * scale:.2f}" for v in values)
        print(f"{name:{width}}{median * scale:>12.2f}{median / floor:>8.2f}  {runs}")
    print(f"(ratio = median / median of {base!r})")
    sys.stdout.flush()


def print_table(headers: list[str], rows: list[list], widths: list[int] | None = None) -> None:
    widths = widths or [max(len(str(h)), *(len(str(r[i])) for r in rows)) + 2 for i, h in enumerate(headers)]
    print("".join(f"{h:<{w}}" for h, w in zip(headers, widths)))
    for row in rows:
        print("".join(f"{str(c):<{w}}" for c, w in zip(row, widths)))
    sys.stdout.flush()
