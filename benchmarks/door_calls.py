"""What the door's keyword check (course.core.keywords) costs a call: the same function called
directly and through ``from course import …``, side by side: the check alone (a function that
does nothing), a cheap door function, and RFM at the lesson's data size.

usage: .venv/bin/python benchmarks/door_calls.py [--rounds 7]
"""
from __future__ import annotations

import argparse
import functools
import importlib
import statistics
import timeit

from _common import interleave

import course
from course import load
from course.core.keywords import checked


def noop(x, *, flag=False):
    return x


def per_call(function, args, kwargs, number):
    """Seconds per call (best of three timeit runs of ``number`` calls)."""
    return min(timeit.repeat(lambda: function(*args, **kwargs), number=number, repeat=3)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    cases = [  # title, owner, args, kwargs, calls per timing, unit scale
        ("noop", "µs", __name__, (1,), {"flag": True}, 100000, 1e6),  # the check's cost alone
        ("simple_clv", "µs", "course.clv", (1000.0, 0.8, 0.1), {"years": 10}, 500, 1e6),
        ("rfm_table", "ms", "course.rfm", (load("orders"),), {"as_of": "2025-01-01"}, 5, 1e3),
    ]
    for name, unit, module, args, kwargs, number, scale in cases:
        direct = getattr(importlib.import_module(module), name)
        door = checked(direct) if module == __name__ else getattr(course, name)
        times = interleave({
            "direct": functools.partial(per_call, direct, args, kwargs, number),
            "through the door": functools.partial(per_call, door, args, kwargs, number),
        }, rounds)
        print(f"{name}, keyword arguments {sorted(kwargs)}: median per call ({unit}), ratio, runs")
        base = statistics.median(times["direct"])
        for label, values in times.items():
            median = statistics.median(values)
            runs = " ".join(f"{v * scale:.2f}" for v in values)
            print(f"  {label:<18}{median * scale:>10.2f}{median / base:>7.3f}  {runs}")
        print()

if __name__ == "__main__":
    main()
