"""Recently seen event ids, so a Slack retry of an event we already took does nothing.

Slack retries an event (``X-Slack-Retry-Num``) when it thinks our answer was late or
lost; it keeps the same ``event_id``. This remembers ids for a while in this process.
Across several processes the core's own de-duplication (``Who.event_id``) is the net.
"""

from __future__ import annotations

import time
from collections import OrderedDict


class RecentIds:
    def __init__(self, ttl: float = 3600.0, size: int = 100_000) -> None:
        self.ttl = ttl
        self.size = size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time ``key`` is offered within ``ttl``; records it."""
        now = time.monotonic()
        while self._seen:
            oldest, expires = next(iter(self._seen.items()))
            if expires > now and len(self._seen) < self.size:
                break
            del self._seen[oldest]
        if key in self._seen:
            return False
        self._seen[key] = now + self.ttl
        return True
