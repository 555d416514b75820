"""Who is asking, and where: the plain values an adapter hands the core with every event."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Who:
    platform: str  # slack | discord | console
    workspace_id: str  # the platform's team / guild id
    user_id: str  # the platform's user id
    user_name: str
    channel_id: str | None = None  # None in a direct message or with no channel
    workspace_name: str = ""
    locale: str | None = None  # the platform's locale for this user ("fr-CA", "en-US")
    timezone: str | None = None  # the platform profile's IANA zone, if known
    is_admin: bool = False  # workspace admin / server manager
    is_bot: bool = False
    event_id: str | None = None  # platform event id, for de-duplicating retries
