"""Meetings as iCalendar (.ics): one VEVENT per meeting carrying its RRULE in its own time
zone, EXDATE for cancelled occurrences, and an overriding VEVENT (same UID plus
RECURRENCE-ID) for each moved one, so calendar apps show the series as the bot does."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from tortoise.expressions import F

from bot.kernel.recurrence import local_start, place
from data.models import Community, Meeting, Occurrence

PRODID = "-//copbot//Communities of Practice//EN"


def _uid(meeting: Meeting) -> str:
    """Random per meeting (RFC 5545 wants UIDs unique across installations); meetings made
    before the column existed got one when migrating."""
    return meeting.ical_uid or f"meeting-{meeting.id}@copbot"


async def revise(meeting: Meeting | int, now: datetime) -> None:
    """Record that a meeting or one of its occurrences changed: calendar apps replace an
    event whose SEQUENCE went up, instead of keeping the old copy beside the new one."""
    meeting_id = meeting if isinstance(meeting, int) else meeting.id
    await Meeting.filter(id=meeting_id).update(sequence=F("sequence") + 1, revised_at=now)


def _base_event(meeting: Meeting, community_name: str) -> Event:
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("dtstamp", (meeting.revised_at or meeting.created_at).astimezone(UTC))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    description = community_name
    if meeting.agenda:
        description += "\n\n" + meeting.agenda
    event.add("description", description)
    event.add("duration", timedelta(minutes=meeting.duration_minutes))
    if meeting.location:
        event.add("location", meeting.location)
        if meeting.location.startswith(("https://", "http://")):
            event.add("url", meeting.location)
    return event


def _recur(rule: str, zone: str) -> vRecur:
    """The RRULE for the .ics: the stored UNTIL is a wall-clock time in the meeting's zone,
    but beside a DTSTART with a TZID, RFC 5545 wants UNTIL in UTC."""
    recur = vRecur.from_ical(rule)
    until = recur.get("UNTIL")
    if until:
        value = until[0]
        if isinstance(value, datetime) and value.tzinfo is None:
            recur["UNTIL"] = [place(value, zone).replace(second=value.second)]
    return recur


def meeting_events(
    meeting: Meeting, occurrences: Iterable[Occurrence], community_name: str
) -> list[Event]:
    """The VEVENTs of one meeting: the series, then one per moved occurrence."""
    zone = ZoneInfo(meeting.timezone)
    rows = sorted(occurrences, key=lambda row: row.original_start)
    series = _base_event(meeting, community_name)
    first = place(local_start(meeting.start_local), meeting.timezone).astimezone(zone)
    if meeting.rrule:
        series.add("dtstart", first)
        series.add("rrule", _recur(meeting.rrule, meeting.timezone))
        cancelled = [row.original_start.astimezone(zone) for row in rows if row.cancelled]
        if cancelled:
            series.add("exdate", cancelled)
        if meeting.cancelled:
            series.add("status", "CANCELLED")
    else:
        # a one-off meeting: its single occurrence row (if any) says where it really is
        row = rows[0] if rows else None
        series.add("dtstart", (row.starts_at if row else first).astimezone(zone))
        if meeting.cancelled or (row is not None and row.cancelled):
            series.add("status", "CANCELLED")
        return [series]
    events = [series]
    for row in rows:
        if row.cancelled or row.starts_at == row.original_start:
            continue
        moved = _base_event(meeting, community_name)
        moved.add("recurrence-id", row.original_start.astimezone(zone))
        moved.add("dtstart", row.starts_at.astimezone(zone))
        if meeting.cancelled:  # a moved occurrence of a cancelled series is cancelled too
            moved.add("status", "CANCELLED")
        if row.agenda:
            moved.add("comment", row.agenda)
        events.append(moved)
    return events


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


async def _rows_by_meeting(meetings: list[Meeting]) -> dict[int, list[Occurrence]]:
    rows: dict[int, list[Occurrence]] = {m.id: [] for m in meetings}
    if meetings:
        # only rows that change the calendar: cancelled or moved
        for row in await Occurrence.filter(meeting_id__in=list(rows)):
            rows[row.meeting_id].append(row)  # type: ignore[attr-defined]
    return rows


async def community_calendar(community: Community) -> bytes:
    """Every meeting of a community, with recurrences and exceptions, as .ics bytes."""
    meetings = await Meeting.filter(community=community).order_by("id")
    calendar = _calendar(community.name)
    rows = await _rows_by_meeting(meetings)
    for meeting in meetings:
        for event in meeting_events(meeting, rows[meeting.id], community.name):
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


async def meeting_calendar(meeting: Meeting) -> bytes:
    community = await Community.get(id=meeting.community_id)  # type: ignore[attr-defined]
    calendar = _calendar(meeting.title)
    rows = await _rows_by_meeting([meeting])
    for event in meeting_events(meeting, rows[meeting.id], community.name):
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
