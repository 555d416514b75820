"""Replies in threads: a member's message in a thread reaches the core as ``thread_reply``.

The core counts answers to discussion prompts and offers links posted in a meeting's
thread for the repertoire. Its thread references are what the outbox's ``post`` returned,
"<channel id>/<message id>", and a thread started from a message has that message's id:
so a message in thread T under channel C is a reply to the reference "C/T".

discord.py hands ``on_message`` every MESSAGE_CREATE; a thread it has not cached (started
before a restart, or never announced to this shard) comes as a ``PartialMessageable``,
whose parent is asked of Discord once and remembered. Without the privileged Message
Content intent ``content`` is empty for other people's messages: the reply is still
counted, only links cannot be seen.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import discord

from adapters.discord.outbox import DiscordOutbox
from bot.kernel.core import Core
from bot.kernel.who import Who

log = logging.getLogger(__name__)

ANSWERS = (discord.MessageType.default, discord.MessageType.reply)
REMEMBERED = 50_000


class ThreadReplies:
    def __init__(self, core: Core, client: discord.Client, outbox: DiscordOutbox) -> None:
        self.core = core
        self.client = client
        self.outbox = outbox
        # channel id -> its parent when it is a thread, None when it is not one
        self._parents: OrderedDict[int, int | None] = OrderedDict()

    async def on_message(self, message: discord.Message) -> None:
        try:
            await self._reply(message)
        except Exception:
            log.exception("message %s in channel %s failed", message.id, message.channel.id)

    async def _reply(self, message: discord.Message) -> None:
        if "thread_reply" not in self.core.registry.event_handlers:
            return
        guild, author = message.guild, message.author
        me = self.client.user
        if guild is None or author.bot or message.webhook_id is not None:
            return
        if (me is not None and author.id == me.id) or message.type not in ANSWERS:
            return
        if not isinstance(author, discord.Member):
            return  # no roles to tell a server manager from others: better not guess
        parent = await self._parent(message.channel)
        if parent is None:
            return
        who = Who(
            platform="discord",
            workspace_id=str(guild.id),
            user_id=str(author.id),
            user_name=author.display_name,
            channel_id=str(parent),
            workspace_name=guild.name or "",
            is_admin=author.guild_permissions.manage_guild,
            event_id=f"message:{message.id}",  # a RESUME replay is not counted twice
        )
        await self.core.event(
            who,
            "thread_reply",
            thread=f"{parent}/{message.channel.id}",
            channel_id=str(parent),
            text=message.content or "",
        )

    async def _parent(self, channel: object) -> int | None:
        """The channel a thread hangs off; None when ``channel`` is no thread."""
        if isinstance(channel, discord.Thread):
            return channel.parent_id
        if not isinstance(channel, discord.PartialMessageable):
            return None  # a cached text channel, voice chat, forum...
        if channel.id in self._parents:
            self._parents.move_to_end(channel.id)
            return self._parents[channel.id]
        parent = await self.outbox.thread_parent(channel.id)
        self._parents[channel.id] = parent
        while len(self._parents) > REMEMBERED:
            self._parents.popitem(last=False)
        return parent
