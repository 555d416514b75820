"""Which occurrence of a meeting a command means (its next one, or the one on a day a
coordinator names), and how its time reads to the member.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, UserError
from bot.kernel.occurrences import (
    Upcoming,
    occurrence_at,
    occurrences_between,
    parse_occurrence_key,
    upcoming_of,
)
from bot.meetings.timing import day_or_ask, local_text
from data.models import Meeting, Occurrence


async def occurrence_row(item: Upcoming) -> Occurrence:
    if item.occurrence is not None:
        return item.occurrence
    row, _ = await Occurrence.get_or_create(
        meeting=item.meeting,
        original_start=item.original_start,
        defaults={"starts_at": item.starts_at},
    )
    return row


async def next_of(ctx: Ctx, meeting: Meeting) -> Upcoming:
    if meeting.cancelled:
        raise UserError("“{title}” has been cancelled.", title=meeting.title)
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=1)
    if not upcoming:
        raise UserError("“{title}” has no upcoming occurrence.", title=meeting.title)
    return upcoming[0]


def when_text(ctx: Ctx, instant: datetime) -> str:
    return local_text(instant, ctx.timezone, ctx.tr)


async def next_dates(ctx: Ctx, meeting: Meeting) -> str:
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=3)
    zone = ZoneInfo(ctx.timezone)
    return ", ".join(item.starts_at.astimezone(zone).date().isoformat() for item in upcoming) or "—"


async def named_occurrence(meeting: Meeting, original: datetime, name: str) -> Upcoming:
    """The occurrence a reference names (a button's, ``#12@2027-05-31``); ``NotFound``,
    naming it as ``name``, when the meeting has none then."""
    found = await occurrence_at(meeting, original)
    if found is None:
        raise NotFound(
            "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
            name=name,
        )
    return found


async def date_needed(ctx: Ctx, meeting: Meeting) -> UserError:
    """The error for a repeating meeting named without the date of an occurrence."""
    return UserError(
        "“{title}” repeats: say which date, or `all` for the series. Next ones: {dates}.",
        title=meeting.title,
        dates=await next_dates(ctx, meeting),
    )


async def occurrence_on(ctx: Ctx, meeting: Meeting, text: str) -> Upcoming:
    """The occurrence a coordinator means by a date ("2027-05-29", "May 29", "next
    Monday"), read in their zone; matched against each occurrence's local date in the
    coordinator's zone or the meeting's."""
    key = parse_occurrence_key(text)
    if key is not None and key[0] == meeting.id:
        return await named_occurrence(meeting, key[1], text[:60])
    day = _read_day(ctx, text)
    now = ctx.clock.now()
    # search a window around that day, wide enough for any zone difference
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    candidates = await occurrences_between(
        [meeting], start, start + timedelta(days=3), include_cancelled=True
    )
    for item in candidates:
        for zone in (ctx.timezone, meeting.timezone):
            local = item.original_start.astimezone(ZoneInfo(zone)).date()
            moved_local = item.starts_at.astimezone(ZoneInfo(zone)).date()
            if day in (local, moved_local) and item.starts_at >= now - timedelta(hours=12):
                return item
    raise UserError(
        "“{title}” has no occurrence on {day}. Next ones: {dates}.",
        title=meeting.title,
        day=day.isoformat(),
        dates=await next_dates(ctx, meeting),
    )


def _read_day(ctx: Ctx, text: str) -> date:
    """The day a coordinator names, in either language; a date that reads two ways raises
    ``TimeQuestion`` for the command to ask."""
    return day_or_ask(text, ctx.clock.now(), ctx.timezone)
