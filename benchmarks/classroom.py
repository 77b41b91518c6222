"""Classroom load: N simulated trainees (default 30) through a real hub on this machine.

Measures, side by side with the issue's goals: time until every trainee has a usable server, memory
per trainee (PSS and RSS of everything their Unix account runs: single-user server + kernel), the
latency of check() events until the trainer's view shows them (p50/p95), and the dashboard's
response time (overview and progress JSON) with the whole class in it.

    .venv/bin/python benchmarks/classroom.py [--trainees 30] [--exercise 00-service-numbers] [--variants 30]

It also says where the CPU went during the class (trainee servers, kernels, hub, service, proxy and
this simulating client, which runs on the same machine), from /proc of the processes still running.
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import resource
import statistics
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from course.classroom.launch import LocalClassroom  # noqa: E402
from course.classroom.simulate import Hub, simulate  # noqa: E402

GOALS = {"ready_all_s": 60.0, "pss_mb_per_trainee": 250.0, "event_p95_ms": 1000.0}


def memory_by_uid(uids: set[int]) -> dict[int, dict[str, float]]:
    """PSS and RSS (MB) of every process of each uid, from /proc/<pid>/smaps_rollup."""
    totals = {uid: {"pss": 0.0, "rss": 0.0, "processes": 0} for uid in uids}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            uid = proc.stat().st_uid
            if uid not in totals:
                continue
            fields = {}
            for line in (proc / "smaps_rollup").read_text().splitlines()[1:]:
                key, value = line.split(":", 1)
                fields[key] = int(value.split()[0]) / 1024
        except (OSError, ValueError):
            continue
        totals[uid]["pss"] += fields.get("Pss", 0.0)
        totals[uid]["rss"] += fields.get("Rss", 0.0)
        totals[uid]["processes"] += 1
    return totals


KINDS = (("course.classroom.singleuser", "trainee servers"), ("jupyterhub.singleuser", "trainee servers"),
         ("ipykernel", "kernels"), ("classroom serve", "hub"), ("course.classroom.service", "classroom service"),
         ("configurable-http-proxy", "proxy"), ("idle_culler", "idle culler"))


def cpu_by_kind(root: int) -> dict[int, tuple[str, float]]:
    """pid -> (kind, CPU seconds so far) of every process the classroom ``root`` started, however
    deep (/proc/<pid>/stat utime+stime); other people's processes on the machine are left out."""
    tick = os.sysconf("SC_CLK_TCK")
    seen = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[int(proc.name)] = (command, int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)

    def under_root(pid: int) -> bool:
        while pid in seen and pid != root:
            pid = seen[pid][1]
        return pid == root

    found = {}
    for pid, (command, _, seconds) in seen.items():
        kind = next((name for key, name in KINDS if key in command), None)
        if kind and under_root(pid):
            found[pid] = (kind, seconds)
    return found


def cpu_spent(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each kind of process spent between two snapshots (processes still running)."""
    spent: dict[str, float] = {}
    for pid, (kind, seconds) in after.items():
        spent[kind] = spent.get(kind, 0.0) + seconds - before.get(pid, (kind, 0.0))[1]
    return {kind: round(value, 1) for kind, value in sorted(spent.items(), key=lambda kv: -kv[1])}


def timed_gets(url: str, token: str, params: dict, rounds: int = 30) -> list[float]:
    http = requests.Session()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        http.get(url, params=params, headers={"Authorization": f"token {token}"}, timeout=30).raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return times


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--exercise", default="00-service-numbers")
    parser.add_argument("--variants", type=int, default=30, help="the class's variant count (classroom serve --variants)")
    parser.add_argument("--out", type=Path, default=HERE.parent / ".bench" / "classroom.json")
    args = parser.parse_args(argv)

    from course.classroom.variants import prepare

    prepare(args.variants)  # `classroom prepare` before class (reference answers per variant): not timed
    room = LocalClassroom(extra_env={"COURSE_CLASSROOM_VARIANTS": str(args.variants)})
    os.environ.update({"COURSE_CLASS_CODE": room.code, "COURSE_TRAINER_PASSWORD": room.trainer_password})
    started = time.time()
    room.start()
    hub_start = time.time() - started
    try:
        cpu_before, client_before = cpu_by_kind(room.proc.pid), resource.getrusage(resource.RUSAGE_SELF)
        started = time.time()
        report = simulate(room.url, args.trainees, args.exercise, prefix="压测")
        class_wall = time.time() - started
        client = resource.getrusage(resource.RUSAGE_SELF)
        cpu = cpu_spent(cpu_before, cpu_by_kind(room.proc.pid))
        # simulate's own threads (one per trainee's browser, and the trainer's watcher) share the cores
        cpu["simulate client (this process)"] = round(client.ru_utime + client.ru_stime - client_before.ru_utime
                                                      - client_before.ru_stime, 1)
        time.sleep(2)  # let the kernels settle after their last cell
        uids = {pwd.getpwnam(a).pw_uid for a in room.accounts()}
        memory = memory_by_uid(uids)
        trainer = Hub(room.url)
        trainer.login("trainer", room.trainer_password)
        token = trainer.token("trainer")
        base = f"{room.url}/services/classroom/api"
        overview = timed_gets(f"{base}/overview", token, {"exercise": args.exercise})
        progress = timed_gets(f"{base}/progress", token, {"exercise": args.exercise})
        questions = len(requests.get(f"{base}/progress", params={"exercise": args.exercise},
                                     headers={"Authorization": f"token {token}"}, timeout=30).json()
                        ["trainees"][0]["questions"])
    finally:
        room.stop()
        room.cleanup()

    pss = [m["pss"] for m in memory.values() if m["processes"]]
    rss = [m["rss"] for m in memory.values() if m["processes"]]
    lat = report["event_latency_ms"]
    result = {
        "trainees": args.trainees, "questions": questions, "exercise": args.exercise,
        "variants": args.variants, "hub_start_s": round(hub_start, 1),
        "class_wall_s": round(class_wall, 1), "cpu_s": cpu, "cpu_s_total": round(sum(cpu.values()), 1),
        "ready_all_s": report["ready_all_s"], "ready_median_s": report["ready_median_s"],
        "pss_mb_per_trainee_mean": round(statistics.mean(pss), 1) if pss else None,
        "pss_mb_per_trainee_max": round(max(pss), 1) if pss else None,
        "rss_mb_per_trainee_mean": round(statistics.mean(rss), 1) if rss else None,
        "events": len(lat), "event_p50_ms": round(pct(lat, 0.5), 1) if lat else None,
        "event_p95_ms": round(pct(lat, 0.95), 1) if lat else None,
        "dashboard_overview_ms_median": round(statistics.median(overview), 1),
        "progress_json_ms_median": round(statistics.median(progress), 1),
        "submitted": report["submitted"], "errors": report["errors"][:10],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = [
        ("all trainees ready (s)", result["ready_all_s"], GOALS["ready_all_s"]),
        ("PSS per trainee, server+kernel (MB)", result["pss_mb_per_trainee_mean"], GOALS["pss_mb_per_trainee"]),
        ("event latency p95 (ms)", result["event_p95_ms"], GOALS["event_p95_ms"]),
    ]
    print(f"classroom: {args.trainees} trainees, exercise {args.exercise} ({questions} questions)")
    print(f"{'measure':<40}{'measured':>12}{'goal':>10}{'ratio':>8}")
    for label, value, goal in rows:
        ratio = f"{value / goal:.2f}" if value is not None else "—"
        print(f"{label:<40}{value!s:>12}{goal:>10}{ratio:>8}")
    print(f"{'ready median (s)':<40}{result['ready_median_s']!s:>12}")
    print(f"{'RSS per trainee (MB, counts shared pages)':<40}{result['rss_mb_per_trainee_mean']!s:>12}")
    print(f"{'event latency p50 (ms)':<40}{result['event_p50_ms']!s:>12}")
    print(f"{'dashboard overview (ms, median)':<40}{result['dashboard_overview_ms_median']!s:>12}")
    print(f"{'progress JSON (ms, median)':<40}{result['progress_json_ms_median']!s:>12}")
    print(f"{'hub start (s)':<40}{result['hub_start_s']!s:>12}")
    print(f"{'whole class, first login to last submit (s)':<40}{result['class_wall_s']!s:>12}")
    print(f"CPU seconds during the class ({result['cpu_s_total']} in all, {os.cpu_count()} cores):")
    for kind, seconds in cpu.items():
        print(f"  {kind:<38}{seconds:>12}{seconds / args.trainees:>10.2f} per trainee")
    print(f"submitted {result['submitted']}/{args.trainees}; errors: {result['errors'] or 'none'}")
    print(json.dumps(result, ensure_ascii=False))
    return 0 if not report["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
