"""Pacing for REST calls: a token bucket shared by every send of one bot.

Discord allows a bot about 50 requests a second overall (its "global" limit) and answers
429 beyond it. discord.py waits and retries after a 429, but a large direct-message
fan-out that only reacts to 429s keeps hitting the wall; spacing requests under the limit
gets the same fan-out through in the least time with (nearly) no 429s.
"""

from __future__ import annotations

import asyncio
import time

# how far behind its turn a start may be and still keep the schedule (catching up sends at
# most this many requests back to back)
LATE_TURNS = 2


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
        """Wait for this request's turn. Waiters take turns, each sleeping until its own
        start. A start later than its turn by more than ``LATE_TURNS`` intervals (the
        loop was held up: a slow statement, a busy machine) counts from when it really
        starts, so the requests queued meanwhile do not all leave at once: with every
        start computed up front, a 60 ms stall let ten out together and Discord's global
        bucket answered the tenth with a 429. Within that, the schedule keeps its pace:
        a timer's usual lateness is caught up, not added to every request."""
        async with self._lock:
            self._next = max(self._next, self._earliest())
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            started = time.monotonic() - LATE_TURNS * self.interval
            self._next = max(self._next, started) + self.interval

    def _earliest(self) -> float:
        """The earliest start now: after a quiet spell, up to ``burst`` at once."""
        return time.monotonic() - (self.burst - 1) * self.interval

    def pause(self, seconds: float) -> None:
        """Push every later request back (a 429 said we went too fast)."""
        self._next = max(self._next, time.monotonic() + seconds)
