"""Opt-in enforcement of Slack's rate-limit tiers (per method, per minute)."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque

from emulator import reference

# Calls per minute Slack allows for each tier ("t1" is 1+ per minute, and so on).
TIER_PER_MINUTE = {"t1": 1, "t2": 20, "t3": 50, "t4": 100}
# chat.postMessage (tier "t5", special): about one message per second per channel, with bursts.
POST_BURST = 3
POST_PER_SECOND = 1.0


class RateLimiter:
    """Sliding one-minute windows per method, and a token bucket per channel for posting."""

    def __init__(self) -> None:
        self._windows: dict[str, deque[float]] = defaultdict(deque)
        self._buckets: dict[str, tuple[float, float]] = {}

    def retry_after(self, method: str, channel: str | None = None) -> int | None:
        """Record a call; return seconds to wait when it exceeds the limit, else None."""
        now = time.monotonic()
        if method == "chat.postMessage" and channel:
            return self._post(channel, now)
        tier = (reference.spec(method) or {}).get("rate_limits")
        limit = TIER_PER_MINUTE.get(str(tier))
        if limit is None:
            return None
        window = self._windows[method]
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(60 - (now - window[0])))
        window.append(now)
        return None

    def _post(self, channel: str, now: float) -> int | None:
        tokens, last = self._buckets.get(channel, (float(POST_BURST), now))
        tokens = min(float(POST_BURST), tokens + (now - last) * POST_PER_SECOND)
        if tokens < 1:
            self._buckets[channel] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / POST_PER_SECOND))
        self._buckets[channel] = (tokens - 1, now)
        return None
