"""Expanding a meeting's recurrence on its wall clock.

A meeting keeps its local wall-clock start ("2027-05-29T16:30") and its IANA zone; the
recurrence (an RFC 5545 RRULE, read and written by ``bot.kernel.timewords``) is expanded
on that wall clock and each instance is only then placed in its zone, so a 16:30 meeting
stays at 16:30 local across daylight-saving changes and fires once (not twice) in the
repeated hour when clocks fall back.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.kernel.timewords.model import LOCAL_FORMAT

__all__ = ["LOCAL_FORMAT", "instants_between", "local_start", "next_instant", "place"]


# ---- expansion ----------------------------------------------------------------------


@lru_cache(maxsize=4096)
def local_start(start_local: str) -> datetime:
    """The meeting's wall-clock start. Cached: listing upcoming meetings expands each one
    in several windows, and ``strptime`` was a sixth of a ``meetings`` command's time."""
    return datetime.strptime(start_local, LOCAL_FORMAT)


def place(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as a UTC instant (a time in the spring-forward gap
    moves forward, one in the repeated hour takes its first pass)."""
    aware = local.replace(tzinfo=ZoneInfo(zone), fold=0)
    # round-trip so a non-existent wall time (02:30 on spring-forward day) becomes real
    return aware.astimezone(UTC).replace(second=0, microsecond=0)


def instants_between(
    start_local: str, zone: str, rule: str | None, start: datetime, end: datetime
) -> list[datetime]:
    """Every instance (UTC) of a meeting in [start, end)."""
    first = local_start(start_local)
    if not rule:
        instant = place(first, zone)
        return [instant] if start <= instant < end else []
    tz = ZoneInfo(zone)
    # expand on the naive wall clock with a day of slack each side (no zone is more than
    # 14 hours from UTC), then place each instance in its zone and keep the exact window
    low = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    high = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    series = rrulestr(rule, dtstart=first)
    found = []
    for local in series.between(max(low, first - timedelta(seconds=1)), high, inc=True):
        instant = place(local, zone)
        if start <= instant < end:
            found.append(instant)
    return found


def next_instant(start_local: str, zone: str, rule: str | None, after: datetime) -> datetime | None:
    """The first instance at or after ``after``, or None when the series is over."""
    first = local_start(start_local)
    if not rule:
        instant = place(first, zone)
        return instant if instant >= after else None
    series = rrulestr(rule, dtstart=first)
    probe = max(after.astimezone(ZoneInfo(zone)).replace(tzinfo=None) - timedelta(days=1), first)
    for local in series.xafter(probe, count=400, inc=True):
        instant = place(local, zone)
        if instant >= after:
            return instant
    return None
