"""The outbound seam: how the core and the scheduler post. Each adapter implements it with
its platform's rate limits and retries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.kernel.messages import Message
from data.db import in_open_transaction

# Discord refuses a message nonce longer than this; every key fits it
KEY_LENGTH = 25


@dataclass(frozen=True)
class SendKey:
    """Makes a send idempotent: ``key`` is derived from what is being sent (a scheduled
    post's ledger row), the same in every attempt and every process. ``again`` says an
    earlier attempt may have reached the platform (the row was claimed before, by a
    process that died or stopped): the outbox then looks for the key before sending."""

    key: str
    again: bool = False

    def part(self, suffix: str) -> SendKey:
        """The key of a second message sent for the same thing (a fallback, a long post's
        next piece): still within ``KEY_LENGTH``."""
        return SendKey(f"{self.key[: KEY_LENGTH - len(suffix)]}{suffix}", self.again)


class SendInsideTransaction(RuntimeError):
    """A platform call was about to be made while a database transaction is open."""


def refuse_inside_transaction(what: str) -> None:
    """Every outbox calls this before a platform call. A network call inside a transaction
    would hold its locks (SQLite's one write lock) across the platform's pacing and
    retries, and could tell members about a change that is then rolled back: a command's
    effects are queued on its ``Ctx`` and sent after commit instead."""
    if in_open_transaction():
        raise SendInsideTransaction(f"{what} inside a database transaction")


class Outbox(Protocol):
    platform: str

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str | None:
        """Post to a channel (or a thread in it). Returns a reference to the posted message
        that can be used as ``thread`` later, or None where the platform has none."""
        ...

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str | None:
        """Send a direct message. Raises ``bot.kernel.errors.DirectMessagesBlocked`` when the member
        does not accept them; other failures raise after the adapter's own retries."""
        ...
