"""Questions other areas ask about meetings (kept apart so they don't import the whole
meetings area): which occurrences fall in a window, once cancellations and moves are
applied, and when a community next meets.

An occurrence is identified by its meeting and the instant its recurrence rule gives
(``original_start``); an ``Occurrence`` row exists only once something hangs off it (an
RSVP, an agenda item, a cancellation, a move, the announcement's thread).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q

from bot.kernel.recurrence import LOCAL_FORMAT, instants_between
from data.meeting_reads import meetings_of, occurrences_in
from data.models import Community, Meeting, Occurrence

KEY_FORMAT = "%Y%m%dT%H%MZ"


@dataclass(frozen=True)
class Upcoming:
    """One occurrence of a meeting, where it actually is."""

    meeting: Meeting
    original_start: datetime  # UTC, from the rule: the identity
    starts_at: datetime  # UTC, where it is (differs when moved)
    occurrence: Occurrence | None

    @property
    def cancelled(self) -> bool:
        return self.meeting.cancelled or bool(self.occurrence and self.occurrence.cancelled)

    @property
    def moved(self) -> bool:
        return self.starts_at != self.original_start

    @property
    def key(self) -> str:
        """Short and stable: used in button values and delivery subjects."""
        return occurrence_key(self.meeting.id, self.original_start)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.meeting.duration_minutes)


def is_number(text: str) -> bool:
    """An id typed or sent by a member: ASCII digits only ("¹".isdigit() is True), and short
    enough for an integer column."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def community_id_of(meeting: Meeting) -> int:
    """The meeting's community id, without loading the community."""
    return int(meeting.community_id)  # type: ignore[attr-defined]


def occurrence_key(meeting_id: int, original_start: datetime) -> str:
    return f"{meeting_id}@{original_start.astimezone(UTC).strftime(KEY_FORMAT)}"


def parse_occurrence_key(key: str) -> tuple[int, datetime] | None:
    meeting_part, _, when = key.partition("@")
    if not is_number(meeting_part):
        return None
    try:
        instant = datetime.strptime(when, KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(meeting_part), instant


def _local_bounds(start: datetime, end: datetime) -> tuple[str, str]:
    """Local-start text bounds that surely contain every one-off meeting in [start, end):
    no zone is more than 14 hours from UTC, so a day of slack each side is enough."""
    return (
        (start - timedelta(days=1)).strftime(LOCAL_FORMAT),
        (end + timedelta(days=1)).strftime(LOCAL_FORMAT),
    )


async def meetings_touching(
    start: datetime, end: datetime, *, community_ids: Iterable[int] | None = None
) -> list[Meeting]:
    """Meetings that may have an occurrence in [start, end): recurring series begun
    before its end, one-off meetings near it, and meetings with an occurrence moved
    into it. The cheap filter keeps 100,000 far-future one-off meetings out of memory."""
    low, high = _local_bounds(start, end)
    query = Meeting.filter(cancelled=False, community__archived=False).filter(
        Q(rrule__isnull=False, start_local__lt=high) | Q(start_local__gte=low, start_local__lt=high)
    )
    moved_in = Occurrence.filter(starts_at__gte=start, starts_at__lt=end).filter(
        meeting__cancelled=False
    )
    if community_ids is not None:
        ids = list(community_ids)
        query = query.filter(community_id__in=ids)
        moved_in = moved_in.filter(meeting__community_id__in=ids)
    meetings = {m.id: m for m in await query}
    extra = set(await moved_in.values_list("meeting_id", flat=True)) - set(meetings)  # type: ignore[arg-type]
    if extra:
        for meeting in await Meeting.filter(id__in=extra):
            meetings[meeting.id] = meeting
    return list(meetings.values())


async def occurrences_between(
    meetings: list[Meeting],
    start: datetime,
    end: datetime,
    *,
    include_cancelled: bool = False,
) -> list[Upcoming]:
    """Every occurrence of ``meetings`` that starts in [start, end), sorted by start,
    with cancellations and moves applied."""
    if not meetings:
        return []
    by_id = {m.id: m for m in meetings}
    rows = await occurrences_in(list(by_id), start, end)
    overrides = {(row.meeting_id, row.original_start.astimezone(UTC)): row for row in rows}  # type: ignore[attr-defined]
    found: dict[tuple[int, datetime], Upcoming] = {}
    for meeting in meetings:
        for instant in instants_between(
            meeting.start_local, meeting.timezone, meeting.rrule, start, end
        ):
            row = overrides.get((meeting.id, instant))
            starts = row.starts_at.astimezone(UTC) if row else instant
            found[(meeting.id, instant)] = Upcoming(meeting, instant, starts, row)
    for (meeting_id, original), row in overrides.items():
        if (meeting_id, original) not in found:
            # moved in from outside the window
            found[(meeting_id, original)] = Upcoming(
                by_id[meeting_id], original, row.starts_at.astimezone(UTC), row
            )
    result = [
        item
        for item in found.values()
        if start <= item.starts_at < end and (include_cancelled or not item.cancelled)
    ]
    return sorted(result, key=lambda item: (item.starts_at, item.meeting.id))


async def occurrence_at(meeting: Meeting, original_start: datetime) -> Upcoming | None:
    """The occurrence of ``meeting`` whose rule instant is ``original_start`` (or None when
    the rule has no such instance)."""
    original_start = original_start.astimezone(UTC)
    instants = instants_between(
        meeting.start_local,
        meeting.timezone,
        meeting.rrule,
        original_start,
        original_start + timedelta(minutes=1),
    )
    if original_start not in instants:
        return None
    row = await Occurrence.get_or_none(meeting=meeting, original_start=original_start)
    starts = row.starts_at.astimezone(UTC) if row else original_start
    return Upcoming(meeting, original_start, starts, row)


async def upcoming_of(
    meetings: list[Meeting], now: datetime, *, limit: int = 10, within: timedelta | None = None
) -> list[Upcoming]:
    """The next occurrences of these meetings (not cancelled), soonest first. Looks ahead
    in growing windows so a monthly meeting is found without expanding years at once."""
    span = timedelta(days=14)
    horizon = within or timedelta(days=400)
    found: list[Upcoming] = []
    start = now
    while start < now + horizon and len(found) < limit:
        end = min(start + span, now + horizon)
        found += await occurrences_between(meetings, start, end)
        start, span = end, span * 2
    return found[:limit]


async def next_occurrence_start(community: Community, now: datetime) -> datetime | None:
    """When the community's next meeting starts, or None."""
    meetings = await Meeting.filter(community=community, cancelled=False)
    soonest = await upcoming_of(meetings, now, limit=1)
    return soonest[0].starts_at if soonest else None


async def next_occurrence_starts(community_ids: list[int], now: datetime) -> dict[int, datetime]:
    """When each of these communities next meets (those with no meeting ahead are left out):
    one query for their meetings, then growing windows as in ``upcoming_of``, over them all
    at once rather than once per community."""
    meetings = await meetings_of(community_ids)
    waiting = {community_id_of(m) for m in meetings}
    found: dict[int, datetime] = {}
    span, start, horizon = timedelta(days=14), now, now + timedelta(days=400)
    while start < horizon and waiting:
        end = min(start + span, horizon)
        pending = [m for m in meetings if community_id_of(m) in waiting]
        for item in await occurrences_between(pending, start, end):
            community_id = community_id_of(item.meeting)
            if community_id in waiting:  # sorted by start: the first is the soonest
                found[community_id] = item.starts_at
                waiting.discard(community_id)
        start, span = end, span * 2
    return found
