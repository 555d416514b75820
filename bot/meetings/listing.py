"""Meetings as a member sees them: the upcoming ones in their time zone with RSVP buttons,
the community's calendar (a feed to subscribe to, or the file itself), and answering.
"""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from bot.kernel.args import MaybeCommunity
from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.lookups import channel_community, my_communities
from bot.kernel.messages import Attachment, Heading, Link, Message, Note, Paragraph, Span
from bot.kernel.occurrences import Upcoming, community_id_of, occurrence_at, upcoming_of
from bot.kernel.registry import Arg, button, command
from bot.kernel.settings import Settings
from bot.meetings.calendar_ics import community_calendar
from bot.meetings.finding import MeetingRef
from bot.meetings.picking import named_occurrence, next_of, occurrence_row, when_text
from bot.meetings.posts import RSVP_ACTION, occurrence_block, occurrence_details
from data.meeting_reads import meetings_of
from data.models import Community, Rsvp, Workspace
from data.search import fold_accents

LISTED = 10
PER_MEETING = 3

RsvpStatus = Annotated[
    str, Arg(N_("going, maybe or no"), kind="choice", choices=("going", "maybe", "no"))
]


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
        home = await channel_community(ctx)
        communities = [home] if home else await my_communities(ctx)
        if not communities:
            communities = await Community.filter(workspace=ctx.workspace, archived=False).order_by(
                "name"
            )
    by_id = {c.id: c for c in communities}
    meetings = await meetings_of(list(by_id))
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
            when=when_text(ctx, item.starts_at),
        )
    if item.starts_at <= ctx.clock.now():
        raise UserError(
            "That occurrence of “{title}” has already started.", title=item.meeting.title
        )
    row = await occurrence_row(item)
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
            _rsvp_done(ctx, status, title=item.meeting.title, when=when_text(ctx, item.starts_at))
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
        item = await named_occurrence(found, original, f"#{found.id}")
    else:
        item = await next_of(ctx, found)
    return await _rsvp(ctx, item, status)


# the button's value is "<occurrence key>:<status>" (``posts.rsvp_buttons``)
@button(RSVP_ACTION, role="member")
async def press_rsvp(ctx: Ctx, meeting: MeetingRef, status: RsvpStatus) -> Message:
    item = await occurrence_at(meeting.meeting, meeting.original) if meeting.original else None
    if item is None:
        raise UserError("That button no longer works. Try the command again.")
    return await _rsvp(ctx, item, status)
