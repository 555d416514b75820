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
from typing import Any, Protocol

from bot.kernel.sending import DirectResult, Sender, SkipDelivery
from data.models import Delivery

__all__ = ["DirectResult", "DuePost", "Planner", "Sender", "SkipDelivery"]


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


class Planner(Protocol):
    kinds: tuple[str, ...]  # the Delivery.kind values this planner sends

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        """Every post due in [start, end). Must be deterministic: the same window gives the
        same posts, so re-planning after a restart finds the ledger rows already there."""
        ...

    async def send(self, delivery: Delivery, sender: Sender) -> object:
        """Send one claimed post. Raise to have it retried; return normally when done
        (or when it turned out to be pointless, e.g. the meeting was cancelled). What it
        returns goes back to whoever asked for the send (a command's effect tells its
        reply how it went); scheduled posts return nothing."""
        ...
