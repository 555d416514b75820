"""The delivery engine's rules: restart catch-up, leases, retries, skips; both databases."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.kernel.messages import Message, Paragraph, Text
from data.models import Delivery, Workspace
from scheduler import ledger
from scheduler.engine import DeliveryEngine, EngineOptions
from scheduler.planning import DuePost, Sender, SkipDelivery
from scheduler.sender import OutboxSender
from tests.scheduler.support import service_for
from tests.support.harness import Harness

T0 = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)


async def test_missed_while_down_goes_out_late_or_is_skipped_never_twice(
    db: str, caplog: pytest.LogCaptureFixture
) -> None:
    h = Harness.build(start=T0)
    await h.say("Ada", "community create python", channel="C1", timezone="America/Vancouver")
    await h.say("Bob", "join python")
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")  # 00:30Z Mar 9
    await h.say("Bob", "rsvp python hour going")
    first = service_for(h, EngineOptions(), worker="before")
    await first.tick()  # then the bot is down for a week
    h.outbox.clear()

    # back 30 minutes before the meeting: the announcement and the day-before reminders
    # are still useful (late); the 15-minute ones are not due yet
    h.clock.set(datetime(2027, 3, 9, 0, 0, tzinfo=UTC))
    report = await service_for(h, EngineOptions(), worker="after").tick()
    assert report.sent == 3 and report.late == 3
    late = await Delivery.filter(late=True).order_by("id")
    assert [row.kind for row in late] == ["announcement", "reminder", "reminder"]
    assert all(row.subject.endswith((":ann", ":24h")) for row in late)

    # down again until after the start: the 15-minute reminders are skipped and logged
    h.clock.set(datetime(2027, 3, 9, 0, 40, tzinfo=UTC))
    with caplog.at_level(logging.INFO, logger="scheduler"):
        report = await service_for(h, EngineOptions(), worker="third").tick()
    assert report.sent == 0 and report.skipped == 2
    assert "no longer useful" in caplog.text
    skipped = await Delivery.filter(status="skipped").values_list("subject", flat=True)
    assert sorted(skipped) == ["occ:1@20270309T0030Z:20270309T0030Z:15m"] * 2

    # a fourth process, later still: nothing goes out twice
    h.clock.set(datetime(2027, 3, 10, tzinfo=UTC))
    await service_for(h, EngineOptions(), worker="fourth").tick()
    assert len(h.outbox.sent) == 3
    assert await Delivery.filter(kind__in=("announcement", "reminder")).count() == 5


async def test_missed_while_never_planned_is_caught_up_from_the_ledger_window(db: str) -> None:
    """Down before anything was even planned: the first tick looks back and still sends
    the useful posts once, late, and records the rest as skipped."""
    h = Harness.build(start=T0)
    await h.say("Ada", "community create python", channel="C1", timezone="America/Vancouver")
    await h.say("Ada", "meeting schedule python next Monday 4:30pm Python hour")
    h.clock.set(datetime(2027, 3, 9, 0, 20, tzinfo=UTC))  # after the 15-minute mark
    report = await service_for(h, EngineOptions(), worker="late").tick()
    assert report.sent == 2 and report.late == 2  # announcement + 15m, late
    assert [s.text.split("\n")[0] for s in h.outbox.to("C1")] == [
        "Upcoming meeting",
        "Reminder: Python hour (python) starts 2027-03-09T00:30:00+00:00.",
    ]
    stale = await Delivery.get(status="skipped")
    assert stale.subject.endswith(":24h") and "stale when planned" in stale.detail


class CountingPlanner:
    """A planner whose posts are given by the test; sending can fail or skip."""

    kinds: tuple[str, ...] = ("test",)

    def __init__(self, posts: list[DuePost]) -> None:
        self.posts = posts
        self.sent: list[str] = []
        self.fail_times = 0
        self.skip: set[str] = set()

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        return [p for p in self.posts if start <= p.due_at < end]

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        if delivery.subject in self.skip:
            raise SkipDelivery("told to skip")
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("platform down")
        workspace = await Workspace.get(id=delivery.workspace_id)  # type: ignore[attr-defined]
        await sender.to_channel(workspace, "C1", Message([Paragraph((Text(delivery.subject),))]))
        self.sent.append(delivery.subject)


async def _engine(
    h: Harness, planner: CountingPlanner, worker: str, **options: object
) -> DeliveryEngine:
    return DeliveryEngine(
        [planner],
        OutboxSender(h.core, h.clock, h.core.settings),
        h.clock,
        worker_id=worker,
        options=EngineOptions(**options),  # type: ignore[arg-type]
    )


async def _workspace() -> Workspace:
    return await Workspace.create(platform="console", external_id="T1", created_at=T0)


async def test_two_engines_racing_in_one_process_send_each_post_once(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    posts = [
        DuePost(workspace.id, "test", "channel:C1", f"s{i}", T0 - timedelta(seconds=i % 50))
        for i in range(300)
    ]
    planners = [CountingPlanner(posts) for _ in range(3)]
    engines = [await _engine(h, p, f"w{i}", batch=20) for i, p in enumerate(planners)]
    await asyncio.gather(*(engine.tick() for engine in engines))
    sent = [s for p in planners for s in p.sent]
    assert sorted(sent) == sorted(p.subject for p in posts)
    assert len(h.outbox.sent) == 300
    assert await Delivery.filter(status="sent").count() == 300


async def test_failed_send_is_retried_after_a_back_off_then_given_up(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    planner = CountingPlanner([DuePost(workspace.id, "test", "channel:C1", "flaky", T0)])
    planner.fail_times = 1
    engine = await _engine(h, planner, "w", max_attempts=3)
    report = await engine.tick()
    assert report.retried == 1 and planner.sent == []
    row = await Delivery.get(subject="flaky")
    assert row.status == "pending" and row.lease_until == T0 + timedelta(seconds=30)
    assert (await engine.tick()).claimed == 0  # not before the back-off
    h.clock.advance(timedelta(seconds=30))
    assert (await engine.tick()).sent == 1 and planner.sent == ["flaky"]

    doomed = CountingPlanner([DuePost(workspace.id, "test", "channel:C1", "doomed", h.clock.now())])
    doomed.fail_times = 99
    engine = await _engine(h, doomed, "w2", max_attempts=3)
    for _ in range(3):
        await engine.tick()
        h.clock.advance(timedelta(minutes=5))
    row = await Delivery.get(subject="doomed")
    assert row.status == "failed" and row.attempts == 3 and "platform down" in row.detail


async def test_expired_lease_is_reaped_and_sent_once(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    planner = CountingPlanner([DuePost(workspace.id, "test", "channel:C1", "held", T0)])
    engine = await _engine(h, planner, "alive", lease=timedelta(minutes=2))
    await engine.plan(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    # a process claimed it and died before sending
    await Delivery.filter(subject="held").update(
        status="claimed", claimed_by="dead", lease_until=T0 + timedelta(minutes=2), attempts=1
    )
    assert (await engine.tick()).sent == 0  # its lease still runs
    h.clock.advance(timedelta(minutes=2))
    report = await engine.tick()
    assert report.reaped == 1 and report.sent == 1 and planner.sent == ["held"]
    row = await Delivery.get(subject="held")
    assert row.status == "sent" and row.claimed_by == "alive" and row.attempts == 2


async def test_skip_is_recorded_with_its_reason(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    planner = CountingPlanner([DuePost(workspace.id, "test", "channel:C1", "moot", T0)])
    planner.skip.add("moot")
    engine = await _engine(h, planner, "w")
    assert (await engine.tick()).skipped == 1
    row = await Delivery.get(subject="moot")
    assert row.status == "skipped" and row.detail == "told to skip" and h.outbox.sent == []


async def test_a_process_claims_only_posts_for_the_platforms_it_runs(db: str) -> None:
    """A console-only process next to a Discord one: it leaves the Discord posts alone
    (instead of claiming, failing and retrying them until they are marked failed)."""
    h = Harness.build(start=T0)  # its core has a console outbox only
    console = await _workspace()
    discord = await Workspace.create(platform="discord", external_id="G1", created_at=T0)
    posts = [
        DuePost(console.id, "test", "channel:C1", "mine", T0),
        DuePost(discord.id, "test", "channel:C9", "theirs", T0),
    ]
    planner = CountingPlanner(posts)
    engine = await _engine(h, planner, "console-only")
    await engine.plan(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    await engine.run_due()
    assert planner.sent == ["mine"]
    theirs = await Delivery.get(subject="theirs")
    assert theirs.status == "pending" and theirs.attempts == 0


async def test_a_claim_takes_the_earliest_due_rows_up_to_its_limit_in_one_go(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    posts = [
        DuePost(workspace.id, "test", "channel:C1", f"s{i:02}", T0 - timedelta(minutes=i))
        for i in range(12)
    ]
    posts.append(DuePost(workspace.id, "test", "channel:C1", "future", T0 + timedelta(minutes=1)))
    posts.append(DuePost(workspace.id, "other", "channel:C1", "other kind", T0))
    engine = await _engine(h, CountingPlanner(posts), "w")
    await engine.plan(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    # one row is waiting out a back-off: not claimable yet
    await Delivery.filter(subject="s00").update(lease_until=T0 + timedelta(seconds=30))

    first = await ledger.claim_due(T0, "w", timedelta(minutes=2), 5, ["test"], ["console"])
    assert [row.subject for row in first] == ["s11", "s10", "s09", "s08", "s07"]
    assert all(r.status == "claimed" and r.claimed_by == "w" and r.attempts == 1 for r in first)
    assert all(row.lease_until == T0 + timedelta(minutes=2) for row in first)
    rest = await ledger.claim_due(T0, "v", timedelta(minutes=2), 50, ["test"], ["console"])
    assert [row.subject for row in rest] == ["s06", "s05", "s04", "s03", "s02", "s01"]
    assert await ledger.claim_due(T0, "v", timedelta(minutes=2), 50, ["test"], None) == []
    assert await ledger.claim_due(T0, "v", timedelta(minutes=2), 50, ["test"], ["slack"]) == []


async def test_outcomes_are_recorded_per_row_and_a_lost_lease_is_left_alone(db: str) -> None:
    h = Harness.build(start=T0)
    workspace = await _workspace()
    posts = [DuePost(workspace.id, "test", "channel:C1", s, T0) for s in ("a", "b", "c", "d")]
    engine = await _engine(h, CountingPlanner(posts), "w")
    await engine.plan(T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    a, b, c, d = await ledger.claim_due(T0, "w", timedelta(minutes=2), 10, ["test"])
    # d's lease ran out and another process re-claimed it
    await Delivery.filter(id=d.id).update(claimed_by="other")
    at = T0 + timedelta(minutes=3)
    done = await ledger.finish_many(
        [
            ledger.Outcome(a, "sent", at, late=True),
            ledger.Outcome(b, "fallback", at),
            ledger.Outcome(c, "skipped", at, detail="x" * 600),
            ledger.Outcome(d, "sent", at),
        ],
        "w",
    )
    assert done == [True, True, True, False]
    rows = {row.subject: row for row in await Delivery.all()}
    assert (rows["a"].status, rows["a"].sent_at, rows["a"].late) == ("sent", at, True)
    assert (rows["b"].status, rows["b"].sent_at, rows["b"].late) == ("fallback", at, False)
    assert rows["c"].status == "skipped" and rows["c"].sent_at is None
    assert rows["c"].detail == "x" * 500
    assert all(rows[s].lease_until is None for s in "abc")
    assert (rows["d"].status, rows["d"].claimed_by, rows["d"].sent_at) == ("claimed", "other", None)


class SlowFirstPlanner(CountingPlanner):
    """Its earlier posts take longer to send: sent side by side, later ones would pass them."""

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        await asyncio.sleep(0.02 if delivery.subject.endswith("0") else 0)
        await super().send(delivery, sender)


async def test_one_channels_posts_go_out_in_the_order_they_were_due(db: str) -> None:
    """After downtime several posts of one channel are due together (a meeting's
    announcement and its reminder): they go out in the order they were due, while other
    channels' posts go out beside them."""
    h = Harness.build(start=T0)
    workspace = await _workspace()
    posts = [
        DuePost(
            workspace.id, "test", f"channel:C{n % 2}", f"s{n:02}", T0 - timedelta(minutes=40 - n)
        )
        for n in range(40)
    ]
    planner = SlowFirstPlanner(posts)
    engine = await _engine(h, planner, "w", batch=40, concurrency=8)
    report = await engine.tick()
    assert report.sent == 40
    for channel in (0, 1):
        mine = [p.subject for p in posts if p.target == f"channel:C{channel}"]
        assert [s for s in planner.sent if s in mine] == mine  # due order
    assert planner.sent != sorted(planner.sent)  # the two channels went out side by side


async def test_outcomes_of_concurrent_sends_are_committed_together(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Group commit: sends that end while an outcome is being written are recorded by the
    next write together, so 60 posts cost far fewer than 60 commits, and none is lost."""
    h = Harness.build(start=T0)
    workspace = await _workspace()
    # ten channels: one channel's posts go out one after another, channels in parallel
    posts = [DuePost(workspace.id, "test", f"channel:C{i % 10}", f"s{i}", T0) for i in range(60)]
    planner = CountingPlanner(posts)
    engine = await _engine(h, planner, "w", batch=30, concurrency=10)
    groups: list[int] = []
    original = ledger.finish_many

    async def counting(outcomes: list[ledger.Outcome], worker: str) -> list[bool]:
        groups.append(len(outcomes))
        return await original(outcomes, worker)

    monkeypatch.setattr(ledger, "finish_many", counting)
    report = await engine.tick()
    assert report.sent == 60 and sorted(planner.sent) == sorted(p.subject for p in posts)
    assert sum(groups) == 60 and len(groups) < 30
    assert await Delivery.filter(status="sent", sent_at=T0, lease_until=None).count() == 60
