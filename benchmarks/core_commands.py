"""Commands through the whole core (parse, transaction, handler, SQL) on SQLite, beside the
raw aiosqlite insert rate measured in the same run; and repertoire search latency with
20,000 resources on SQLite FTS5 and PostgreSQL.

Run: python -m benchmarks core_commands
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from data.db import close_database
from data.models import Community, Resource, Workspace
from data.search import SearchFilter, search_resource_ids
from tests.support.databases import drop_pg_database, make_pg_database, open_empty
from tests.support.harness import Harness

SHARES = 400
RESOURCES = 20_000
QUERIES = 200
WORDS = ["rubric", "grading", "video", "accessibility", "portfolio", "template", "feedback"]


async def raw_insert_rate(path: Path, count: int) -> float:
    async with aiosqlite.connect(path) as conn:
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, url TEXT UNIQUE, title TEXT)")
        await conn.commit()
        started = time.perf_counter()
        for index in range(count):
            await conn.execute(
                "INSERT INTO t (url, title) VALUES (?, ?)", (f"https://x.example/{index}", "t")
            )
            await conn.commit()
        return count / (time.perf_counter() - started)


async def share_rate(url: str) -> float:
    await open_empty(url)
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    started = time.perf_counter()
    for index in range(SHARES):
        await h.say("Ada", f"share https://x.example/{index} Resource {index} #tag")
    rate = SHARES / (time.perf_counter() - started)
    await close_database()
    return rate


async def search_latencies(url: str) -> list[float]:
    await open_empty(url)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    workspace = await Workspace.create(platform="console", external_id="B", created_at=now)
    community = await Community.create(
        workspace=workspace, name="Bench", name_key="bench", created_at=now
    )
    batch = [
        Resource(
            workspace=workspace,
            community=community,
            url=f"https://x.example/{i}",
            url_key=f"https://x.example/{i}",
            title=f"{WORDS[i % len(WORDS)]} guide {i}",
            description=f"notes about {WORDS[(i * 3) % len(WORDS)]} and more",
            tags_text=WORDS[(i * 5) % len(WORDS)],
            shared_at=now + timedelta(seconds=i),
        )
        for i in range(RESOURCES)
    ]
    await Resource.bulk_create(batch, batch_size=2000)
    where = SearchFilter(workspace.id)
    timings = []
    for index in range(QUERIES):
        started = time.perf_counter()
        await search_resource_ids(f"{WORDS[index % len(WORDS)]} guide", where)
        timings.append(time.perf_counter() - started)
    await close_database()
    return timings


def describe(timings: list[float]) -> str:
    ordered = sorted(timings)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"


async def run() -> None:
    from tests.support.databases import make_sqlite_template, sqlite_copy

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        baseline = await raw_insert_rate(directory / "raw.sqlite3", SHARES)
        template = await asyncio.to_thread(make_sqlite_template, directory)
        rate = await share_rate(sqlite_copy(template, directory))
        print(f"raw aiosqlite insert+commit: {baseline:,.0f}/s (baseline)")
        print(f"`share` through the core on SQLite: {rate:,.0f}/s = {rate / baseline:.2f}x")
        sqlite_search = await search_latencies(sqlite_copy(template, directory))
        print(f"search, {RESOURCES:,} resources, SQLite FTS5: {describe(sqlite_search)}")
    name = "copbot_bench_search"
    url = await asyncio.to_thread(make_pg_database, name)
    try:
        pg_search = await search_latencies(url)
        print(f"search, {RESOURCES:,} resources, PostgreSQL tsvector: {describe(pg_search)}")
        ratio = statistics.median(pg_search) / statistics.median(sqlite_search)
        print(f"PostgreSQL / SQLite median search time: {ratio:.2f}x")
    finally:
        await asyncio.to_thread(drop_pg_database, name)


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
