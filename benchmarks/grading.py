"""Grading a class: our grader against the kernel floor (bare nbclient) and against the peers,
nbgrader autograde and `otter run`, on the same 30 submissions, interleaved on the same machine.
Prints medians, the runs, the ratios to the floor, and the score each tool gave.

Peers live in their own venvs under .bench/ (created on first use, see peers.py). nbgrader and
our grader run the trainee code on the same kernel (the course venv's Python); otter must import
itself inside the kernel, so its kernel is its own venv's Python with the course installed.

usage: .venv/bin/python benchmarks/grading.py [--copies 30] [--workers 2] [--rounds 3]
       [--exercise 07-rfm] [--peers nbgrader,otter]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _common import REPO, interleave, isolated_jupyter_env, print_ratios
from peers import PeerUnavailable, kernel_home, nbgrader_course, otter_autograder, peer_venv

HERE = Path(__file__).resolve().parent
SANDBOXED = "course grade (sandboxed)"
UNSANDBOXED = "course grade --no-sandbox"
sys.path.insert(0, str(REPO / "tests" / "exercises" / "grading"))


def make_class(exercise: str, copies: int, folder: Path) -> tuple[Path, list[Path]]:
    """``copies`` identical submissions: the master's answers with q3 spoiled (one wrong answer)."""
    from grading_fixtures import write_class

    files = write_class(exercise, folder / "fixtures", {"q3": "-1"})
    class_dir = folder / "class"
    class_dir.mkdir()
    out = []
    for n in range(copies):
        out.append(class_dir / f"trainee{n:02d}.ipynb")
        shutil.copy(files["some_wrong"], out[-1])
    return files["some_wrong"], out


def run(command: list[str], env: dict, cwd: Path = REPO) -> None:
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd, env=env, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed ({done.returncode}):\n{done.stdout[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--exercise", default="07-rfm")
    parser.add_argument("--peers", default="nbgrader,otter", help="comma-separated; empty for none")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (to inspect outputs)")
    args = parser.parse_args()
    env = isolated_jupyter_env()
    peers = [p for p in args.peers.split(",") if p]
    unavailable: dict[str, str] = {}

    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        folder = Path(tempfile.mkdtemp(prefix="grading-bench-")) if args.keep else Path(tmp)
        if args.keep:
            print(f"working folder (kept): {folder}")
        student, notebooks = make_class(args.exercise, args.copies, folder)
        contestants = {}
        outs: dict[str, Path] = {}

        bare = [sys.executable, str(HERE / "bare_nbclient.py"), str(args.workers), *map(str, notebooks)]
        contestants["bare nbclient"] = lambda: run(bare, env)
        # the same floor, but shutting kernels down at once as our grader does (no graceful wait)
        floor = [sys.executable, str(HERE / "kernel_floor.py"), str(args.workers), *map(str, notebooks)]
        contestants["nbclient, immediate shutdown"] = lambda: run(floor, env)

        counter = iter(range(10_000))

        def ours(label: str, *extra: str):
            def go():
                outs[label] = folder / f"out{next(counter)}"  # fresh each round: no resumed grades
                run([sys.executable, "-m", "course", "grade", args.exercise, str(folder / "class"),
                     "--out", str(outs[label]), "--workers", str(args.workers), *extra], env)
            return go
        # the same grader with and without the sandbox (issue 14: the sandbox may cost ≤ 10 %)
        contestants[SANDBOXED] = ours(SANDBOXED)
        contestants[UNSANDBOXED] = ours(UNSANDBOXED, "--no-sandbox")

        if "nbgrader" in peers:
            try:
                nbg_venv = peer_venv("nbgrader")
                nbg_env = kernel_home(Path(sys.executable), env, folder / "nbgrader-jupyter")
                nbg_env["PATH"] = f"{nbg_venv / 'bin'}:{nbg_env.get('PATH', '')}"  # nbgrader calls `alembic`
                root = nbgrader_course(student, args.exercise, args.copies, folder / "nbgrader", nbg_venv, nbg_env)
                # nbgrader has no worker option: it grades one notebook after another
                contestants["nbgrader autograde"] = lambda: run(
                    [str(nbg_venv / "bin" / "nbgrader"), "autograde", "ps1", "--force"], nbg_env, cwd=root)
                outs["nbgrader autograde"] = root
            except PeerUnavailable as why:
                unavailable["nbgrader"] = str(why)

        if "otter" in peers:
            try:
                otter_venv = peer_venv("otter")
                otter_env = kernel_home(otter_venv / "bin" / "python", env, folder / "otter-jupyter")
                zip_path = otter_autograder(student, args.exercise, folder / "otter", otter_venv, otter_env)
                otter_out = folder / "otter-results"

                def one(path: Path) -> None:
                    target = otter_out / path.stem
                    target.mkdir(parents=True, exist_ok=True)
                    run([str(otter_venv / "bin" / "otter"), "run", "--no-logo", "-a", str(zip_path), "-o", str(target),
                         str(path)], otter_env)

                def otter_class():  # `otter run` takes one submission: W of them at a time
                    with ThreadPoolExecutor(args.workers) as pool:
                        list(pool.map(one, notebooks))
                contestants[f"otter run ×{args.workers}"] = otter_class
                outs["otter"] = otter_out
            except PeerUnavailable as why:
                unavailable["otter"] = str(why)

        times = interleave(contestants, args.rounds)
        print_ratios(f"{args.copies} submissions of {args.exercise}, {args.workers} workers, "
                     f"{args.rounds} interleaved rounds (wall-clock seconds for the whole class)",
                     times, base="bare nbclient")
        sandbox_cost(times)
        print("score given to the first submission (the submission has q3 wrong):")
        for line in scores(outs, notebooks[0].stem):
            print("  " + line)
    for name, why in unavailable.items():
        print(f"{name}: NOT MEASURED — {why}")


def sandbox_cost(times: dict[str, list[float]]) -> None:
    """The sandboxed and the unsandboxed grader side by side, round by round (same machine, same
    moment), and the median ratio against the 10 % budget."""
    import statistics

    paired = list(zip(times[SANDBOXED], times[UNSANDBOXED]))
    print(f"sandbox cost, round by round ({SANDBOXED} vs {UNSANDBOXED}):")
    for n, (boxed, bare) in enumerate(paired, 1):
        print(f"  round {n}: {boxed:7.2f} s vs {bare:7.2f} s  ratio {boxed / bare:.3f}")
    ratio = statistics.median(b / u for b, u in paired)
    verdict = "within" if ratio <= 1.10 else "OVER"
    print(f"  median ratio {ratio:.3f} ({(ratio - 1) * 100:+.1f} %), {verdict} the 10 % budget")


def scores(outs: dict[str, Path], trainee: str) -> list[str]:
    """What each tool awarded one submission: a check that the race was like for like."""
    lines = []
    for label in (SANDBOXED, UNSANDBOXED):
        if label not in outs:
            continue
        with open(outs[label] / "gradebook.csv", encoding="utf-8-sig") as f:
            rows = [r for r in csv.DictReader(f) if trainee in json.dumps(r, ensure_ascii=False)]
        lines.append(f"{label}: {rows_score(rows)}")
    if "nbgrader autograde" in outs:
        files = sorted((outs["nbgrader autograde"] / "autograded" / trainee).rglob("*.ipynb"))
        lines.append(f"nbgrader: {nbgrader_score(files[0]) if files else 'no autograded notebook'}")
    if "otter" in outs:
        results = sorted((outs["otter"] / trainee).glob("*.json"))
        lines.append(f"otter: {otter_score(results[0]) if results else 'no results file'}")
    return lines


def rows_score(rows: list[dict]) -> str:
    for key in ("score", "points", "得分"):
        if rows and key in rows[0]:
            return f"{sum(float(r[key] or 0) for r in rows):g}"
    return f"{len(rows)} rows (columns: {', '.join(rows[0]) if rows else '-'})"


def nbgrader_score(path: Path) -> str:
    """Points of the test cells that ran without an error in the autograded notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    total = 0.0
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            total += float(meta.get("points", 0))
    return f"{total:g}"


def otter_score(path: Path) -> str:
    data = json.loads(path.read_text(encoding="utf-8"))
    tests = data.get("test_case_results") or data.get("tests") or []
    if isinstance(data.get("score"), (int, float)):
        return f"{data['score']:g}"
    return f"{sum(float(t.get('score', 0)) for t in tests):g}" if tests else json.dumps(data)[:200]


if __name__ == "__main__":
    main()
