"""A meeting's copies in calendars: the platform's own event (Discord's Events tab), kept in
step whenever the meeting changes, and the link to the community's .ics feed."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.kernel.context import Ctx
from bot.kernel.occurrences import upcoming_of
from bot.kernel.settings import Settings
from bot.meetings.native_events import MeetingEvent, sync_native_event
from data.models import Community, Meeting, Workspace


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
    external_id = await sync_native_event(ctx.outbox, ctx.workspace.external_id, event)
    if external_id != meeting.external_event_id:
        meeting.external_event_id = external_id
        await meeting.save(update_fields=["external_event_id"])


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


def calendar_url(settings: Settings, token: str, community: Community) -> str:
    return f"{settings.public_base_url}/calendar/{token}/{community.id}.ics"
