"""Scheduler start-up with 100,000 future occurrences: 50,000 one-off meetings and 500
weekly series of 100 weeks each, spread over two years. Measures the first tick after
start-up (the 8-day catch-up look-back plus the planning horizon, which also sends what
is due then) for time and peak Python memory, on SQLite and PostgreSQL. Only the planning
window is expanded, so the cost should not grow with the number of future occurrences.

Run: python -m benchmarks scheduler_startup
"""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from data.db import close_database, migrate
from data.models import Community, Delivery, Meeting, Workspace
from scheduler.engine import EngineOptions
from scheduler.service import SchedulerService
from tests.support.databases import drop_pg_database, make_pg_database, open_empty
from tests.support.harness import RecordingOutbox, test_settings

ONE_OFF = 50_000
SERIES = 500
WEEKS = 100
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


async def seed() -> None:
    workspace = await Workspace.create(platform="console", external_id="B", created_at=NOW)
    communities = [
        await Community.create(
            workspace=workspace,
            name=f"c{i}",
            name_key=f"c{i}",
            home_channel_id=f"C{i}",
            created_at=NOW,
        )
        for i in range(50)
    ]
    meetings = []
    for i in range(ONE_OFF):
        start = NOW + timedelta(minutes=30 + i * 21)  # ~2 years
        meetings.append(
            Meeting(
                community=communities[i % 50],
                title=f"one-off {i}",
                start_local=start.strftime("%Y-%m-%dT%H:%M"),
                timezone="UTC",
                created_at=NOW - timedelta(days=30),
            )
        )
    for i in range(SERIES):
        start = NOW + timedelta(days=i % 7, hours=1 + i % 10, minutes=i % 60)
        meetings.append(
            Meeting(
                community=communities[i % 50],
                title=f"weekly {i}",
                start_local=start.strftime("%Y-%m-%dT%H:%M"),
                timezone="America/Toronto",
                rrule=f"FREQ=WEEKLY;COUNT={WEEKS}",
                created_at=NOW - timedelta(days=30),
            )
        )
    await Meeting.bulk_create(meetings, batch_size=2000)


async def first_tick(url: str, *, trace: bool) -> tuple[float, float, int, int, int]:
    """(planning seconds, whole first tick seconds, posts recorded, posts sent, peak bytes)."""
    await open_empty(url)
    await seed()
    clock = ManualClock(NOW)
    settings = test_settings(DATABASE_URL=url)
    core = Core(settings, clock, default_registry())
    core.attach_outbox(RecordingOutbox())
    service = SchedulerService(core, settings, clock, options=EngineOptions(), worker_id="bench")
    if trace:
        tracemalloc.start()  # after seeding: only the scheduler's own allocations count
    options = service.engine.options
    started = time.perf_counter()
    await service.engine.plan(NOW - options.catch_up, NOW + options.horizon)
    planning = time.perf_counter() - started
    started = time.perf_counter()
    report = await service.tick()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    recorded = await Delivery.all().count()
    await close_database()
    return planning, elapsed, recorded, report.sent, peak


def show(name: str, url: str) -> None:
    planning, seconds, recorded, sent, _ = asyncio.run(first_tick(url, trace=False))
    print(
        f"{name}: {ONE_OFF + SERIES * WEEKS:,} future occurrences: start-up planning "
        f"{planning * 1000:,.0f} ms ({recorded} posts recorded); then the first tick, which "
        f"sends the {sent} posts due, {seconds * 1000:,.0f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite://{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(migrate(url))
        show("SQLite", url)
        # again on a fresh copy, traced (tracemalloc slows it, so not timed)
        fresh = f"sqlite://{Path(folder) / 'traced.sqlite3'}"
        asyncio.run(migrate(fresh))
        *_, peak = asyncio.run(first_tick(fresh, trace=True))
        print(f"SQLite: peak Python memory during start-up {peak / 1e6:,.1f} MB (tracemalloc)")
    name = "copbot_bench_startup"
    url = make_pg_database(name)
    try:
        show("PostgreSQL", url)
    finally:
        drop_pg_database(name)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (including seeding 50,500 meetings twice): {rss:,.0f} MB")


if __name__ == "__main__":
    main()
