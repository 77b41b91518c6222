"""A token bucket per trainee: a kernel flooding events is cut off without slowing anyone else."""
from __future__ import annotations

import time


class RateLimit:
    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, who: str, cost: float = 1.0, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.get(who, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < cost:
            self.buckets[who] = (tokens, now)
            return False
        self.buckets[who] = (tokens - cost, now)
        return True
