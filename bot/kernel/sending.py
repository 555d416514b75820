"""What code that sends after a commit may use: the scheduler's planners when a post falls
due, and a command's queued effects (``bot.kernel.effects``) once its transaction has
committed. Both send through the same sender, so both carry the same idempotency keys."""

from __future__ import annotations

from typing import Literal, Protocol

from bot.kernel.clock import Clock
from bot.kernel.i18n import Translator
from bot.kernel.messages import Message
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from data.models import Member, Workspace

DirectResult = Literal["direct", "fallback", "failed"]


class Sender(Protocol):
    """The outboxes, texts, time and settings, as one send sees them."""

    clock: Clock
    settings: Settings

    def translator(self, language: str | None) -> Translator: ...

    async def to_channel(
        self, workspace: Workspace, channel_id: str, message: Message, *, thread: str | None = None
    ) -> str | None:
        """Post to a channel; returns the posted message's reference. Raises on failure
        (after the outbox's own retries) so the engine can retry the delivery later."""
        ...

    async def to_member(
        self,
        workspace: Workspace,
        member: Member,
        message: Message,
        *,
        fallback_channel: str | None,
    ) -> DirectResult:
        """Direct-message a member; when they don't accept DMs, mention them once in
        ``fallback_channel`` instead (recorded as "fallback")."""
        ...

    def outbox_for(self, workspace: Workspace) -> Outbox:
        """The workspace's outbox itself, for platform calls other than posts (joining a
        channel, a native calendar event). Raises when this process has no adapter for it."""
        ...


class SkipDelivery(Exception):
    """Raised by a send that turned out to be pointless (the meeting was cancelled or
    moved, the member no longer said yes). The engine records the delivery as skipped,
    with this reason, instead of retrying it."""
