"""Refuse one more trainee when the machine would run out of memory, instead of letting the kernel
OOM-killer take down servers that are already running."""
from __future__ import annotations

from pathlib import Path


def available_mb(meminfo: Path = Path("/proc/meminfo")) -> float | None:
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def too_little_memory(reserve_mb: float, meminfo: Path = Path("/proc/meminfo")) -> float | None:
    """The MB available when it is below ``reserve_mb`` (one more trainee would not fit), else None."""
    free = available_mb(meminfo)
    return free if free is not None and free < reserve_mb else None
