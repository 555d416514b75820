"""Posting to Discord for the core and the scheduler: channel posts, threads, direct
messages and native Scheduled Events, paced under Discord's rate limit.

Every request waits its turn on one ``Pacer`` (so a 2,000-DM fan-out is spread under the
global limit instead of bouncing off it), server errors and dropped connections are retried
with backoff, and each message carries a nonce Discord enforces, so a retry after a
response that got lost cannot post the message twice. A scheduled post's nonce is its
ledger row's key (``SendKey``), so a process that claims it again after another died with
it in flight sends the same nonce, and Discord drops the repeat. A member who doesn't accept DMs
(error 50007) raises ``DirectMessagesBlocked``: the caller falls back, once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiohttp
import discord
from discord.http import Route

from adapters.discord.ids import Overflow
from adapters.discord.pacing import Pacer
from adapters.discord.render import Forms, Rendered, render
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Heading, Message, Paragraph, plain_text
from bot.kernel.outbox import SendKey, refuse_inside_transaction
from bot.meetings.native_events import MeetingEvent

log = logging.getLogger(__name__)
T = TypeVar("T")

_TRANSIENT = (TimeoutError, discord.DiscordServerError, aiohttp.ClientConnectionError)
DMS_CLOSED = 50007
THREAD_EXISTS = 160004
UNKNOWN_EVENT = 10070
THREAD_TYPES = (10, 11, 12)  # announcement, public and private threads
EXTERNAL_EVENT, GUILD_ONLY, EVENT_CANCELLED = 3, 2, 4
DISCORD_GLOBAL_LIMIT = 50.0  # requests per second, per bot
HEADROOM = 0.9  # pace a little under the limit: clocks and bursts are never exact
MAX_RATE_LIMITED = 20  # 429s one request may meet after discord.py's own retries


class DiscordOutbox:
    platform = "discord"

    def __init__(
        self,
        client: discord.Client,
        *,
        rate_limit: float = DISCORD_GLOBAL_LIMIT,
        retries: int = 3,
        backoff: float = 0.5,
        overflow: Overflow | None = None,
        forms: Forms | None = None,
    ) -> None:
        self.client = client
        self.pacer = Pacer(rate_limit * HEADROOM)
        self.retries = retries
        self.backoff = backoff
        self.overflow = overflow or Overflow()
        self.forms = forms or Forms()
        self._dm_channels: OrderedDict[str, int] = OrderedDict()
        self._threads: set[int] = set()
        # the first line of recent posts: a thread later started from one is named after it
        self._titles: OrderedDict[int, str] = OrderedDict()

    # ---- the Outbox protocol -------------------------------------------------------

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str | None:
        refuse_inside_transaction("a Discord post")
        target = int(channel_id)
        if thread:
            target = await self._thread_channel(thread, message)
        sent_id = await self._send(target, message, key=key)
        self._titles[sent_id] = _thread_name(message)
        while len(self._titles) > 10_000:
            self._titles.popitem(last=False)
        return f"{target}/{sent_id}"

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str | None:
        refuse_inside_transaction("a Discord direct message")
        try:
            channel_id = await self._dm_channel(user_id)
            # a press in a DM comes with no server: the components carry it themselves
            sent_id = await self._send(channel_id, message, guild=workspace_id, key=key)
        except discord.Forbidden as error:
            if error.code == DMS_CLOSED:
                raise DirectMessagesBlocked(user_id) from error
            raise
        return f"{channel_id}/{sent_id}"

    # ---- native events (bot.meetings.native_events.EventSync) -------------------------------

    async def sync_event(self, workspace_id: str, event: MeetingEvent) -> str | None:
        refuse_inside_transaction("a Discord scheduled event change")
        guild_id = int(workspace_id)
        if event.cancelled:
            if event.external_id:
                await self._cancel_event(guild_id, event.external_id)
            return None
        if not self.may_manage_events(guild_id):
            log.info("no permission to manage events in guild %s: not mirrored", guild_id)
            return event.external_id
        payload = _event_payload(event)
        if event.external_id:
            route = Route(
                "PATCH",
                "/guilds/{guild_id}/scheduled-events/{event_id}",
                guild_id=guild_id,
                event_id=event.external_id,
            )
            try:
                await self._call(lambda: self.client.http.request(route, json=payload))
                return event.external_id
            except discord.NotFound:
                log.info("scheduled event %s is gone; making a new one", event.external_id)
        create = Route("POST", "/guilds/{guild_id}/scheduled-events", guild_id=guild_id)
        try:
            created = await self._call(lambda: self.client.http.request(create, json=payload))
        except discord.Forbidden:
            log.info("guild %s refused to create a scheduled event", guild_id)
            return None
        return str(created["id"])

    async def event_twins(self, workspace_id: str, event: MeetingEvent, keep: str) -> list[str]:
        """The other scheduled events this bot made in the guild that show ``event``
        exactly (``bot.meetings.native_events.EventTwins``): one request."""
        refuse_inside_transaction("a Discord scheduled event look-up")
        route = Route("GET", "/guilds/{guild_id}/scheduled-events", guild_id=int(workspace_id))
        listed = await self._call(lambda: self.client.http.request(route))
        wanted = _event_identity(_event_payload(event))
        me = str(self.client.user.id) if self.client.user is not None else None
        return [
            str(found["id"])
            for found in listed
            if str(found.get("id")) != keep
            and str(found.get("creator_id")) == me
            and _event_identity(found) == wanted
        ]

    async def remove_event(self, workspace_id: str, external_id: str) -> None:
        refuse_inside_transaction("a Discord scheduled event change")
        await self._cancel_event(int(workspace_id), external_id)

    def may_manage_events(self, guild_id: int) -> bool:
        """False only when we know the bot lacks the permission (a guild another shard
        holds is unknown here: try, and take a refusal as the answer)."""
        guild = self.client.get_guild(guild_id)
        if guild is None or guild.me is None:
            return True
        permissions = guild.me.guild_permissions
        return permissions.manage_events or permissions.create_events

    async def _cancel_event(self, guild_id: int, event_id: str) -> None:
        route = Route(
            "DELETE",
            "/guilds/{guild_id}/scheduled-events/{event_id}",
            guild_id=guild_id,
            event_id=event_id,
        )
        try:
            await self._call(lambda: self.client.http.request(route))
        except (discord.NotFound, discord.Forbidden):
            log.info("scheduled event %s already gone or not ours", event_id)

    async def thread_parent(self, channel_id: int) -> int | None:
        """The parent of a thread discord.py has not cached; None when the channel is no
        thread or cannot be seen."""
        route = Route("GET", "/channels/{channel_id}", channel_id=channel_id)
        try:
            data = await self._call(lambda: self.client.http.request(route))
        except (discord.NotFound, discord.Forbidden):
            return None
        if int(data.get("type", 0)) not in THREAD_TYPES or not data.get("parent_id"):
            return None
        return int(data["parent_id"])

    async def member_name(self, guild_id: int, user_id: int) -> str | None:
        """The display name in that server of a member of it; None when ``user_id`` is
        not a member (or the bot is not in that server). The member cache first, else
        Discord is asked (paced like every other request)."""
        guild = self.client.get_guild(guild_id)
        cached = guild.get_member(user_id) if guild is not None else None
        if cached is not None:
            return cached.display_name
        try:
            data = await self._call(lambda: self.client.http.get_member(guild_id, user_id))
        except (discord.NotFound, discord.Forbidden):
            return None
        user: dict[str, Any] = dict(data.get("user") or {})
        if str(user.get("id", user_id)) != str(user_id):
            return None
        return str(data.get("nick") or user.get("global_name") or user.get("username") or "")

    # ---- internals -----------------------------------------------------------------

    async def _send(
        self,
        channel_id: int,
        message: Message,
        *,
        guild: str | None = None,
        key: SendKey | None = None,
    ) -> int:
        rendered = render(message, self.overflow, self.forms, guild)
        # one nonce for every attempt (and, for a scheduled post, every process): with
        # enforce_nonce (discord.py sets it) Discord drops a repeat within minutes
        nonce: int | str = key.key if key is not None else secrets.randbits(62)
        channel = self.client.get_partial_messageable(channel_id)

        async def attempt() -> int:
            sent = await channel.send(nonce=nonce, **_send_kwargs(rendered))
            return sent.id

        return await self._call(attempt)

    async def _dm_channel(self, user_id: str) -> int:
        known = self._dm_channels.get(user_id)
        if known is not None:
            self._dm_channels.move_to_end(user_id)
            return known
        data = await self._call(lambda: self.client.http.start_private_message(int(user_id)))
        channel_id = int(data["id"])
        self._dm_channels[user_id] = channel_id
        while len(self._dm_channels) > 50_000:
            self._dm_channels.popitem(last=False)
        return channel_id

    async def _thread_channel(self, thread: str, message: Message) -> int:
        """``thread`` is a reference ``post`` returned ("channel/message"): the thread that
        hangs off that message (made on first use; a thread's id is its first message's),
        or a thread's own channel id."""
        channel_id, _, message_id = thread.partition("/")
        if not message_id:
            return int(channel_id)
        thread_id = int(message_id)
        if thread_id in self._threads:
            return thread_id
        route = Route(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/threads",
            channel_id=int(channel_id),
            message_id=thread_id,
        )
        name = self._titles.get(thread_id) or _thread_name(message)
        body = {"name": name, "auto_archive_duration": 10080}
        try:
            await self._call(lambda: self.client.http.request(route, json=body))
        except discord.HTTPException as error:
            if error.code != THREAD_EXISTS:
                raise
        self._threads.add(thread_id)
        return thread_id

    async def _call(self, make: Callable[[], Awaitable[T]]) -> T:
        failures = limited = 0
        while True:
            await self.pacer.wait()
            try:
                return await make()
            except _TRANSIENT as error:
                failures += 1
                if failures > self.retries:
                    raise
                delay = self.backoff * 2 ** (failures - 1)
                log.warning("Discord request failed (%s); retrying in %.1fs", error, delay)
                await asyncio.sleep(delay)
            except discord.HTTPException as error:
                # a 429 that outlasted discord.py's own retries: nothing was sent, so wait
                # as told, holding back every later request too, and try again
                limited += 1
                if error.status != 429 or limited > MAX_RATE_LIMITED:
                    raise
                self.pacer.pause(_retry_after(error))


def _retry_after(error: discord.HTTPException) -> float:
    try:
        return max(0.05, float(error.response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


def _send_kwargs(rendered: Rendered) -> dict[str, Any]:
    kwargs = rendered.kwargs()
    if not kwargs.get("content") and not kwargs["embeds"] and "view" not in kwargs:
        kwargs["content"] = "\u200b"  # Discord refuses a message with nothing in it
    return kwargs


def _thread_name(message: Message) -> str:
    for part in message.parts:
        if isinstance(part, Heading):
            return part.text[:100] or "Discussion"
        if isinstance(part, Paragraph):
            return plain_text(part.spans)[:100] or "Discussion"
    return "Discussion"


def _event_identity(event: dict[str, Any]) -> tuple[object, ...]:
    """What members see of a scheduled event, from what we send or what Discord lists
    (its times come back in its own ISO format)."""
    metadata = event.get("entity_metadata") or {}
    return (
        event.get("name"),
        event.get("description") or "",
        _instant(event.get("scheduled_start_time")),
        _instant(event.get("scheduled_end_time")),
        metadata.get("location"),
    )


def _instant(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _event_payload(event: MeetingEvent) -> dict[str, Any]:
    location = event.location or (f"<#{event.channel_id}>" if event.channel_id else "Discord")
    return {
        "name": event.title[:100] or "Meeting",
        "description": event.description[:1000],
        "scheduled_start_time": event.starts_at.astimezone(UTC).isoformat(),
        "scheduled_end_time": event.ends_at.astimezone(UTC).isoformat(),
        "privacy_level": GUILD_ONLY,
        "entity_type": EXTERNAL_EVENT,
        "entity_metadata": {"location": location[:100]},
    }
