"""How fast a dead process's posts are taken over, and what the liveness check and the
idempotency keys cost the claim-and-send loop (PostgreSQL, and SQLite for the second).

Takeover: a worker process claims a meeting's 52 due posts and hangs sending them; it is
killed with SIGKILL while a second process (here, this one, running the real
``SchedulerService`` with its timer) is up. Measured: from the kill to the moment none of
the victim's claims is left (re-queued and claimed by the survivor), and to the moment
they are all sent. Before this mechanism a survivor waited out the victim's lease (2
minutes from the claim): that figure is by construction, not waited for here.

Throughput: claim-and-send of 3,000 due posts against a no-op outbox, with the earlier
loop (lease only: no liveness check before each batch, no keys) and the current one
(the liveness lock checked before each batch, a key derived per delivery), same run.

Run: python -m benchmarks scheduler_takeover
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from benchmarks.scheduler_throughput import BenchPlanner, NoOpOutbox
from bot.kernel.clock import ManualClock, SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from data.db import close_database
from data.models import Delivery, Workspace
from scheduler.engine import DeliveryEngine, EngineOptions
from scheduler.planning import DuePost
from scheduler.sender import OutboxSender
from scheduler.service import WATCH_EVERY, SchedulerService
from tests.scheduler.test_exactly_once_processes import NOW, seed, worker
from tests.support.databases import (
    drop_pg_database,
    make_pg_database,
    make_sqlite_template,
    open_empty,
    sqlite_copy,
)
from tests.support.harness import test_settings

ROUNDS = 5
MEMBERS = 50  # 50 reminders, the channel's and the announcement: 52 posts
POSTS = 3_000
LEASE = timedelta(minutes=2)


async def one_takeover(url: str, folder: Path, round_: int) -> tuple[float, float]:
    """(seconds from the kill until no claim of the victim is left, until all are sent)."""
    await open_empty(url)
    await seed(MEMBERS)
    out, ready = folder / f"sent{round_}.tsv", folder / f"claimed{round_}"
    victim = worker(url, out, NOW, "--batch", "100", "--stall-after-claim", str(ready))
    settings = test_settings(DATABASE_URL=url, REMINDER_OFFSETS="15m")
    core = Core(settings, ManualClock(NOW), default_registry())
    core.attach_outbox(NoOpOutbox())  # type: ignore[arg-type]
    survivor = SchedulerService(core, settings, core.clock)
    try:
        while not ready.exists():  # the victim is another process
            assert victim.poll() is None, "the victim process ended early"
            await asyncio.sleep(0.01)
        [held_by] = set(
            await Delivery.filter(status="claimed").values_list("claimed_by", flat=True)
        )
        await survivor.start()  # its first tick finds every post claimed
        # die at a different point of the survivor's check cycle each round, spread evenly
        # over it (a real crash comes at any point)
        await asyncio.sleep(0.2 + WATCH_EVERY.total_seconds() * round_ / ROUNDS)
        victim.send_signal(signal.SIGKILL)
        killed = time.perf_counter()
        await asyncio.to_thread(victim.wait, 30)
        # the database is changed by other processes: poll it
        while await Delivery.filter(claimed_by=str(held_by), status="claimed").exists():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        taken = time.perf_counter() - killed
        while await Delivery.filter(status__in=("pending", "claimed")).exists():  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        done = time.perf_counter() - killed
        assert await Delivery.filter(status="sent").count() == MEMBERS + 2
        return taken, done
    finally:
        await survivor.stop()
        if victim.poll() is None:
            victim.kill()
        await close_database()


async def takeover(url: str, folder: Path) -> None:
    taken, done = [], []
    for round_ in range(ROUNDS):
        t, d = await one_takeover(url, folder, round_)
        taken.append(t)
        done.append(d)
    before = LEASE.total_seconds()
    print(
        f"PostgreSQL: death to takeover p50 {statistics.median(taken):.2f} s, "
        f"max {max(taken):.2f} s ({ROUNDS} kills; survivor checks every "
        f"{WATCH_EVERY.total_seconds():.0f} s) vs. up to {before:.0f} s before (the lease) "
        f"= {before / max(taken):.0f}x sooner at worst"
    )
    print(
        f"PostgreSQL: death to all {MEMBERS + 2} posts sent p50 {statistics.median(done):.2f} s, "
        f"max {max(done):.2f} s"
    )


async def send_rate(url: str, *, lease_only: bool) -> float:
    """Claim-and-send posts/s: the earlier loop (``lease_only``) or the current one."""
    await open_empty(url)
    clock = SystemClock()
    core = Core(test_settings(DATABASE_URL=url), clock, default_registry())
    core.attach_outbox(NoOpOutbox())  # type: ignore[arg-type]
    workspace = await Workspace.create(platform="console", external_id="B", created_at=clock.now())
    due = clock.now()
    posts = [DuePost(workspace.id, "bench", "channel:C1", f"p{i}", due) for i in range(POSTS)]
    planner = BenchPlanner(posts)
    planner.workspace = workspace
    sender = OutboxSender(core, clock, core.settings)
    if lease_only:  # the earlier loop: no key per delivery, a worker no lock keeps alive
        original = sender.for_delivery
        sender.for_delivery = lambda delivery=None: original(None)  # type: ignore[method-assign]
    engine = DeliveryEngine(
        [planner],
        sender,
        clock,
        worker_id="bench" if lease_only else None,
        options=EngineOptions(batch=200, concurrency=16),
    )
    await engine.plan(due - timedelta(minutes=1), due + timedelta(minutes=1))
    started = time.perf_counter()
    report = await engine.run_due()
    rate = report.sent / (time.perf_counter() - started)
    assert report.sent == POSTS, report
    await engine.release()
    await close_database()
    return rate


async def throughput(name: str, fresh: Callable[[], str]) -> None:
    """``fresh`` gives an empty, migrated database for each run."""
    before, after = [], []
    for _ in range(3):  # alternate, so neither side gets the warmer database
        before.append(await send_rate(fresh(), lease_only=True))
        after.append(await send_rate(fresh(), lease_only=False))
    b, a = max(before), max(after)
    print(
        f"{name}: claim-and-send {a:,.0f} posts/s with liveness and keys vs. {b:,.0f} posts/s "
        f"lease only = {a / b:.2f}x ({POSTS} posts due at once, no-op outbox, best of 3)"
    )


def main() -> None:
    name = "copbot_bench_takeover"
    url = make_pg_database(name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(takeover(url, Path(folder)))
        asyncio.run(throughput("PostgreSQL", lambda: url))  # emptied by open_empty
    finally:
        drop_pg_database(name)
    with tempfile.TemporaryDirectory() as folder:
        template = make_sqlite_template(Path(folder))
        runs = itertools.count()

        def fresh_sqlite() -> str:
            directory = Path(folder) / str(next(runs))
            directory.mkdir()
            return sqlite_copy(template, directory)

        asyncio.run(throughput("SQLite", fresh_sqlite))


if __name__ == "__main__":
    main()
