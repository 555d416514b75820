"""What a meeting change sends after its command commits, as ledger-backed effects
(``bot.kernel.effects``): telling the members who answered, and the platform's native
calendar event. Each runs from its JSON arguments alone, at once after the commit or, if
the process died first, in whichever process takes it over."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from bot.kernel.context import Ctx
from bot.kernel.effects import EffectCall, effect, message_args, recipient, recipient_args
from bot.kernel.message_json import message_from_json
from bot.kernel.messages import Mention, Message, Paragraph, Span, Text
from bot.kernel.occurrences import upcoming_of
from bot.meetings.native_events import EventTwins, MeetingEvent, sync_native_event
from data.models import Community, Meeting, Member

log = logging.getLogger(__name__)

TELL = "meetings.tell"
NATIVE_EVENT = "meetings.native_event"


def queue_tell(
    ctx: Ctx, community: Community, language: str, messages: list[tuple[Member, Message]]
) -> None:
    """DM each member their message after the command commits; those who refuse direct
    messages are mentioned once, together, in the community's channel (in ``language``,
    the channel's). One effect for the whole fan-out, written with one statement."""
    members = [
        {"member": recipient_args(member), "message": message_args(message)}
        for member, message in messages
    ]
    args = {"members": members, "channel": community.home_channel_id, "language": language}
    ctx.effect(TELL, f"community:{community.id}", args)


@effect(TELL)
async def tell(call: EffectCall) -> int:
    """The DMs in order, then the one notice for those who refuse them. Each DM carries a
    key derived from the row's, so after a crash the ones already sent are found, not sent
    again. Returns how many were refused."""
    blocked: list[Member] = []
    for entry in call.args["members"]:
        member = recipient(entry["member"])
        message = message_from_json(entry["message"])
        result = await call.send.to_member(call.workspace, member, message, fallback_channel=None)
        if result != "direct":
            blocked.append(member)
    channel = call.args.get("channel")
    if blocked and channel:
        tr = call.send.translator(call.args.get("language"))
        mentions: list[Span] = []
        for index, member in enumerate(blocked):
            mentions += [Text(", ")] if index else []
            mentions.append(Mention(member.external_id, member.display_name))
        notice = Message().add(
            Paragraph(
                (
                    *mentions,
                    Text(" — "),
                    *tr.spans("I couldn't reach you privately: see the notice above."),
                )
            )
        )
        await call.send.to_channel(call.workspace, str(channel), notice)
    return len(blocked)


# ---- the native calendar event -----------------------------------------------------------


def _event_args(event: MeetingEvent) -> dict[str, Any]:
    values = dataclasses.asdict(event)
    values["starts_at"] = event.starts_at.isoformat()
    values["ends_at"] = event.ends_at.isoformat()
    return values


def _event_of(values: dict[str, Any]) -> MeetingEvent:
    return MeetingEvent(
        **{
            **values,
            "starts_at": datetime.fromisoformat(values["starts_at"]),
            "ends_at": datetime.fromisoformat(values["ends_at"]),
        }
    )


def queue_native_event(ctx: Ctx, meeting: Meeting, event: MeetingEvent) -> None:
    ctx.effect(NATIVE_EVENT, f"meeting:{meeting.id}", {"meeting": meeting.id, **_event_args(event)})


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


@effect(NATIVE_EVENT)
async def mirror(call: EffectCall) -> str | None:
    """Create, edit or remove the native event; the id it returns is stored by one
    conditional statement of its own (unless another command changed it meanwhile)."""
    args = dict(call.args)
    meeting_id = int(args.pop("meeting"))
    event = _event_of(args)
    outbox = call.send.outbox_for(call.workspace)
    external_id = await sync_native_event(outbox, call.workspace.external_id, event)
    if external_id != event.external_id:
        await Meeting.filter(id=meeting_id, external_event_id=event.external_id).update(
            external_event_id=external_id
        )
        if external_id is not None:  # made just now: a lost answer may have made another
            await _remove_twins(outbox, call.workspace.external_id, event, external_id)
    return external_id


async def _remove_twins(outbox: object, workspace_id: str, event: MeetingEvent, kept: str) -> None:
    """Remove the events identical to the one just made that no meeting refers to: made
    by a create whose answer was lost (see ``bot.meetings.native_events``)."""
    if not isinstance(outbox, EventTwins):
        return
    try:
        twins = await outbox.event_twins(workspace_id, event, kept)
        if not twins:
            return
        # another meeting of the same title, time and place keeps its own event
        referenced = set(
            await Meeting.filter(external_event_id__in=twins).values_list(
                "external_event_id", flat=True
            )
        )
        for twin in twins:
            if twin not in referenced:
                log.info("removing native event %s, a twin of %s", twin, kept)
                await outbox.remove_event(workspace_id, twin)
    except Exception:  # the event itself is fine; a twin, if any, stays
        log.exception("could not look for twins of native event %s", kept)
