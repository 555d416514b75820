"""What a handler gets: who is asking, where, in which language, and the services it may use."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.kernel.clock import Clock
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.messages import Message, Part
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.models import Member, Membership, Workspace

if TYPE_CHECKING:
    from bot.kernel.registry import Registry

log = logging.getLogger(__name__)

Effect = Callable[[], Awaitable[None]]


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
    # platform calls waiting for the transaction to commit (posts, DMs, native events)
    effects: list[Effect] = field(default_factory=list)
    # parts effects add at the end of the reply (e.g. "sent to you by direct message")
    reply_notes: list[Part] = field(default_factory=list)
    # what the member has confirmed for this run (a button saying "yes, do it anyway")
    confirmed: set[str] = field(default_factory=set)
    # the asker's current memberships the resolvers read with the community they resolved
    # (None: not a member), so the declared check need not read them again
    memberships: dict[int, Membership | None] = field(default_factory=dict)

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

    def after_commit(self, effect: Effect) -> None:
        """Run ``effect`` once the command's transaction has committed (a command that fails
        runs none). Effects make the platform calls (posts, DMs, native events) and write
        what must be remembered about them in short transactions of their own, so no
        transaction is ever held open across a network call."""
        self.effects.append(effect)

    def join_channel(self, channel_id: str) -> None:
        """Have the bot join a channel after the commit, where the platform needs it to
        receive that channel's events (Slack); other platforms have nothing to do. Joins
        go first, before the posts the command queued."""

        async def join() -> None:
            joiner: Callable[[str, str], Awaitable[object]] | None = getattr(
                self.outbox, "join_channel", None
            )
            if joiner is not None:
                await joiner(self.workspace.external_id, channel_id)

        self.effects.insert(0, join)

    async def post(self, channel_id: str, message: Message, *, thread: str | None = None) -> None:
        """Post to a channel of this workspace after commit."""

        async def send() -> None:
            await self.post_now(channel_id, message, thread=thread)

        self.after_commit(send)

    async def direct(self, member: Member, message: Message) -> None:
        """Direct-message a member after commit (one who refuses DMs gets none: use
        ``after_commit`` with ``direct_now`` to fall back)."""

        async def send() -> None:
            await self.direct_now(member, message)

        self.after_commit(send)

    async def run_effects(self) -> None:
        """Run the queued effects, in order. A failure is logged, never shown as the
        member's error: the command itself has succeeded."""
        while self.effects:  # an effect may queue more (a fallback post)
            effect = self.effects.pop(0)
            try:
                await effect()
            except Exception:
                log.exception(
                    "an effect of command %s failed",
                    self.command_name,
                    extra={"workspace": self.workspace.id},
                )

    # ---- for effects, after commit ------------------------------------------------------

    async def post_now(
        self, channel_id: str, message: Message, *, thread: str | None = None
    ) -> str | None:
        """Post at once (from an effect); the platform's reference, None when it failed."""
        if self.outbox is None:
            return None
        try:
            return await self.outbox.post(
                self.workspace.external_id, channel_id, message, thread=thread
            )
        except Exception:
            log.exception(
                "posting to channel %s failed", channel_id, extra={"workspace": self.workspace.id}
            )
            return None

    async def direct_now(self, member: Member, message: Message) -> bool:
        """Direct-message at once (from an effect); False when they don't accept DMs or it
        failed."""
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
