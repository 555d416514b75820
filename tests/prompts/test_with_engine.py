"""The three planners inside the real scheduler service (engine, ledger, outbox sender),
on a moved clock: each scheduled post leaves once, through the adapter's outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data.models import Delivery
from scheduler.engine import EngineOptions
from scheduler.service import SchedulerService
from tests.support.harness import Harness

START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)  # Monday 9:00 in Toronto
OPTIONS = EngineOptions(horizon=timedelta(days=2))


async def run_for(h: Harness, service: SchedulerService, end: datetime) -> None:
    """Tick at every wake-up the service asks for (at least daily) until ``end``."""
    while h.clock.now() < end:
        await service.tick()
        wake = await service.engine.next_wake()
        step = h.clock.now() + timedelta(days=1)
        if wake is not None and wake > h.clock.now():
            step = min(step, wake)
        h.clock.set(min(step, end))
    await service.tick()


async def test_prompts_rounds_and_digests_go_out_once_through_the_engine(db: str) -> None:
    h = Harness.build(start=START)
    await h.say("Ada", "community create python", channel="C1")
    for name in ("Bob", "Cy", "Dee"):
        await h.say(name, "join python")
        await h.say(name, "networking on")
    await h.say("Ada", "networking on")
    await h.say("Ada", "prompt schedule python weekly wed 10:00")
    await h.say("Ada", "networking schedule python weekly tue 11:00")
    await h.say("Ada", "digest python weekly")
    h.outbox.clear()

    first = SchedulerService(h.core, h.core.settings, h.clock, options=OPTIONS, worker_id="one")
    await run_for(h, first, START + timedelta(weeks=3))

    channel = h.outbox.to("C1")
    prompts = [s for s in channel if s.text.startswith("Discussion prompt")]
    digests = [s for s in channel if s.text.startswith("This week in python")]
    assert len(prompts) == 3 and len({p.text for p in prompts}) == 3
    assert len(digests) == 4  # Mondays 1 (due the minute it was turned on), 8, 15, 22
    introductions = [s for s in h.outbox.sent if s.kind == "direct" and "Networking" in s.text]
    assert len(introductions) == 4 * 3
    end = START + timedelta(weeks=3)
    rows = await Delivery.filter(kind__in=("prompt", "networking", "digest"), due_at__lt=end)
    by_status = sorted((r.status, r.kind, r.due_at < START) for r in rows)
    # the digest of the week before was due before it was turned on: never planned at all
    assert by_status == sorted(
        [("sent", "prompt", False)] * 3
        + [("sent", "networking", False)] * 3
        + [("sent", "digest", False)] * 4
    )

    # a second process over the same weeks finds everything already sent
    before = len(h.outbox.sent)
    h.clock.set(START)
    second = SchedulerService(h.core, h.core.settings, h.clock, options=OPTIONS, worker_id="two")
    await run_for(h, second, START + timedelta(weeks=3))
    assert len(h.outbox.sent) == before
