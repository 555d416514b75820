"""Platform-native calendar events (Discord Scheduled Events): the neutral hook.

A platform that can show meetings natively (Discord's Events tab) offers an optional
``sync_event`` method on its outbox. The meetings area calls ``sync_native_event`` after it
schedules, moves or cancels a meeting (when ``Community.scheduled_events_enabled``), and
stores the returned id in ``Meeting.external_event_id`` so the next call updates that event
instead of making another. Nothing here knows any platform.

A create whose answer was lost can have made an event all the same: the platform client
retried it (discord.py repeats a request answered 500, 502 or 504), or the process died
before storing the id and another one ran the effect again. So after each create the
outbox is asked for the other events it made that are identical to this one
(``EventTwins``), and those no meeting refers to are removed (``bot.meetings.effects``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingEvent:
    """What a native event shows: the meeting's next occurrence."""

    title: str
    starts_at: datetime  # aware; the next (not cancelled) occurrence
    ends_at: datetime  # aware
    description: str = ""
    location: str = ""  # a place or a call link; platforms may need one
    channel_id: str | None = None  # the community's home channel, if any
    external_id: str | None = None  # the id a previous sync returned (Meeting.external_event_id)
    cancelled: bool = False  # the whole meeting is cancelled: remove the native event


@runtime_checkable
class EventSync(Protocol):
    async def sync_event(self, workspace_id: str, event: MeetingEvent) -> str | None:
        """Create, update or cancel the native event. Returns its id (None when the platform
        may not manage events here, or once it is cancelled)."""
        ...


@runtime_checkable
class EventTwins(Protocol):
    async def event_twins(self, workspace_id: str, event: MeetingEvent, keep: str) -> list[str]:
        """The ids of the other native events this bot made that show exactly ``event``
        (title, times, place), ``keep`` aside."""
        ...

    async def remove_event(self, workspace_id: str, external_id: str) -> None:
        """Remove one native event (gone already is no error)."""
        ...


async def sync_native_event(outbox: object, workspace_id: str, event: MeetingEvent) -> str | None:
    """Mirror ``event`` where the outbox can; never fails the command that caused it.

    Returns the id to store in ``Meeting.external_event_id`` (the old one when syncing failed,
    so a later call can retry the update)."""
    if not isinstance(outbox, EventSync):
        return event.external_id
    try:
        return await outbox.sync_event(workspace_id, event)
    except Exception:
        log.exception("could not mirror meeting %r as a native event", event.title)
        return event.external_id
