"""Claim-and-send throughput of the delivery engine against a no-op outbox, on SQLite and
PostgreSQL, beside a raw single-row insert rate (aiosqlite / asyncpg) measured in the same
run; and the firing lateness (p50/p99) of posts all due at once under that load.

The posts go to 300 channels, ten each, as the reminders of many communities' meetings
at the same hour would: the engine sends one target's posts one after another, in the
order they were due, and different targets in parallel (until 2026-11-30 they all went to
one channel, sent in parallel and possibly out of order: 4,623/s on SQLite, 2,327/s on
PostgreSQL that day).

Each post costs: its share of the plan insert, its share of one batched claim statement
(UPDATE ... RETURNING on SQLite, with FOR UPDATE SKIP LOCKED on PostgreSQL) and one
UPDATE recording the outcome, committed together with the outcomes of the sends that
ended meanwhile (group commit).

Then a command's effects (``bot.kernel.effects``): commands that DM 1, 30 and 300 members,
through the whole core with the engine attached, against the same command queueing
nothing. Each command writes its rows with one insert and one read inside its transaction,
sends them after the commit and records them with one statement.

Run: python -m benchmarks scheduler_throughput
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from benchmarks.sqlite_floor import raw_insert_rate
from bot.kernel.clock import SystemClock
from bot.kernel.context import Ctx
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from bot.kernel.messages import Message, Paragraph, Text
from bot.kernel.outbox import SendKey
from bot.kernel.who import Who
from data.db import close_database, migrate
from data.models import Delivery, Member, Workspace
from scheduler.effects import attach_command_effects
from scheduler.engine import DeliveryEngine, EngineOptions
from scheduler.planning import DuePost, Sender
from scheduler.sender import OutboxSender
from tests.support.databases import PG_ADMIN_DSN, drop_pg_database, make_pg_database, open_empty
from tests.support.harness import test_settings

POSTS = 3_000
CHANNELS = 300  # the posts spread over them, in order within each
RAW_ROWS = 2_000


class NoOpOutbox:
    platform = "console"

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        return "ref"

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        return "ref"


class BenchPlanner:
    kinds: tuple[str, ...] = ("bench",)

    def __init__(self, posts: list[DuePost]) -> None:
        self.posts = posts
        self.workspace: Workspace | None = None

    async def due_between(self, start: datetime, end: datetime) -> list[DuePost]:
        return [post for post in self.posts if start <= post.due_at < end]

    async def send(self, delivery: Delivery, sender: Sender) -> None:
        assert self.workspace is not None
        message = Message([Paragraph((Text(delivery.subject),))])
        channel = delivery.target.removeprefix("channel:")
        await sender.to_channel(self.workspace, channel, message)


async def raw_pg_rate(name: str) -> float:
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE raw_t (id SERIAL PRIMARY KEY, k TEXT UNIQUE, v TEXT)")
        started = time.perf_counter()
        for index in range(RAW_ROWS):
            await conn.execute("INSERT INTO raw_t (k, v) VALUES ($1, $2)", f"k{index}", "v")
        return RAW_ROWS / (time.perf_counter() - started)
    finally:
        await conn.close()


async def engine_run(url: str) -> tuple[float, float, list[float]]:
    """(plan rate, claim-and-send rate, lateness seconds per post)."""
    await open_empty(url)
    clock = SystemClock()
    core = Core(test_settings(DATABASE_URL=url), clock, default_registry())
    core.attach_outbox(NoOpOutbox())  # type: ignore[arg-type]
    workspace = await Workspace.create(platform="console", external_id="B", created_at=clock.now())
    due = clock.now() + timedelta(seconds=2)
    posts = [
        DuePost(workspace.id, "bench", f"channel:C{i % CHANNELS}", f"p{i}", due)
        for i in range(POSTS)
    ]
    planner = BenchPlanner(posts)
    planner.workspace = workspace
    engine = DeliveryEngine(
        [planner],
        OutboxSender(core, clock, core.settings),
        clock,
        worker_id="bench",
        options=EngineOptions(batch=200, concurrency=16),
    )
    started = time.perf_counter()
    await engine.plan(due - timedelta(minutes=1), due + timedelta(minutes=1))
    plan_rate = POSTS / (time.perf_counter() - started)
    await asyncio.sleep(max((due - clock.now()).total_seconds(), 0))
    started = time.perf_counter()
    report = await engine.run_due()
    send_rate = report.sent / (time.perf_counter() - started)
    assert report.sent == POSTS, report
    lateness = [
        (row.sent_at - row.due_at).total_seconds()  # type: ignore[operator]
        for row in await Delivery.filter(status="sent")
    ]
    await close_database()
    return plan_rate, send_rate, lateness


FANOUTS = (1, 30, 300)
COMMANDS = {1: 300, 30: 40, 300: 6}  # commands run per fan-out size


async def command_effects_run(url: str) -> list[tuple[int, float, float, float]]:
    """(DMs a command sends, commands/s with them, the same command queueing none, DMs/s)."""
    await open_empty(url)
    clock = SystemClock()
    core = Core(test_settings(DATABASE_URL=url), clock, default_registry())
    core.attach_outbox(NoOpOutbox())  # type: ignore[arg-type]
    engine = attach_command_effects(core, clock, core.settings, worker_id="bench")
    who = Who(platform="console", workspace_id="B", user_id="u0", user_name="u0")
    await core.handle_text(who, "help")  # the workspace and its first member
    workspace = await Workspace.get(external_id="B")
    members = [
        await Member.create(
            workspace=workspace, external_id=f"m{i}", display_name=f"m{i}", first_seen=clock.now()
        )
        for i in range(max(FANOUTS))
    ]
    message = Message([Paragraph((Text("The meeting moved to Thursday."),))])
    results = []
    for fanout in FANOUTS:

        async def tell(ctx: Ctx, fanout: int = fanout) -> None:
            for member in members[:fanout]:
                await ctx.direct(member, message)

        async def nothing(ctx: Ctx) -> None:
            return None

        rates = []
        for work in (tell, nothing):
            started = time.perf_counter()
            for _ in range(COMMANDS[fanout]):
                await core._run(who, "bench", work)
            await engine.settle()  # the DMs go out as the replies do: all sent by now
            rates.append(COMMANDS[fanout] / (time.perf_counter() - started))
        if engine.later is not None:  # recorded a moment later, as in ``copbot run``
            await engine.later.flush()
        sent = await Delivery.filter(kind="effect", status="sent").count()
        assert sent >= COMMANDS[fanout] * fanout, sent
        results.append((fanout, rates[0], rates[1], rates[0] * fanout))
        await Delivery.filter(kind="effect").delete()
    await close_database()
    return results


def report_effects(name: str, results: list[tuple[int, float, float, float]]) -> None:
    for fanout, with_rows, without, dms in results:
        print(
            f"{name}: a command DMing {fanout} member(s): {1000 / with_rows:,.2f} ms "
            f"vs {1000 / without:,.2f} ms for the same command queueing nothing; "
            f"{dms:,.0f} DMs/s written, sent and recorded"
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, raw: float, plan: float, send: float, lateness: list[float]) -> None:
    print(f"{name}: raw single-row insert+commit {raw:,.0f}/s (baseline)")
    print(f"{name}: plan (bulk insert) {plan:,.0f} posts/s")
    print(
        f"{name}: claim-and-send {send:,.0f} posts/s = {send / raw:.2f}x the raw insert rate "
        f"({POSTS} posts due at once, no-op outbox)"
    )
    print(
        f"{name}: firing lateness p50 {statistics.median(lateness) * 1000:,.0f} ms, "
        f"p99 {percentile(lateness, 0.99) * 1000:,.0f} ms, max {max(lateness) * 1000:,.0f} ms"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        url = f"sqlite://{directory / 'bench.sqlite3'}"
        asyncio.run(migrate(url))
        raw = asyncio.run(raw_insert_rate(directory / "raw.sqlite3", RAW_ROWS))
        report("SQLite", raw, *asyncio.run(engine_run(url)))
        url = f"sqlite://{directory / 'effects.sqlite3'}"
        asyncio.run(migrate(url))
        report_effects("SQLite", asyncio.run(command_effects_run(url)))
    name = "copbot_bench_scheduler"
    url = make_pg_database(name)
    try:
        raw = asyncio.run(raw_pg_rate(name))
        report("PostgreSQL", raw, *asyncio.run(engine_run(url)))
        report_effects("PostgreSQL", asyncio.run(command_effects_run(url)))
    finally:
        drop_pg_database(name)


if __name__ == "__main__":
    main()
