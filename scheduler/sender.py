"""The concrete ``Sender`` planners send through: the adapters' outboxes (from
``core.outboxes``, by the workspace's platform) and the core's translations."""

from __future__ import annotations

import hashlib
import logging

from bot.kernel.clock import Clock
from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.i18n import N_, Translator
from bot.kernel.messages import Mention, Message, Paragraph, Text
from bot.kernel.outbox import Outbox, SendKey
from bot.kernel.sending import DirectResult
from bot.kernel.settings import Settings
from data.models import Delivery, Member, Workspace

log = logging.getLogger(__name__)

FALLBACK_TEXT = N_("I couldn't send you this privately, so here it is:")


def delivery_key(delivery: Delivery) -> SendKey:
    """The idempotency key of a ledger row's post: the same in every attempt and process,
    short enough for a Discord nonce, and (with a hash of what and to whom) not taken by
    another database's row of the same id. ``again``: an earlier claim of this row may
    have reached the platform, so the outbox looks before it posts."""
    what = hashlib.sha256(
        f"{delivery.kind}|{delivery.target}|{delivery.subject}".encode()
    ).hexdigest()[:8]
    return SendKey(f"cb{delivery.id}-{what}", again=delivery.attempts > 1)


class NoOutbox(RuntimeError):
    """No adapter for this workspace's platform runs in this process."""


class OutboxSender:
    def __init__(self, core: Core, clock: Clock, settings: Settings) -> None:
        self.core = core
        self.clock = clock
        self.settings = settings

    def translator(self, language: str | None) -> Translator:
        return self.core.translator(language)

    def platforms(self) -> list[str] | None:
        """The platforms this process can post to (None: no adapter yet, claim anything)."""
        return sorted(self.core.outboxes) or None

    def outbox_for(self, workspace: Workspace) -> Outbox:
        outbox = self.core.outboxes.get(workspace.platform)
        if outbox is None:
            raise NoOutbox(f"no {workspace.platform} adapter in this process")
        return outbox

    async def to_channel(
        self,
        workspace: Workspace,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str | None:
        return await self.outbox_for(workspace).post(
            workspace.external_id, channel_id, message, thread=thread, key=key
        )

    async def to_member(
        self,
        workspace: Workspace,
        member: Member,
        message: Message,
        *,
        fallback_channel: str | None,
        key: SendKey | None = None,
    ) -> DirectResult:
        outbox = self.outbox_for(workspace)
        try:
            await outbox.direct(workspace.external_id, member.external_id, message, key=key)
            return "direct"
        except DirectMessagesBlocked:
            log.info("member %s does not accept direct messages", member.id)
        if not fallback_channel:
            return "failed"
        # once, in the channel, naming them; the ledger row records that this happened
        tr = self.translator(member.language)
        head = Paragraph(
            (Mention(member.external_id, member.display_name), Text(" "), *tr.spans(FALLBACK_TEXT))
        )
        await outbox.post(
            workspace.external_id,
            fallback_channel,
            Message(parts=[head, *message.parts]),
            key=key.part("f") if key is not None else None,
        )
        return "fallback"

    def for_delivery(self, delivery: Delivery | None = None) -> TrackingSender:
        return TrackingSender(self, delivery_key(delivery) if delivery is not None else None)


class TrackingSender:
    """The sender one delivery sees: remembers how direct messages went, so the ledger can
    say "fallback" (mentioned in the channel instead) or "failed"."""

    def __init__(self, inner: OutboxSender, key: SendKey | None = None) -> None:
        self.inner = inner
        self.clock = inner.clock
        self.settings = inner.settings
        self.results: list[DirectResult] = []
        self.key = key
        self.sends = 0

    def _next_key(self) -> SendKey | None:
        """The delivery's key for its first message, a derived one for any later one."""
        self.sends += 1
        if self.key is None or self.sends == 1:
            return self.key
        return self.key.part(f"~{self.sends}")

    def translator(self, language: str | None) -> Translator:
        return self.inner.translator(language)

    def outbox_for(self, workspace: Workspace) -> Outbox:
        return self.inner.outbox_for(workspace)

    async def to_channel(
        self, workspace: Workspace, channel_id: str, message: Message, *, thread: str | None = None
    ) -> str | None:
        return await self.inner.to_channel(
            workspace, channel_id, message, thread=thread, key=self._next_key()
        )

    async def to_member(
        self,
        workspace: Workspace,
        member: Member,
        message: Message,
        *,
        fallback_channel: str | None,
    ) -> DirectResult:
        result = await self.inner.to_member(
            workspace, member, message, fallback_channel=fallback_channel, key=self._next_key()
        )
        self.results.append(result)
        return result

    @property
    def outcome(self) -> str:
        if "fallback" in self.results:
            return "fallback"
        if self.results and all(result == "failed" for result in self.results):
            return "failed"
        return "sent"
