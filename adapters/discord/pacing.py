"""Pacing for REST calls: a token bucket shared by every send of one bot.

Discord allows a bot about 50 requests a second overall (its "global" limit) and answers
429 beyond it. discord.py waits and retries after a 429, but a large direct-message
fan-out that only reacts to 429s keeps hitting the wall; spacing requests under the limit
gets the same fan-out through in the least time with (nearly) no 429s.
"""

from __future__ import annotations

import asyncio
import time


class Pacer:
    def __init__(self, per_second: float, burst: int = 1) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self.burst = max(1, burst)
        # the instant the next request may start; a burst may run ahead of it
        self._next = time.monotonic()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Wait for this request's turn."""
        async with self._lock:
            now = time.monotonic()
            earliest = now - (self.burst - 1) * self.interval
            self._next = max(self._next, earliest)
            delay = self._next - now
            self._next += self.interval
        if delay > 0:
            await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Push every later request back (a 429 said we went too fast)."""
        self._next = max(self._next, time.monotonic() + seconds)
