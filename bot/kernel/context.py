"""What a handler gets: who is asking, where, in which language, and the services it may use."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.kernel.clock import Clock
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.messages import Message
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.models import Member, Workspace

if TYPE_CHECKING:
    from bot.kernel.registry import Registry

log = logging.getLogger(__name__)


@dataclass
class Ctx:
    who: Who
    workspace: Workspace
    member: Member
    tr: Translator
    clock: Clock
    settings: Settings
    registry: Registry
    outbox: Outbox | None
    # messages the handler wants shown after its reply (e.g. a second ephemeral note)
    follow_ups: list[Message] = field(default_factory=list)
    # the command being run, once the text is parsed (for metrics and logs)
    command_name: str | None = None
    # channel posts waiting for the transaction to commit: (channel, message, thread)
    pending_posts: list[tuple[str, Message, str | None]] = field(default_factory=list)
    # what the member has confirmed for this run (a button saying "yes, do it anyway")
    confirmed: set[str] = field(default_factory=set)
    # channels the bot should become a member of once the transaction has committed
    pending_joins: list[str] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.tr.language

    @property
    def timezone(self) -> str:
        return self.member.timezone or self.settings.default_timezone

    @property
    def channel_id(self) -> str | None:
        return self.who.channel_id

    async def emit(self, event: str, **values: Any) -> list[Any]:
        """Tell every area listening for ``event`` (``@listens``), in this transaction; what
        each listener returned, in order."""
        listeners = self.registry.listeners.get(event, [])
        return [await listener(self, **values) for listener in listeners]

    def translator_for(self, member: Member) -> Translator:
        """Texts for another member, in their language (for DMs and mentions)."""
        return translator_for(self.settings, member.language)

    def zone_for(self, member: Member) -> str:
        return member.timezone or self.settings.default_timezone

    async def post(self, channel_id: str, message: Message, *, thread: str | None = None) -> None:
        """Post to a channel of this workspace once the command's transaction has committed
        (so a command that fails posts nothing, and a platform's pacing never holds the
        database transaction open)."""
        self.pending_posts.append((channel_id, message, thread))

    def join_channel(self, channel_id: str) -> None:
        """Have the bot join a channel after the commit, where the platform needs it to
        receive that channel's events (Slack); other platforms have nothing to do."""
        self.pending_joins.append(channel_id)

    async def flush_posts(self) -> None:
        """Send the posts queued by ``post``. A failure is logged, never shown as the
        member's error: the command itself has succeeded."""
        posts, self.pending_posts = self.pending_posts, []
        joins, self.pending_joins = self.pending_joins, []
        if self.outbox is None:
            return
        joiner: Callable[[str, str], Awaitable[object]] | None = getattr(
            self.outbox, "join_channel", None
        )
        for channel_id in joins:
            if joiner is None:
                break
            try:
                await joiner(self.workspace.external_id, channel_id)
            except Exception:
                log.exception("joining channel %s failed", channel_id)
        for channel_id, message, thread in posts:
            try:
                await self.outbox.post(
                    self.workspace.external_id, channel_id, message, thread=thread
                )
            except Exception:
                log.exception(
                    "posting to channel %s failed",
                    channel_id,
                    extra={"workspace": self.workspace.id},
                )

    async def direct(self, member: Member, message: Message) -> bool:
        """Direct-message a member; False when they don't accept DMs or it failed."""
        if self.outbox is None:
            return False
        from bot.kernel.forms import prefill_message  # the kernel's forms need this module

        message = await prefill_message(member, message)
        try:
            await self.outbox.direct(self.workspace.external_id, member.external_id, message)
            return True
        except DirectMessagesBlocked:
            log.info("member %s does not accept direct messages", member.id)
            return False
        except Exception:
            log.exception("direct message to member %s failed", member.id)
            return False
