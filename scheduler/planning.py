"""The contract between what is due (planners) and the delivery engine.

A planner knows one family of scheduled posts (meeting announcements and reminders,
discussion prompts, networking rounds, digests). From the database alone it says which
posts fall due in a time window, and later sends one such post. The engine owns the
``Delivery`` ledger: it records each ``DuePost`` under its unique (kind, target,
subject) key, claims it with a lease when due, calls the planner's ``send``, and marks
the result, so every post goes out exactly once across restarts and processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from bot.kernel.clock import Clock
from bot.kernel.i18n import Translator
from bot.kernel.messages import Message
from bot.kernel.settings import Settings
from data.models import Delivery, Member, Workspace


@dataclass(frozen=True)
class DuePost:
    workspace_id: int  # our Workspace.id
    kind: str  # the planner's kind: "announcement", "reminder", "prompt", ...
    target: str  # "channel:<platform channel id>" or "member:<Member.id>"
    subject: str  # what it is about, unique per (kind, target): "occ:12:2027-05-29T20:30Z:24h"
    due_at: datetime  # aware, UTC
    # after this instant the post is no longer useful: skipped (and logged) instead of late
    stale_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)  # JSON-serializable


DirectResult = Literal["direct", "fallback", "failed"]


class Sender(Protocol):
    """What a planner's ``send`` may use: the outboxes, texts, time and settings."""

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


class Planner(Protocol):
    kinds: tuple[str, ...]  # the Delivery.kind values this planner sends

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        """Every post due in [start, end). Must be deterministic: the same window gives the
        same posts, so re-planning after a restart finds the ledger rows already there."""
        ...

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        """Send one claimed post. Raise to have it retried; return normally when done
        (or when it turned out to be pointless, e.g. the meeting was cancelled)."""
        ...


class SkipDelivery(Exception):
    """Raised by a planner's ``send`` when the post turned out to be pointless (the meeting
    was cancelled or moved, the member no longer said yes). The engine records the
    delivery as skipped, with this reason, instead of retrying it."""
