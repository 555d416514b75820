"""Everything a command sends leaves after its transaction commits: a command that fails
sends nothing, and no outbox is ever called while a transaction is open (checked for every
command in the registry, with an outbox that also mirrors Discord-style native events)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated

import pytest

from bot.kernel.clock import ManualClock
from bot.kernel.context import Ctx
from bot.kernel.core import Core
from bot.kernel.discovery import area_modules, default_registry
from bot.kernel.effects import KIND
from bot.kernel.messages import Message, message_text
from bot.kernel.outbox import SendInsideTransaction
from bot.kernel.registry import Arg, Registry, command
from bot.meetings.native_events import MeetingEvent
from data.db import in_open_transaction
from data.models import Community, Delivery, Meeting, Member
from tests.security.test_permissions import options_for, setup
from tests.support.harness import Harness, RecordingOutbox, send_effects, test_settings


@dataclass
class EventOutbox(RecordingOutbox):
    """A recording outbox that also mirrors meetings as native events, as Discord's does."""

    events: list[MeetingEvent] = field(default_factory=list)

    async def sync_event(self, workspace_id: str, event: MeetingEvent) -> str | None:
        self._refuse_inside_transaction(f"native event {event.title}")
        self.events.append(event)
        return None if event.cancelled else f"EV{len(self.events)}"


# ---- a command that queues effects and then fails -----------------------------------


@command("boom", usage="boom <word>", role="anyone", hidden=True)
async def boom(ctx: Ctx, who: Annotated[str, Arg("a member's id", kind="word")]) -> None:
    """Queue a DM and a channel post, write a row, then fail"""
    target = await Member.get(workspace=ctx.workspace, external_id=who)
    await ctx.direct(target, Message().paragraph("you should never read this"))
    await ctx.post("C1", Message().paragraph("nor this"))
    await Community.create(
        workspace=ctx.workspace, name="ghost", name_key="ghost", created_at=ctx.clock.now()
    )
    if not ctx.who.is_admin:  # an admin's run goes through: the control
        raise RuntimeError("the handler breaks after queueing")


def core_with_boom(outbox: RecordingOutbox) -> Harness:
    registry = Registry.from_modules([*area_modules(), sys.modules[__name__]])
    clock = ManualClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    core = Core(test_settings(), clock, registry=registry)
    core.attach_outbox(outbox)
    send_effects(core, clock)
    return Harness(core, clock, outbox)


async def test_a_command_that_fails_after_queueing_a_dm_sends_nothing(db: str) -> None:
    h = core_with_boom(RecordingOutbox())
    assert not (await h.say("bob", "help")).is_error  # bob exists
    h.outbox.clear()
    reply = await h.say("ada", "boom bob", channel="C1")
    assert reply.is_error
    assert h.outbox.sent == []  # no DM, no post
    assert not await Community.exists(name="ghost")  # and its write was rolled back
    # nothing left in the ledger for a scheduler to send later either
    assert not await Delivery.exists(kind=KIND)
    # the same command without the failure writes and sends both, so the check means something
    reply = await h.say("ada", "boom bob", channel="C1", is_admin=True)
    assert not reply.is_error
    assert [s.kind for s in h.outbox.sent] == ["direct", "post"]
    assert await Delivery.filter(kind=KIND, status="sent").count() == 2


async def test_a_command_s_dm_leaves_after_commit_with_its_data(db: str) -> None:
    """``prompt approve`` DMs the suggester: the DM is sent once the approval is stored."""
    h, _ = await setup()
    h.outbox.clear()
    reply = await h.say("Ada", "prompt approve 1")
    assert not reply.is_error, message_text(reply)
    [dm] = [s for s in h.outbox.sent if s.kind == "direct"]
    assert dm.target == "bob" and "What worked?" in dm.text
    assert h.outbox.inside_transaction == []


async def test_the_outbox_refuses_to_send_inside_a_transaction(db: str) -> None:
    from tortoise.transactions import in_transaction

    outbox = RecordingOutbox()
    async with in_transaction():
        assert in_open_transaction()
        with pytest.raises(SendInsideTransaction):
            await outbox.post("T1", "C1", Message().paragraph("no"))
    assert not in_open_transaction()
    assert outbox.sent == [] and outbox.inside_transaction == ["post to C1"]


# ---- every command in the registry ----------------------------------------------------


def all_commands() -> list[str]:
    return sorted(default_registry().commands)


async def test_no_command_calls_an_outbox_inside_its_transaction(db: str) -> None:
    """Run every command of the registry as an admin with plausible arguments, with
    members who take DMs and one who refuses them, and native events on: every post, DM
    and event change they cause happens with no transaction open."""
    h, values = await setup()
    outbox = EventOutbox(blocked={"cy"})
    h.core.outboxes.clear()
    h.core.attach_outbox(outbox)
    h.outbox = outbox
    meeting = await Meeting.get(title="Python hour")
    # first the commands whose effects need the community as set up: answers, a move
    # that tells them, a newcomer's greeting, a prompt posted now, a share, a cancel
    for user, line in (
        ("Bob", f"rsvp {meeting.id} going"),
        ("Cy", f"rsvp {meeting.id} going"),
        ("Ada", f"meeting move {meeting.id} 2027-03-10 to 2027-03-12 10:00"),
        ("Dee", "join python"),
        ("Ada", "prompt now python"),
        ("Bob", "share https://example.com/guide Guide in python"),
        ("Ada", f"meeting cancel {meeting.id} 2027-03-17"),
    ):
        reply = await h.say(user, line, channel="C1")
        assert not reply.is_error, (line, message_text(reply))
    # then every command of the registry, once
    failures = []
    for name in all_commands():
        options = options_for(h.core.registry.commands[name], values)
        reply = await h.core.handle(h.who("Root", "C1", is_admin=True), name, options)
        if reply.is_error and "unexpected" in message_text(reply).lower():
            failures.append((name, message_text(reply)))
    assert outbox.inside_transaction == []
    assert failures == []
    # the run was not vacuous: it posted, sent DMs (and fell back for Cy) and mirrored events
    kinds = {sent.kind for sent in outbox.sent}
    assert kinds == {"post", "direct"}, kinds
    assert outbox.events
    assert [s.target for s in outbox.sent if s.kind == "direct" and s.target == "dee"] == ["dee"]
