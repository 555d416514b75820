"""Commands through the whole core (parse, transaction, handler, SQL) on SQLite, beside the
raw aiosqlite insert+commit rate (``benchmarks/sqlite_floor.py``) measured in the same run,
in chunks between the shares' (three rounds, median shown);
the SQL statements each registry command sends, in a workspace with 6 communities,
members, meetings and resources (tests/perf_correctness checks they do not grow with it);
and how long the commands members type most take through the core in that workspace.

Search at scale has its own bench: benchmarks/search_scale.py.

Run: python -m benchmarks core_commands
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.sqlite_floor import WARM_UP, Floor
from copbot.heap import freeze_start_up_objects
from data import sqlite_engine
from data.db import close_database, connection
from data.models import Community, Member, Membership
from data.sqlite_checkpoints import CHECKPOINT_EVERY
from scheduler.engine import EngineOptions
from tests.perf_correctness.test_statements_per_command import Statements, build, run_script
from tests.support.databases import make_sqlite_template, open_empty, sqlite_copy
from tests.support.harness import Harness

SHARES = 300
CHUNK = 50  # shares timed between two chunks of the floor's inserts
ROUNDS = 3
GOAL = 0.5
# what members type most, timed one after another in the statement count's world
TIMED = [
    ("Bob", "communities", None),
    ("Bob", "meetings", None),
    ("Bob", "resources", "C1"),
    ("Bob", "resources handout", None),
    ("Bob", "whois @Ada", None),
    ("Bob", "rsvp Meet0 maybe", None),  # a write: its answer rewritten, and committed
]
REPEATS = 60
CROWD = 5_000  # members of the community a share is timed in, beside the 4 of the others


@dataclass
class ShareRun:
    rate: float  # shares per second
    cpu_each: float  # the loop thread's CPU seconds per share
    floor_rate: float = 0.0  # the floor's inserts per second, timed between the shares


async def share_rate(
    url: str, floor: Floor | None = None, starting: Callable[[], None] = lambda: None
) -> ShareRun:
    """``SHARES`` shares through the core, timed in chunks of ``CHUNK``; with a ``floor``,
    as many of its inserts are timed between the chunks, so both sides see the machine as
    it is in the same seconds. ``starting`` is called as the timing starts."""
    await open_empty(url)
    # effects sent and recorded as ``copbot run`` does: posts go out while the reply
    # does, their outcomes are recorded a moment later, together
    h = Harness.build(record_after=EngineOptions.record_after)
    await h.say("Ada", "community create python", channel="C1")
    for name in ("Bob", "Cy", "Dee"):
        await h.say(name, "join python")
    for index in range(WARM_UP):  # as many as the floor's warm-up rows
        await h.say("Ada", f"share https://x.example/warm{index} Warm-up {index} #tag")
    assert h.effects is not None and h.effects.later is not None
    await h.effects.settle()
    # as the floor's: the log's file written, then copied back by the checkpoint thread, so
    # the timed shares overwrite its blocks, as a running process's commits do once its
    # log has reached its working size (back-to-back shares never leave the thread a gap
    # to copy the whole log back in, so without this pause every commit grew the file)
    await asyncio.sleep(3 * CHECKPOINT_EVERY)
    freeze_start_up_objects()  # as `copbot run` does once started (copbot/heap.py)
    starting()
    spent = floor_spent = cpu = 0.0
    for chunk in range(SHARES // CHUNK):
        started, cpu_started = time.perf_counter(), time.thread_time()
        for index in range(chunk * CHUNK, (chunk + 1) * CHUNK):
            await h.say("Ada", f"share https://x.example/{index} Resource {index} #tag")
        await h.effects.settle()  # every channel post sent (they go out while the reply does)
        await h.effects.later.flush()  # and recorded, not left to run in the floor's time
        spent += time.perf_counter() - started
        cpu += time.thread_time() - cpu_started
        if floor is not None:
            # the log copied back now, so the checkpoint thread's work and the floor's
            # commits do not meet on the disk (the floor's own log is checkpointed by its
            # commits, inside its time, as SQLite does by default)
            await connection().execute_query("PRAGMA wal_checkpoint(PASSIVE)")
            floor_spent += await floor.timed(CHUNK)
    gc.unfreeze()  # the rest of the bench process frees this round's objects
    await close_database()
    return ShareRun(
        rate=SHARES / spent,
        cpu_each=cpu / SHARES,
        floor_rate=SHARES / floor_spent if floor is not None else 0.0,
    )


@contextmanager
def engine_timer() -> Iterator[dict[str, float]]:
    """Seconds the loop's thread spends in SQLite's engine (``data.sqlite_engine``): the
    statements it runs there, and the commits, by wrapping them for one run (the wrapping
    costs a little, so the rounds above run without it)."""
    spent = {"statements": 0.0, "commits": 0.0}

    def timed(method: Any, what: str) -> Any:
        @functools.wraps(method)
        async def wrapper(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return await method(*args)
            finally:
                spent[what] += time.perf_counter() - started

        return wrapper

    wrapped = [
        (sqlite_engine._QuickReads, "quick_rows", "statements"),
        (sqlite_engine._Transaction, "quick_write", "statements"),
        (sqlite_engine._Transaction, "begin", "statements"),
        (sqlite_engine._Transaction, "commit", "commits"),
    ]
    originals = [(cls, name, cls.__dict__[name]) for cls, name, _ in wrapped]
    for cls, name, what in wrapped:
        setattr(cls, name, timed(getattr(cls, name), what))
    try:
        yield spent
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)


async def sqlite_share(url: str, floor: Floor) -> tuple[float, float, float]:
    """Milliseconds a share spends in SQLite's statements and in its commit, and a floor
    insert timed between them."""
    with engine_timer() as spent:
        run_ = await share_rate(
            url, floor, starting=lambda: spent.update(statements=0.0, commits=0.0)
        )
    each = 1000 / SHARES
    return spent["statements"] * each, spent["commits"] * each, 1000 / run_.floor_rate


async def statements_per_command(url: str) -> dict[str, int]:
    await open_empty(url)
    handler = Statements()
    logger = logging.getLogger("tortoise.db_client")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        world = await build("T1", 6)
        await run_script(world, handler)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.WARNING)
        await close_database()
    return world.counts


async def crowded_share(url: str) -> float:
    """Milliseconds a share takes in a community of ``CROWD`` members (the median of five
    runs of ``REPEATS``): its channel post's language is the one most of them read."""
    await open_empty(url)
    h = Harness.build(record_after=EngineOptions.record_after)
    await h.say("Ada", "community create python", channel="C1")
    community = await Community.get(name="python")
    now = h.clock.now()
    await Member.bulk_create(
        [
            Member(
                workspace_id=community.workspace_id,  # type: ignore[attr-defined]
                external_id=f"crowd{index}",
                display_name=f"Member {index}",
                language="fr" if index % 3 else "en",
                first_seen=now,
            )
            for index in range(CROWD)
        ],
        batch_size=1000,
    )
    crowd = await Member.filter(external_id__startswith="crowd").values_list("id", flat=True)
    await Membership.bulk_create(
        [Membership(member_id=id_, community=community, joined_at=now) for id_ in crowd],
        batch_size=1000,
    )
    rounds = []
    for round_ in range(5):
        started = time.perf_counter()
        for index in range(REPEATS):
            await h.say("Ada", f"share https://x.example/{round_}/{index} Resource #tag")
        rounds.append((time.perf_counter() - started) / REPEATS * 1000)
    assert h.effects is not None
    await h.effects.settle()
    if h.effects.later is not None:
        await h.effects.later.flush()
    await close_database()
    return statistics.median(rounds)


async def command_times(url: str) -> dict[str, float]:
    """Milliseconds each of ``TIMED`` takes through the core: the median of five runs of
    ``REPEATS`` (the same member repeating a command, so an answer is rewritten in place)."""
    await open_empty(url)
    world = await build("T1", 6)
    freeze_start_up_objects()
    times = {}
    for who, line, channel in TIMED:
        rounds = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(REPEATS):
                reply = await world.h.say(who, line, channel=channel)
            rounds.append((time.perf_counter() - started) / REPEATS * 1000)
            assert not reply.is_error, f"{line!r} failed: {reply}"
        times[line] = statistics.median(rounds)
    gc.unfreeze()
    if world.h.effects is not None:
        await world.h.effects.settle()
        if world.h.effects.later is not None:
            await world.h.effects.later.flush()
    await close_database()
    return times


async def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        template = await asyncio.to_thread(make_sqlite_template, directory)
        ratios, raws, shares, cpus = [], [], [], []
        for round_ in range(ROUNDS):
            floor = await Floor.open(directory / f"raw{round_}.sqlite3")
            try:
                run_ = await share_rate(sqlite_copy(template, directory), floor)
            finally:
                await floor.close()
            raws.append(run_.floor_rate)
            shares.append(run_.rate)
            cpus.append(run_.cpu_each)
            ratios.append(run_.rate / run_.floor_rate)
        ratio = statistics.median(ratios)
        gap = "" if ratio >= GOAL else f" ({GOAL / ratio:.1f}x short of the {GOAL} goal)"
        print(
            f"raw aiosqlite insert+commit: {statistics.median(raws):,.0f}/s (baseline); "
            f"`share` through the core on SQLite: {statistics.median(shares):,.0f}/s\n"
            f"share / raw: median {ratio:.2f}{gap} "
            f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})\n"
            f"a share: {1000 / statistics.median(shares):.2f} ms, of which "
            f"{statistics.median(cpus) * 1000:.2f} ms of the loop thread's CPU (Python, and "
            f"SQLite's work on that thread); the baseline: {1000 / statistics.median(raws):.2f} ms",
            flush=True,
        )
        floor = await Floor.open(directory / "raw-bound.sqlite3")
        try:
            statements, commit, floor_ms = await sqlite_share(
                sqlite_copy(template, directory), floor
            )
        finally:
            await floor.close()
        print(
            f"what bounds it: a share's SQLite work alone (timed around the engine's calls, "
            f"a fourth run): {statements + commit:.2f} ms, of which its commit {commit:.2f} ms "
            f"(10 pages: the resource and its 4 indexes, its full-text queue entry, the ledger "
            f"row and its 2 indexes, the id sequence); with no Python at all a share would "
            f"reach {floor_ms / (statements + commit):.2f} (the floor {floor_ms:.2f} ms then)",
            flush=True,
        )
        counts = await statements_per_command(sqlite_copy(template, directory))
        times = await command_times(sqlite_copy(template, directory))
        crowded = await crowded_share(sqlite_copy(template, directory))
    print(
        f"a share in a community of {CROWD:,} members: {crowded:.2f} ms (its channel's "
        "language counted once, then kept until its readers change)"
    )
    print(
        "a command through the core, SQLite, 6 communities with meetings (ms, median of 5x"
        f"{REPEATS}):\n  " + " · ".join(f"{line} {ms:.2f}" for line, ms in times.items())
    )
    print("SQL statements per command (6 communities, members, meetings, resources):")
    by_command: dict[str, list[int]] = {}
    for step, count in counts.items():
        by_command.setdefault(step.split(" ", 1)[1].split(":", 1)[0], []).append(count)
    cells = [f"{name} {max(values)}" for name, values in sorted(by_command.items())]
    for start in range(0, len(cells), 6):
        print("  " + " · ".join(cells[start : start + 6]))


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
