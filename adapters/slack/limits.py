"""Slack's rate limits, kept on our side so we rarely meet a 429.

Slack limits each Web API method per workspace by *tier* (1: about 1 call a minute,
2: 20, 3: 50, 4: 100, each allowing short bursts) and, for ``chat.postMessage``, to about
one message per second per channel. A 429's ``Retry-After`` pauses the method (or the
channel) for everyone waiting, not just the call that met it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
# the methods copbot calls; chat.postMessage is Slack's "special" tier (per channel)
METHOD_TIERS = {
    "auth.test": 4,
    "users.info": 4,
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.replies": 3,
    "chat.postEphemeral": 4,
    "chat.update": 3,
    "views.open": 4,
    "views.update": 4,
    "views.publish": 4,
}
# chat.postMessage has no published workspace-wide figure; this keeps a fan-out to many
# channels flowing while the per-channel pace does the real limiting
POST_MESSAGE_PER_MINUTE = 600
CHANNEL_METHODS = ("chat.postMessage",)


@dataclass(frozen=True)
class SlackLimits:
    """Time-outs, retries and pacing. Tests shrink them; production keeps the defaults."""

    timeout: float = 10.0  # seconds for one Web API request
    max_attempts: int = 5  # per call, counting 429s, 5xx and time-outs
    backoff_base: float = 0.5  # first retry delay after a 5xx or time-out, doubled each time
    backoff_max: float = 10.0
    max_retry_after: float = 300.0  # never wait longer than this on one Retry-After
    channel_interval: float = 1.0  # between two posts to one channel
    burst_fraction: float = 1 / 3  # a bucket holds this share of a minute's calls
    view_deadline: float = 2.5  # a modal submission waits this long for the core's answer
    # a slash command's reply ready this soon goes in the ack itself (one HTTP exchange);
    # later ones go to the response_url. Slack allows 3 s for the ack: this keeps a margin
    reply_in_ack: float = 0.5
    concurrency: int = 64  # requests worked on at once after their ack
    drain_timeout: float = 10.0  # on stop, how long unfinished work may take


class Bucket:
    """A token bucket that several callers wait on in turn."""

    def __init__(self, per_minute: float, burst: float) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, burst)
        self.tokens = self.capacity
        self.updated = time.monotonic()
        self.paused_until = 0.0
        self.lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, time.monotonic() + seconds)

    async def take(self) -> None:
        async with self.lock:
            while True:
                now = time.monotonic()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                paused = self.paused_until - now
                if paused <= 0 and self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep(max(paused, (1 - self.tokens) / self.rate, 0.001))


@dataclass
class ChannelPace:
    """At most one post per ``interval`` to one channel."""

    interval: float
    next_at: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def pause(self, seconds: float) -> None:
        self.next_at = max(self.next_at, time.monotonic() + seconds)

    async def take(self) -> None:
        async with self.lock:
            # re-checked after each sleep: a Retry-After may have pushed next_at meanwhile
            while True:
                wait = self.next_at - time.monotonic()
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self.next_at = time.monotonic() + self.interval


class RateLimiter:
    def __init__(self, limits: SlackLimits) -> None:
        self.limits = limits
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._channels: dict[tuple[str, str], ChannelPace] = {}

    def _bucket(self, workspace_id: str, method: str) -> Bucket:
        key = (workspace_id, method)
        bucket = self._buckets.get(key)
        if bucket is None:
            if method == "chat.postMessage":
                per_minute = float(POST_MESSAGE_PER_MINUTE)
            else:
                per_minute = float(TIER_PER_MINUTE[METHOD_TIERS.get(method, 3)])
            bucket = Bucket(per_minute, per_minute * self.limits.burst_fraction)
            self._buckets[key] = bucket
        return bucket

    def _channel(self, workspace_id: str, channel_id: str) -> ChannelPace:
        key = (workspace_id, channel_id)
        pace = self._channels.get(key)
        if pace is None:
            if len(self._channels) > 10_000:
                self._forget_idle_channels()
            pace = ChannelPace(self.limits.channel_interval)
            self._channels[key] = pace
        return pace

    def _forget_idle_channels(self) -> None:
        now = time.monotonic()
        for key, pace in list(self._channels.items()):
            if pace.next_at < now and not pace.lock.locked():
                del self._channels[key]

    async def acquire(self, workspace_id: str, method: str, channel_id: str | None) -> None:
        # the channel's pace is taken last, right before the request leaves: a post that
        # passed the channel's gate and then queued for the workspace's bucket would go out
        # without seeing a Retry-After that another post to the channel met meanwhile
        await self._bucket(workspace_id, method).take()
        if channel_id and method in CHANNEL_METHODS:
            await self._channel(workspace_id, channel_id).take()

    def pause(self, workspace_id: str, method: str, channel_id: str | None, seconds: float) -> None:
        """Honour a Retry-After: for the channel when the method is paced per channel,
        otherwise for the method in the whole workspace."""
        if channel_id and method in CHANNEL_METHODS:
            self._channel(workspace_id, channel_id).pause(seconds)
        else:
            self._bucket(workspace_id, method).pause(seconds)
