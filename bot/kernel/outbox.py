"""The outbound seam: how the core and the scheduler post. Each adapter implements it with
its platform's rate limits and retries."""

from __future__ import annotations

from typing import Protocol

from bot.kernel.messages import Message


class Outbox(Protocol):
    platform: str

    async def post(
        self, workspace_id: str, channel_id: str, message: Message, *, thread: str | None = None
    ) -> str | None:
        """Post to a channel (or a thread in it). Returns a reference to the posted message
        that can be used as ``thread`` later, or None where the platform has none."""
        ...

    async def direct(self, workspace_id: str, user_id: str, message: Message) -> str | None:
        """Send a direct message. Raises ``bot.kernel.errors.DirectMessagesBlocked`` when the member
        does not accept them; other failures raise after the adapter's own retries."""
        ...
