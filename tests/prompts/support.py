"""What the planner tests need: a recording ``Sender`` (the contract a planner sends
through) and a tiny stand-in for the engine's ledger, so a test can run weeks of schedule
on a moved clock. The real engine is tested on its own; here it is the planners' side of
the contract that is under test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.kernel.clock import Clock, ManualClock
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.messages import Message, message_text
from bot.kernel.settings import Settings
from data.models import Delivery, Member, Workspace
from scheduler.planning import DirectResult, DuePost, Planner, SkipDelivery
from tests.support.harness import Harness


@dataclass
class Posted:
    kind: str  # channel | direct | fallback
    target: str  # channel id, or Member.id as text
    message: Message
    thread: str | None = None

    @property
    def text(self) -> str:
        return message_text(self.message)


@dataclass
class RecordingSender:
    clock: Clock
    moved: ManualClock  # the same clock, as the test moves it
    settings: Settings
    posted: list[Posted] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # Member ids refusing DMs
    unreachable: set[int] = field(default_factory=set)  # neither DM nor fallback works

    @classmethod
    def for_harness(cls, h: Harness) -> RecordingSender:
        return cls(h.clock, h.clock, h.core.settings)

    def translator(self, language: str | None) -> Translator:
        return translator_for(self.settings, language)

    async def to_channel(
        self, workspace: Workspace, channel_id: str, message: Message, *, thread: str | None = None
    ) -> str | None:
        self.posted.append(Posted("channel", channel_id, message, thread))
        return f"{channel_id}:{len(self.posted)}"

    async def to_member(
        self,
        workspace: Workspace,
        member: Member,
        message: Message,
        *,
        fallback_channel: str | None,
    ) -> DirectResult:
        if member.id in self.unreachable:
            return "failed"
        if member.id in self.blocked:
            if fallback_channel is None:
                return "failed"
            self.posted.append(Posted("fallback", fallback_channel, message))
            return "fallback"
        self.posted.append(Posted("direct", str(member.id), message))
        return "direct"

    def channel_posts(self) -> list[Posted]:
        return [p for p in self.posted if p.kind == "channel"]

    def directs(self) -> list[Posted]:
        return [p for p in self.posted if p.kind == "direct"]


async def record(post: DuePost) -> tuple[Delivery, bool]:
    """Put a planned post in the ledger under its unique key (as the engine does)."""
    return await Delivery.get_or_create(
        kind=post.kind,
        target=post.target,
        subject=post.subject,
        defaults={
            "workspace_id": post.workspace_id,
            "due_at": post.due_at,
            "payload": post.payload,
        },
    )


async def run_window(
    planner: Planner, sender: RecordingSender, start: datetime, end: datetime
) -> list[Delivery]:
    """Plan [start, end), then send each pending post at its due time, oldest first (what
    the engine does, minus claims and leases). Returns the rows sent."""
    sent = []
    for post in await planner.due_between(start, end):
        row, _ = await record(post)
        if row.status != "pending":
            continue
        sender.moved.set(post.due_at)
        try:
            await planner.send(row, sender)
        except SkipDelivery as reason:
            row.status, row.detail = "skipped", str(reason)
        else:
            row.status, row.sent_at = "sent", sender.clock.now()
            sent.append(row)
        await row.save(update_fields=["status", "sent_at", "detail"])
    sender.moved.set(end)
    return sent
