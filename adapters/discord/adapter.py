"""The Discord adapter: discord.py's gateway client wired to the core.

``start`` points discord.py at ``DISCORD_API_URL`` (REST, and the gateway it names at
``GET /gateway``) when that is not Discord's own, connects the configured shards, waits
until the servers have arrived, then overwrites the application commands generated from
the registry (globally, or in ``DISCORD_GUILD_IDS`` for instant updates while developing).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord
import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.ids import Overflow
from adapters.discord.interactions import DEFER_AFTER, InteractionHandler
from adapters.discord.outbox import DISCORD_GLOBAL_LIMIT, DiscordOutbox
from adapters.discord.render import Forms
from adapters.discord.schema import CommandSchema, core_schema
from adapters.discord.threads import ThreadReplies
from bot.kernel.core import Core
from bot.kernel.settings import Settings

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"


def parse_ids(text: str | None) -> list[int]:
    """``"1, 2 3"`` -> [1, 2, 3]; raises ValueError on anything else."""
    if not text:
        return []
    return [int(part) for part in text.replace(",", " ").split()]


def intents() -> discord.Intents:
    """Servers, their member joins (the privileged members intent) and the messages posted
    in them (replies in copbot's threads). Commands arrive as interactions. Message
    content (privileged, optional) is added at login when the application may have it."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.members = True
    chosen.guild_messages = True
    return chosen


def may_read_content(flags: discord.ApplicationFlags) -> bool:
    """The Message Content intent is on in the Developer Portal (asking for it otherwise
    gets the gateway connection closed with 4014)."""
    return bool(flags.gateway_message_content or flags.gateway_message_content_limited)


class DiscordAdapter:
    name = "discord"

    def __init__(
        self,
        settings: Settings,
        core: Core,
        *,
        guild_ready_timeout: float = 2.0,
        rate_limit: float = DISCORD_GLOBAL_LIMIT,
        defer_after: float = DEFER_AFTER,
    ) -> None:
        if not settings.discord_token:
            raise ValueError("DISCORD_TOKEN is not set")
        self.settings = settings
        self.core = core
        self.shard_ids = parse_ids(settings.discord_shard_ids) or None
        if self.shard_ids and not settings.discord_shard_count:
            raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
        self.guild_ids = parse_ids(settings.discord_guild_ids)
        sharding: dict[str, Any] = {"shard_count": settings.discord_shard_count}
        if self.shard_ids:
            sharding["shard_ids"] = self.shard_ids
        # discord.py identifies with this very object: ``start`` may add message content
        self.intents = intents()
        self.client = discord.AutoShardedClient(
            intents=self.intents,
            **sharding,
            # no member lists: a big server's roster would fill memory for nothing
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            max_messages=None,
            guild_ready_timeout=guild_ready_timeout,
            # the default for anything that forgets its own: notify no one
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.overflow = Overflow()
        self.forms = Forms()
        self.outbox = DiscordOutbox(
            self.client, rate_limit=rate_limit, overflow=self.overflow, forms=self.forms
        )
        self.schema: CommandSchema = core_schema(core)
        self.handler = InteractionHandler(
            core, self.schema, self.outbox, self.overflow, self.forms, defer_after=defer_after
        )
        self.replies = ThreadReplies(core, self.client, self.outbox)
        self._ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.client.event(self.handler.on_interaction)
        self.client.event(self.handler.on_member_join)
        self.client.event(self.replies.on_message)
        self.client.event(self.on_ready)

    async def on_ready(self) -> None:
        self._ready.set()

    async def start(self) -> None:
        await self._point_at_api()
        await self.client.login(self.settings.discord_token or "")  # a bad token raises here
        self.intents.message_content = may_read_content(self.client.application_flags)
        log.info(
            "Discord Message Content intent %s",
            "on: links posted in meeting threads are offered for the repertoire"
            if self.intents.message_content
            else "off (optional): thread replies are counted, links in them not offered",
        )
        self._task = asyncio.create_task(self.client.connect())
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            ready.cancel()
            self._task.result()  # login or connection failed: raise it
            raise RuntimeError("the Discord client stopped before it was ready")
        log.info("Discord ready as %s in %d servers", self.client.user, len(self.client.guilds))
        await self.sync_commands()

    def health(self) -> bool:
        """Up while the gateway session is ready (a reconnect or RESUME in progress: down)."""
        return self.client.is_ready() and not self.client.is_closed()

    async def stop(self) -> None:
        await self.client.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task

    def http_routes(self) -> list[web.RouteDef]:
        return []

    async def _point_at_api(self) -> None:
        base = self.settings.discord_api_url.rstrip("/")
        # discord.py keeps both as class attributes: one Discord per process
        Route.BASE = base
        if base == DISCORD_API:
            return
        async with aiohttp.ClientSession() as session, session.get(f"{base}/gateway") as reply:
            reply.raise_for_status()
            gateway: dict[str, Any] = await reply.json(content_type=None)
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway["url"])
        log.info("Discord API at %s, gateway at %s", base, gateway["url"])

    async def sync_commands(self) -> None:
        """Overwrite the application commands with the registry's. With several processes
        sharing the shards, only the one holding shard 0 does it."""
        if self.shard_ids and 0 not in self.shard_ids:
            return
        app_id = self.client.application_id
        if app_id is None:
            raise RuntimeError("READY carried no application id")
        http = self.client.http
        if self.guild_ids:
            for guild_id in self.guild_ids:
                await http.bulk_upsert_guild_commands(app_id, guild_id, self.schema.payload)
            log.info("%d commands synced to %s", len(self.schema.payload), self.guild_ids)
        else:
            await http.bulk_upsert_global_commands(app_id, self.schema.payload)
            log.info("%d commands synced globally", len(self.schema.payload))
