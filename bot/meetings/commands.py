"""Meetings: schedule (one-off or recurring) and agenda items. Listing and RSVPs are in
``listing``, cancelling and moving in ``changes``.

A meeting keeps its local start and IANA zone plus an RRULE (``bot.kernel.recurrence``); its
occurrences are computed, and an ``Occurrence`` row is made only when something hangs
off one. The announcement and reminders are sent by the scheduler's meetings planner,
which reads the same tables: nothing here has to tell the scheduler anything.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from bot.kernel.args import CommunityArg
from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.messages import BulletList, Mention, Message, Note, Paragraph, Strong, Text
from bot.kernel.occurrences import occurrence_at, upcoming_of
from bot.kernel.recurrence import next_instant, place
from bot.kernel.registry import Arg, button, command
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from bot.meetings import duplicates
from bot.meetings.details import parse_details
from bot.meetings.effects import mirror_native_event
from bot.meetings.finding import MeetingRef
from bot.meetings.listing import ensure_calendar_token
from bot.meetings.picking import next_of, occurrence_row, when_text
from bot.meetings.timing import short_local, understood
from data.models import AgendaItem, Meeting

MAX_TITLE, MAX_LOCATION = 200, 500
DEFAULT_MINUTES = 60


@command(
    "meeting schedule",
    usage="meeting schedule <community> <when> [at <link or place>] [title]",
    examples=[
        "meeting schedule python every Tuesday at 12:30 Lunch chat",
        "meeting schedule python tomorrow 3pm to 4:30pm at Room 204 — Workshop",
        "meeting schedule python chaque mardi à 12 h 30 Dîner causerie",
        "meeting schedule python le premier lundi du mois de 9 h à 10 h à https://meet.jit.si/py "
        "Café",
    ],
    role="coordinator",
)
async def schedule_meeting(
    ctx: Ctx,
    community: CommunityArg,
    details: Annotated[
        str,
        Arg(
            N_("when (e.g. every Tuesday at 12:30), then optionally at <link or place>, the title"),
            kind="text",
            max_length=800,
        ),
    ],
) -> Message:
    """Schedule a meeting, once or recurring, in your time zone"""
    found = community
    now = ctx.clock.now()
    parsed = parse_details(details, ctx.timezone, now)
    if isinstance(parsed, Question):
        arguments = {"community": found.name, "details": details}
        return await ask(ctx, parsed, "meeting schedule", arguments, "details")
    reading = parsed.reading
    title = parsed.title or ctx.tr("{community} meeting", community=found.name)
    if len(title) > MAX_TITLE:
        raise UserError(
            "That {name} is too long (at most {limit} characters).", name="title", limit=MAX_TITLE
        )
    if len(parsed.location) > MAX_LOCATION:
        raise UserError(
            "That {name} is too long (at most {limit} characters).",
            name="location",
            limit=MAX_LOCATION,
        )
    rrule = reading.rule.rrule if reading.rule else None
    first = (
        next_instant(reading.start_local, reading.zone, rrule, now)
        if rrule
        else place(reading.start, reading.zone)
    )
    if first is None:
        raise UserError(N_("That repeat never happens after its start."))
    same = await duplicates.identical_meeting(found, title, reading.start_local, reading.zone)
    if same is not None and duplicates.CONFIRMED not in ctx.confirmed:
        return await duplicates.warn_identical(ctx, same, found, details)
    meeting = await Meeting.create(
        community=found,
        title=title,
        start_local=reading.start_local,
        timezone=reading.zone,
        duration_minutes=reading.duration or DEFAULT_MINUTES,
        rrule=rrule,
        location=parsed.location,
        created_by=ctx.member,
        created_at=now,
    )
    # the calendar feed's token is made with the first meeting, so `meetings` only reads
    await ensure_calendar_token(ctx.workspace)
    # what was read, said back with its length so that a misreading shows at once
    echo = understood(reading.start, replace(reading, duration=meeting.duration_minutes), ctx.tr)
    reply = Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Scheduled “{title}” for {community} (#{number}).",
                title=title,
                community=found.name,
                number=meeting.id,
            )
        ),
        Paragraph(ctx.tr.spans("I understood: {when}", when=Strong(echo))),
    )
    if rrule:
        upcoming = await upcoming_of([meeting], now, limit=3)
        dates = ", ".join(short_local(item.starts_at, ctx.timezone, ctx.tr) for item in upcoming)
        reply.add(Note(ctx.tr.spans(N_("Next: {dates}"), dates=dates)))
    await mirror_native_event(ctx, meeting, found)
    if not found.home_channel_id:
        reply.add(
            Note(
                ctx.tr.spans(
                    "“{community}” has no home channel, so no announcement or "
                    "channel reminder will be posted. Run `community bind "
                    "{community}` in its channel.",
                    community=found.name,
                )
            )
        )
    reply.add(
        Note(
            ctx.tr.spans(
                "Not what you meant? `meeting cancel {number} all`, then schedule it again.",
                number=meeting.id,
            )
        )
    )
    return reply


@button(duplicates.KEEP_BOTH)
async def press_keep_both(
    ctx: Ctx, token: Annotated[str, Arg(N_("the offer"), kind="word", max_length=64)]
) -> Message:
    """The coordinator keeps a second meeting identical to an existing one."""
    community, details = await duplicates.take_offer(ctx, token)
    return await schedule_meeting(ctx, community=community, details=details)


@command(
    "agenda",
    usage="agenda <meeting> <item>",
    examples=[
        'agenda "Python hour" Share your grading scripts',
        "agenda 12 Welcome the new members",
    ],
    role="member",
)
async def add_agenda(
    ctx: Ctx,
    meeting: MeetingRef,
    item: Annotated[str, Arg(N_("the agenda item"), kind="text", max_length=300)] = "",
) -> Message:
    """Add an item to the agenda of a meeting's next occurrence"""
    found, original, community = meeting.meeting, meeting.original, meeting.community
    text = (item or "").strip()
    if not text:
        raise UserError("Say what to add: `agenda <meeting> <item>`.")
    if original is not None:
        upcoming = await occurrence_at(found, original)
        if upcoming is None or upcoming.cancelled or upcoming.starts_at <= ctx.clock.now():
            upcoming = await next_of(ctx, found)
    else:
        upcoming = await next_of(ctx, found)
    row = await occurrence_row(upcoming)
    await AgendaItem.create(occurrence=row, member=ctx.member, text=text[:300], at=ctx.clock.now())
    if community.home_channel_id and row.thread_ref:
        note = Message().add(
            Paragraph(
                ctx.tr.spans(
                    "Agenda item from {member}: {item}",
                    member=Mention(ctx.member.external_id, ctx.member.display_name),
                    item=Text(text),
                )
            )
        )
        await ctx.post(community.home_channel_id, note, thread=row.thread_ref)
    items = (
        await AgendaItem.filter(occurrence=row).order_by("at", "id").values_list("text", flat=True)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Added to the agenda of “{title}” on {when}:",
                title=found.title,
                when=when_text(ctx, upcoming.starts_at),
            )
        ),
        BulletList(tuple((Text(str(line)),) for line in items)),
    )
