"""Meetings: schedule (one-off or recurring), list, RSVP, cancel, move, agenda.

A meeting keeps its local start and IANA zone plus an RRULE (``bot.kernel.recurrence``); its
occurrences are computed, and an ``Occurrence`` row is made only when something hangs
off one. The announcement and reminders are sent by the scheduler's meetings planner,
which reads the same tables: nothing here has to tell the scheduler anything.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.kernel.args import CommunityArg, MaybeCommunity
from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import N_, Translator, translator_for
from bot.kernel.lookups import community_language, my_communities
from bot.kernel.messages import (
    Attachment,
    BulletList,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
)
from bot.kernel.occurrences import (
    Upcoming,
    community_id_of,
    occurrence_at,
    occurrences_between,
    parse_occurrence_key,
    upcoming_of,
)
from bot.kernel.recurrence import next_instant, place
from bot.kernel.registry import Arg, button, command
from bot.kernel.settings import Settings
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from bot.kernel.timewords.lexicon import fold
from bot.meetings import duplicates
from bot.meetings.calendar_ics import community_calendar, revise
from bot.meetings.details import parse_details
from bot.meetings.effects import queue_native_event, queue_tell
from bot.meetings.finding import MeetingRef
from bot.meetings.native_events import MeetingEvent
from bot.meetings.posts import (
    RSVP_ACTION,
    cancelled_message,
    moved_message,
    occurrence_block,
    occurrence_details,
    told_spans,
)
from bot.meetings.timing import (
    Move,
    TimeQuestion,
    day_or_ask,
    local_text,
    moved_start,
    short_local,
    split_move,
    understood,
)
from data.models import AgendaItem, Community, Meeting, Member, Occurrence, Rsvp, Workspace
from data.search import fold_accents

ALL_WORDS = ("all", "series", "tout", "toutes", "tous", "série", "serie")
MAX_TITLE, MAX_LOCATION = 200, 500
DEFAULT_MINUTES = 60
LISTED = 10
PER_MEETING = 3


async def _occurrence_row(item: Upcoming) -> Occurrence:
    if item.occurrence is not None:
        return item.occurrence
    row, _ = await Occurrence.get_or_create(
        meeting=item.meeting,
        original_start=item.original_start,
        defaults={"starts_at": item.starts_at},
    )
    return row


async def _next_of(ctx: Ctx, meeting: Meeting) -> Upcoming:
    if meeting.cancelled:
        raise UserError("“{title}” has been cancelled.", title=meeting.title)
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=1)
    if not upcoming:
        raise UserError("“{title}” has no upcoming occurrence.", title=meeting.title)
    return upcoming[0]


def _when(ctx: Ctx, instant: datetime) -> str:
    return local_text(instant, ctx.timezone, ctx.tr)


async def _next_dates(ctx: Ctx, meeting: Meeting) -> str:
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=3)
    zone = ZoneInfo(ctx.timezone)
    return ", ".join(item.starts_at.astimezone(zone).date().isoformat() for item in upcoming) or "—"


async def _occurrence_on(ctx: Ctx, meeting: Meeting, text: str) -> Upcoming:
    """The occurrence a coordinator means by a date ("2027-05-29", "May 29", "next
    Monday"), read in their zone; matched against each occurrence's local date in the
    coordinator's zone or the meeting's."""
    key = parse_occurrence_key(text)
    if key is not None and key[0] == meeting.id:
        found = await occurrence_at(meeting, key[1])
        if found is None:
            raise NotFound(
                "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
                name=text[:60],
            )
        return found
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
        dates=await _next_dates(ctx, meeting),
    )


def _read_day(ctx: Ctx, text: str) -> date:
    """The day a coordinator names, in either language; a date that reads two ways raises
    ``TimeQuestion`` for the command to ask."""
    return day_or_ask(text, ctx.clock.now(), ctx.timezone)


# ---- telling members -------------------------------------------------------------------


async def _answered(items: list[Upcoming]) -> list[Member]:
    """Members who said going or maybe to any of these occurrences."""
    rows = [item.occurrence for item in items if item.occurrence is not None]
    if not rows:
        return []
    return await Member.filter(
        rsvps__occurrence_id__in=[row.id for row in rows], rsvps__status__in=("going", "maybe")
    ).distinct()


MessageBuilder = Callable[[Translator, str], Message]


async def _channel_translator(ctx: Ctx, community: Community) -> Translator:
    """The community's channel reads the language most of its members read, as the
    scheduled announcements, prompts and digest do."""
    language = await community_language(community, ctx.settings.default_language)
    return translator_for(ctx.settings, language)


async def _tell(
    ctx: Ctx, members: list[Member], community: Community, build: MessageBuilder
) -> None:
    """DM each member a message built in their language and zone, after the command
    commits; members who refuse direct messages are mentioned once, together, in the
    community's channel."""
    if not members:
        return
    messages = [(m, build(ctx.translator_for(m), ctx.zone_for(m))) for m in members]
    channel_tr = await _channel_translator(ctx, community)
    queue_tell(ctx, community, channel_tr.language, messages)


async def _notify(
    ctx: Ctx, community: Community, members: list[Member], build: MessageBuilder
) -> None:
    """Tell the channel, then each member who answered going or maybe."""
    if community.home_channel_id:
        channel_tr = await _channel_translator(ctx, community)
        await ctx.post(community.home_channel_id, build(channel_tr, ctx.settings.default_timezone))
    await _tell(ctx, members, community, build)


# ---- commands --------------------------------------------------------------------------


RsvpStatus = Annotated[
    str, Arg(N_("going, maybe or no"), kind="choice", choices=("going", "maybe", "no"))
]


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


async def mirror_native_event(ctx: Ctx, meeting: Meeting, community: Community) -> None:
    """Show the meeting's next occurrence in the platform's own calendar (Discord's Events
    tab) where the platform can and the community wants it; the id is kept for updates."""
    if not community.scheduled_events_enabled:
        return
    upcoming = [] if meeting.cancelled else await upcoming_of([meeting], ctx.clock.now(), limit=1)
    if not upcoming and not meeting.external_event_id:
        return
    start = upcoming[0].starts_at if upcoming else ctx.clock.now()
    event = MeetingEvent(
        title=meeting.title,
        starts_at=start,
        ends_at=start + timedelta(minutes=meeting.duration_minutes),
        description=meeting.agenda,
        location=meeting.location,
        channel_id=community.home_channel_id,
        external_id=meeting.external_event_id,
        cancelled=not upcoming,
    )
    queue_native_event(ctx, meeting, event)


async def ensure_calendar_token(workspace: Workspace) -> str:
    """The workspace's unguessable calendar-feed token, made once (a race between two
    requests keeps the first one written)."""
    if workspace.calendar_token:
        return workspace.calendar_token
    await Workspace.filter(id=workspace.id, calendar_token__isnull=True).update(
        calendar_token=secrets.token_urlsafe(24)
    )
    fresh = await Workspace.get(id=workspace.id)
    workspace.calendar_token = fresh.calendar_token
    return str(fresh.calendar_token)


def calendar_file(ctx: Ctx, community: Community, content: bytes) -> Attachment:
    # a plain ASCII file name: every system and mail client keeps it as it is
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(community.name.casefold())).strip("-")
    slug = slug or "community"
    return Attachment(
        filename=f"{slug}.ics",
        content=content,
        mime="text/calendar",
        label=ctx.tr(
            "Calendar of {community}, to import into your calendar app", community=community.name
        ),
    )


def calendar_url(settings: Settings, token: str, community: Community) -> str:
    return f"{settings.public_base_url}/calendar/{token}/{community.id}.ics"


@command(
    "meetings",
    usage="meetings [community]",
    examples=["meetings", "meetings python"],
    read_only=True,
)
async def list_meetings(
    ctx: Ctx,
    community: MaybeCommunity = None,
) -> Message:
    """Upcoming meetings, in your own time zone, with RSVP buttons and a calendar link"""
    if community is not None:
        communities = [community]
    else:
        home = (
            await Community.get_or_none(
                workspace=ctx.workspace, home_channel_id=ctx.channel_id, archived=False
            )
            if ctx.channel_id
            else None
        )
        communities = [home] if home else await my_communities(ctx)
        if not communities:
            communities = await Community.filter(workspace=ctx.workspace, archived=False).order_by(
                "name"
            )
    by_id = {c.id: c for c in communities}
    meetings = await Meeting.filter(community_id__in=list(by_id), cancelled=False)
    per_meeting: dict[int, int] = {}
    upcoming: list[Upcoming] = []
    for item in await upcoming_of(meetings, ctx.clock.now(), limit=LISTED * PER_MEETING):
        # a weekly series should not crowd out the monthly one
        per_meeting[item.meeting.id] = per_meeting.get(item.meeting.id, 0) + 1
        if per_meeting[item.meeting.id] <= PER_MEETING and len(upcoming) < LISTED:
            upcoming.append(item)
    message = Message(ephemeral=True).add(Heading(ctx.tr("Upcoming meetings")))
    if not upcoming:
        message.add(
            Paragraph(
                ctx.tr.spans(
                    "No meetings coming up. Coordinators can add one: `meeting "
                    "schedule <community> next Monday 4:30pm every week`"
                )
            )
        )
    details = await occurrence_details(upcoming)
    for item in upcoming:
        community_row = by_id[community_id_of(item.meeting)]
        message.add(
            *await occurrence_block(
                ctx.tr, item, community_row, ctx.timezone, buttons=True, details=details
            )
        )
    shown = [by_id[cid] for cid in dict.fromkeys(community_id_of(m) for m in meetings)]
    if shown and ctx.settings.http_enabled:
        token = await ensure_calendar_token(ctx.workspace)
        for row in shown:
            link = Link(calendar_url(ctx.settings, token, row), ctx.tr("subscribe (.ics)"))
            message.add(
                Note(ctx.tr.spans("Calendar of {community}: {link}", community=row.name, link=link))
            )
    else:
        # no web address to subscribe to: the calendar itself, as a file (never an
        # operator's command for a member to pass on)
        for row in shown:
            message.add(calendar_file(ctx, row, await community_calendar(row)))
    return message


async def _rsvp(ctx: Ctx, item: Upcoming, status: str) -> Message:
    if item.cancelled:
        raise UserError(
            "That occurrence of “{title}” ({when}) is cancelled: there is nothing to answer.",
            title=item.meeting.title,
            when=_when(ctx, item.starts_at),
        )
    if item.starts_at <= ctx.clock.now():
        raise UserError(
            "That occurrence of “{title}” has already started.", title=item.meeting.title
        )
    row = await _occurrence_row(item)
    now = ctx.clock.now()
    existing = await Rsvp.get_or_none(occurrence=row, member=ctx.member)
    if existing is None:
        await Rsvp.create(occurrence=row, member=ctx.member, status=status, at=now)
    else:
        existing.status = status
        existing.at = now
        await existing.save(update_fields=["status", "at"])
    return Message(ephemeral=True).add(
        Paragraph(
            _rsvp_done(ctx, status, title=item.meeting.title, when=_when(ctx, item.starts_at))
        )
    )


def _rsvp_done(ctx: Ctx, status: str, **values: Span | str) -> tuple[Span, ...]:
    if status == "going":
        return ctx.tr.spans(
            "You're going to “{title}” on {when}. I'll remind you by direct message.", **values
        )
    if status == "maybe":
        return ctx.tr.spans(
            "Noted as maybe for “{title}” on {when}. I'll remind you by direct message.", **values
        )
    return ctx.tr.spans(
        "Noted: you can't come to “{title}” on {when}. No reminders for you.", **values
    )


@command(
    "rsvp",
    usage="rsvp <meeting> going|maybe|no",
    examples=["rsvp python hour going", "rsvp #12 maybe"],
    role="member",
)
async def rsvp(
    ctx: Ctx,
    meeting: MeetingRef,
    status: RsvpStatus,
) -> Message:
    """Say whether you're coming to a meeting's next occurrence"""
    found, original = meeting.meeting, meeting.original
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound(
                "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
                name=f"#{found.id}",
            )
    else:
        item = await _next_of(ctx, found)
    return await _rsvp(ctx, item, status)


# the button's value is "<occurrence key>:<status>" (``posts.rsvp_buttons``)
@button(RSVP_ACTION, role="member")
async def press_rsvp(ctx: Ctx, meeting: MeetingRef, status: RsvpStatus) -> Message:
    item = await occurrence_at(meeting.meeting, meeting.original) if meeting.original else None
    if item is None:
        raise UserError("That button no longer works. Try the command again.")
    return await _rsvp(ctx, item, status)


@command(
    "meeting cancel",
    usage="meeting cancel <meeting> [occurrence date|all]",
    examples=[
        "meeting cancel 12 2027-05-31",
        "meeting cancel 12 all",
        'meeting cancel "Python hour" next Monday',
        "meeting cancel 12 mardi prochain",
    ],
    role="coordinator",
)
async def cancel_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    which: Annotated[
        str | None, Arg(N_("the occurrence's date, or all"), kind="text", max_length=100)
    ] = None,
) -> Message:
    """Cancel one occurrence of a meeting, or the whole series"""
    # an unquoted title of several words was re-split by the meeting resolver
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = (which or "").strip()
    now = ctx.clock.now()
    if found.cancelled:
        raise UserError("“{title}” has been cancelled.", title=found.title)
    whole = fold(rest) in ALL_WORDS or (not rest and original is None and not found.rrule)
    if whole:
        future = await upcoming_of([found], now, limit=500, within=timedelta(days=400))
        found.cancelled = True
        await found.save(update_fields=["cancelled"])
        await revise(found, now)
        await mirror_native_event(ctx, found, community)
        members = await _answered(future)
        if future:
            first = future[0]
            await _notify(
                ctx,
                community,
                members,
                lambda tr, zone: cancelled_message(tr, first, zone, series=True),
            )
        return Message(ephemeral=True).add(
            Paragraph(
                (
                    *ctx.tr.spans("Cancelled the whole series “{title}”.", title=found.title),
                    *told_spans(ctx.tr, len(members)),
                )
            )
        )
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound(
                "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
                name=f"#{found.id}",
            )
    elif rest:
        try:
            item = await _occurrence_on(ctx, found, rest)
        except TimeQuestion as asked:
            arguments = {"meeting": f"#{found.id}", "which": rest}
            return await ask(ctx, asked.question, "meeting cancel", arguments, "which")
    else:
        raise UserError(
            "“{title}” repeats: say which date, or `all` for the series. Next ones: {dates}.",
            title=found.title,
            dates=await _next_dates(ctx, found),
        )
    if item.cancelled:
        raise UserError("That occurrence of “{title}” is already cancelled.", title=found.title)
    row = await _occurrence_row(item)
    row.cancelled = True
    await row.save(update_fields=["cancelled"])
    await revise(found, now)
    await mirror_native_event(ctx, found, community)
    members = await _answered([item])
    await _notify(
        ctx, community, members, lambda tr, zone: cancelled_message(tr, item, zone, series=False)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Cancelled “{title}” on {when}.",
                    title=found.title,
                    when=_when(ctx, item.starts_at),
                ),
                *told_spans(ctx.tr, len(members)),
            )
        )
    )


@command(
    "meeting move",
    usage="meeting move <meeting> <occurrence date> to|à <new time>",
    examples=[
        "meeting move 12 2027-05-31 to 2027-06-01 16:30",
        'meeting move "Python hour" next Monday to Tuesday 5pm',
        "meeting move 12 mardi à mercredi 17 h",
    ],
    role="coordinator",
)
async def move_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    change: Annotated[str, Arg(N_("<occurrence date> to <new time>"), kind="text", max_length=200)],
) -> Message:
    """Move one occurrence of a meeting to another time"""
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = change.strip()
    if found.cancelled:
        raise UserError("“{title}” has been cancelled.", title=found.title)
    move = split_move(rest, ctx.clock.now(), ctx.timezone)
    if isinstance(move, Question):
        arguments = {"meeting": f"#{found.id}", "change": rest}
        return await ask(ctx, move, "meeting move", arguments, "change")
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound(
                "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
                name=f"#{found.id}",
            )
    elif move.which:
        try:
            item = await _occurrence_on(ctx, found, move.which)
        except TimeQuestion as asked:
            # the occurrence's date reads two ways: ask, keeping the new time as typed
            question = _prefixed(asked.question, f" {move.word} {_target_text(rest, move)}")
            arguments = {"meeting": f"#{found.id}", "change": rest}
            return await ask(ctx, question, "meeting move", arguments, "change")
    elif not found.rrule:
        item = await _next_of(ctx, found)
    else:
        raise UserError(
            "“{title}” repeats: say which date, or `all` for the series. Next ones: {dates}.",
            title=found.title,
            dates=await _next_dates(ctx, found),
        )
    if item.cancelled:
        raise UserError(
            "That occurrence of “{title}” is cancelled; schedule a new meeting instead.",
            title=found.title,
        )
    day = item.starts_at.astimezone(ZoneInfo(move.target.zone)).date()
    new_start = place(moved_start(move, day), move.target.zone)
    if new_start <= ctx.clock.now():
        raise UserError(
            N_("{when} has already passed. Give a time in the future."), when=_when(ctx, new_start)
        )
    old_start = item.starts_at
    row = await _occurrence_row(item)
    row.starts_at = new_start
    await row.save(update_fields=["starts_at"])
    await revise(found, ctx.clock.now())
    await mirror_native_event(ctx, found, community)
    moved = Upcoming(found, item.original_start, new_start, row)
    members = await _answered([moved])
    await _notify(
        ctx, community, members, lambda tr, zone: moved_message(tr, moved, old_start, zone)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans(
                    "Moved “{title}” from {old} to {new}.",
                    title=found.title,
                    old=_when(ctx, old_start),
                    new=Strong(_when(ctx, new_start)),
                ),
                *told_spans(ctx.tr, len(members)),
            )
        )
    )


def _target_text(rest: str, move: Move) -> str:
    """The new time as typed: what follows the word that split the move."""
    words = rest.split()
    return " ".join(words[len(move.which.split()) + 1 :])


def _prefixed(question: Question, after: str) -> Question:
    options = tuple(replace(option, text=option.text + after) for option in question.options)
    return replace(question, options=options)


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
            upcoming = await _next_of(ctx, found)
    else:
        upcoming = await _next_of(ctx, found)
    row = await _occurrence_row(upcoming)
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
                when=_when(ctx, upcoming.starts_at),
            )
        ),
        BulletList(tuple((Text(str(line)),) for line in items)),
    )
