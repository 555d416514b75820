"""A command's posts and DMs are ledger rows written in its transaction: sent at once
after the commit, by the same key path as scheduled posts, and sent by the scheduler of
another process when the one that wrote them died before sending them."""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.kernel.effects import KIND, EffectResult
from bot.kernel.messages import message_text
from data.models import Delivery, Meeting, Member, Prompt
from scheduler.effects import CommandEffects, attach_command_effects
from scheduler.engine import DeliveryEngine
from scheduler.liveness import liveness_for
from scheduler.sender import OutboxSender, delivery_key
from tests.security.test_permissions import setup
from tests.support.harness import TEST_WORKER, Harness, RecordingOutbox


async def test_a_dm_is_a_ledger_row_sent_at_once_with_its_row_s_key(db: str) -> None:
    h, _ = await setup()
    h.outbox.clear()
    reply = await h.say("Ada", "prompt approve 1")
    assert not reply.is_error, message_text(reply)
    # sent before the reply came back, as before
    [dm] = [s for s in h.outbox.sent if s.kind == "direct"]
    assert dm.target == "bob" and "What worked?" in dm.text
    bob = await Member.get(external_id="bob")
    row = await Delivery.get(kind=KIND, target=f"member:{bob.id}", subject__startswith="direct:")
    assert (row.status, row.claimed_by, row.attempts) == ("sent", TEST_WORKER, 1)
    assert row.sent_at is not None and row.lease_until is None
    assert row.payload == {}  # the DM's text is not kept once sent
    assert dm.key == delivery_key(row) and not dm.key.again  # the scheduler's key


async def test_a_fan_out_is_written_and_recorded_in_a_fixed_number_of_statements(
    db: str,
) -> None:
    """Moving a meeting DMs every member going: one row for the whole fan-out, and the
    statements the command sends do not grow with the members told."""
    from tests.perf_correctness.test_statements_per_command import Statements

    counts = []
    for going in (2, 8):
        h = Harness.build(workspace=f"T{going}")
        await h.say("Ada", "community create python", channel="C1")
        await h.say("Ada", "meeting schedule python 2027-03-10 16:30 Python hour")
        meeting = await Meeting.filter(community__workspace__external_id=f"T{going}").get()
        for n in range(going):
            await h.say(f"M{n}", "join python")
            await h.say(f"M{n}", f"rsvp {meeting.id} going")
        h.outbox.clear()
        handler = Statements()
        import logging

        logger = logging.getLogger("tortoise.db_client")
        level = logger.level
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            reply = await h.say("Ada", f"meeting cancel {meeting.id} all")
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        assert not reply.is_error, message_text(reply)
        assert len([s for s in h.outbox.sent if s.kind == "direct"]) == going
        counts.append(handler.count)
    assert counts[0] == counts[1], counts


@dataclass
class DiesAfterCommit:
    """The delivery worker of a process killed right after a command committed: its rows
    are written claimed in its name, and it never sends them."""

    worker_id: str
    lease: timedelta = timedelta(minutes=2)
    stopping: bool = False
    in_background: bool = False

    async def hold(self) -> None:
        return None

    def deliver_soon(self, rows: Sequence[Delivery]) -> None:
        raise AssertionError("not in the background")

    async def deliver_claimed(self, rows: Sequence[Delivery]) -> list[EffectResult]:
        raise RuntimeError("killed before sending")


def dead_worker_id() -> str:
    """An id as ``new_worker_id`` makes them, of a process that has exited (and, on
    PostgreSQL, whose liveness lock nobody holds)."""
    gone = subprocess.run(["true"], check=True)
    del gone
    probe = subprocess.Popen(["true"])
    probe.wait()
    return f"{socket.gethostname()[:30]}:{probe.pid}:{0x1234ABCD:08x}"


def another_process(h: Harness) -> DeliveryEngine:
    """The scheduler of another copbot process on the same database, with its real
    liveness check."""
    return DeliveryEngine(
        [CommandEffects(h.core.registry)],
        OutboxSender(h.core, h.clock, h.core.settings),
        h.clock,
        liveness=liveness_for(None),
    )


async def test_rows_a_dead_process_left_are_sent_by_the_scheduler_once(db: str) -> None:
    h, _ = await setup()
    h.core.attach_effect_delivery(DiesAfterCommit(dead_worker_id()))
    h.outbox.clear()
    reply = await h.say("Ada", "prompt approve 1")
    assert not reply.is_error, message_text(reply)
    assert h.outbox.sent == []  # the process "died" between the commit and the send
    assert await Prompt.filter(status="approved", text="What worked?").exists()  # committed
    [left] = await Delivery.filter(kind=KIND, status="claimed")
    assert left.claimed_by != TEST_WORKER
    # another process's scheduler, with its real liveness check
    survivor = another_process(h)
    try:
        report = await survivor.tick()
        again = await survivor.tick()
    finally:
        await survivor.release()
    assert report.reaped == 1 and report.sent == 1
    assert again.claimed == 0
    [dm] = h.outbox.sent
    assert dm.kind == "direct" and dm.target == "bob" and "What worked?" in dm.text
    row = await Delivery.get(id=left.id)
    assert (row.status, row.attempts, row.claimed_by) == ("sent", 2, survivor.worker_id)
    # claimed a second time: the outbox is told to look for the first attempt's post
    assert dm.key is not None and dm.key.again and dm.key.key == delivery_key(row).key


async def test_a_live_process_s_rows_are_not_taken_from_it(db: str) -> None:
    h, _ = await setup()
    h.core.attach_effect_delivery(DiesAfterCommit(TEST_WORKER))  # alive, just slow
    h.outbox.clear()
    await h.say("Ada", "prompt approve 1")
    other = another_process(h)
    try:
        report = await other.tick()
    finally:
        await other.release()
    assert report.claimed == 0 and h.outbox.sent == []
    assert await Delivery.filter(kind=KIND, status="claimed").count() == 1


async def test_prompt_now_tells_the_coordinator_what_it_posted_or_that_it_could_not(
    db: str,
) -> None:
    h, _ = await setup()
    await h.say("Ada", "community bind python", channel="C1")
    h.outbox.clear()
    text = await h.text("Ada", "prompt now python")
    [post] = h.outbox.to("C1")
    assert "Posted in the community's channel:" in text
    assert text.split("channel: ", 1)[1].strip() in post.text

    class Refusing(RecordingOutbox):
        async def post(self, *args: object, **kwargs: object) -> str:
            raise RuntimeError("not in the channel")

    h.core.outboxes["console"] = Refusing()
    text = await h.text("Ada", "prompt now python")
    assert "I could not post in the community's channel" in text
    # not retried behind the coordinator's back: they were told to try again
    rows = await Delivery.filter(kind=KIND, subject__startswith="prompts.post_now:")
    assert sorted(row.status for row in rows) == ["sent", "sent"]


async def test_a_stopping_process_leaves_a_command_s_rows_pending_for_the_next(db: str) -> None:
    """During a graceful stop the worker claims nothing more: a late command's rows are
    written pending, for another process or the restarted one."""
    h, _ = await setup()
    h.core.attach_effect_delivery(DiesAfterCommit(TEST_WORKER, stopping=True))
    h.outbox.clear()
    await h.say("Ada", "prompt approve 1")
    [row] = await Delivery.filter(kind=KIND).exclude(status="sent")
    assert row.subject.startswith("direct:")
    assert (row.status, row.claimed_by, row.attempts) == ("pending", None, 0)
    assert h.outbox.sent == []


async def test_a_stopping_process_does_not_send_the_rows_it_left_to_others(db: str) -> None:
    """Rows written pending during a graceful stop are another process's to claim: the
    stopping one sends none of them itself (both would have posted)."""
    h = Harness.build(record_after=timedelta(hours=1))
    await h.say("Ada", "community create python", channel="C1")
    assert h.effects is not None
    h.effects.stopping = True
    h.outbox.clear()
    reply = await h.say("Ada", "share https://example.org/late Late")
    assert not reply.is_error, message_text(reply)
    await h.effects.settle()
    assert h.outbox.sent == []
    [row] = await Delivery.filter(kind=KIND, subject__startswith="post:")
    assert (row.status, row.claimed_by) == ("pending", None)
    survivor = another_process(h)
    try:
        assert (await survivor.tick()).sent == 1
    finally:
        await survivor.release()
    assert [s.kind for s in h.outbox.sent] == ["post"]


async def test_outcomes_are_recorded_a_moment_later_many_in_one_statement(db: str) -> None:
    """As ``copbot run`` records them: each post is sent as its reply goes, and the
    outcomes of the commands of that moment are written together."""
    from tests.perf_correctness.test_statements_per_command import Statements

    h = Harness.build(record_after=timedelta(hours=1))  # written only when flushed here
    await h.say("Ada", "community create python", channel="C1")
    h.outbox.clear()
    for n in range(5):
        await h.say("Ada", f"share https://example.org/{n} Thing {n}")
    assert h.effects is not None
    await h.effects.settle()
    posts = [s for s in h.outbox.sent if s.kind == "post"]
    assert [message_text(s.message).count("Thing") for s in posts] == [1] * 5  # in order
    assert [f"Thing {n}" in message_text(s.message) for n, s in enumerate(posts)] == [True] * 5
    rows = await Delivery.filter(kind=KIND, subject__startswith="post:")
    assert [row.status for row in rows] == ["claimed"] * 5  # held by this live worker

    handler = Statements()
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        assert h.effects is not None and h.effects.later is not None
        await h.effects.later.flush()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.WARNING)
    assert handler.count == 1
    rows = await Delivery.filter(kind=KIND, subject__startswith="post:")
    assert [row.status for row in rows] == ["sent"] * 5


async def test_a_post_sent_but_not_yet_recorded_when_the_process_dies_is_checked_first(
    db: str,
) -> None:
    """Died between the send and its record: the row is taken over and sent again with
    ``again``, so the platform is asked for the first post before posting (Slack looks in
    the channel's history, Discord drops a repeated nonce)."""
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    dying = attach_command_effects(
        h.core,
        h.clock,
        h.core.settings,
        worker_id=dead_worker_id(),
        record_after=timedelta(hours=1),
    )
    h.outbox.clear()
    await h.say("Ada", "share https://example.org/a Thing")
    await dying.settle()
    [first] = [s for s in h.outbox.sent if s.kind == "post"]
    # it dies: it never records, and its session (its liveness lock) ends
    assert dying.later is not None and dying.later.writing is not None
    dying.later.writing.cancel()
    await dying.liveness.release()
    survivor = another_process(h)
    try:
        report = await survivor.tick()
    finally:
        await survivor.release()
    assert report.reaped == 1 and report.sent == 1
    [_, again] = [s for s in h.outbox.sent if s.kind == "post"]
    assert first.key is not None and not first.key.again
    assert again.key is not None and again.key.again and again.key.key == first.key.key
    row = await Delivery.get(kind=KIND, subject__startswith="post:")
    assert (row.status, row.attempts) == ("sent", 2)


class GatedOutbox(RecordingOutbox):
    """A platform that answers a post only when the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def post(self, *args: Any, **kwargs: Any) -> str:
        await self.gate.wait()
        return await super().post(*args, **kwargs)


async def test_a_reply_does_not_wait_for_the_post_it_causes(db: str) -> None:
    """As ``copbot run`` sends them: the member's answer goes while the channel post is
    still on its way, and a graceful stop waits for it before releasing anything."""
    h = Harness.build(record_after=timedelta(hours=1))
    await h.say("Ada", "community create python", channel="C1")
    gated = GatedOutbox()
    h.core.attach_outbox(gated)
    reply = await asyncio.wait_for(h.text("Ada", "share https://example.org/a Thing"), 5)
    assert "Shared “Thing”" in reply
    assert gated.sent == []  # the post waits for the platform, the reply did not
    [row] = await Delivery.filter(kind=KIND, subject__startswith="post:")
    assert (row.status, row.claimed_by) == ("claimed", TEST_WORKER)

    assert h.effects is not None
    stopping = asyncio.create_task(h.effects.release())  # a graceful stop
    await asyncio.sleep(0.05)
    assert not stopping.done()  # it waits for the send under way
    gated.gate.set()
    await asyncio.wait_for(stopping, 5)
    assert [s.kind for s in gated.sent] == ["post"]
    row = await Delivery.get(id=row.id)
    assert row.status == "sent"


async def test_a_reply_that_reports_its_effects_waits_for_them(db: str) -> None:
    """A reply that says how a DM went is given once that is known, in the background
    mode too: a newcomer's reply says the greeting DM went."""
    h = Harness.build(record_after=timedelta(hours=1))
    await h.say("Ada", "community create python", channel="C1")
    reply = await h.text("Bob", "join python")
    assert "I sent you a direct message to introduce yourself" in reply
    assert [s.target for s in h.outbox.sent if s.kind == "direct"] == ["bob"]
