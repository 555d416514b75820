"""Repertoire search at 20,000 and 100,000 resources on SQLite and PostgreSQL: p50/p95 for
four query shapes (one word, two words, a prefix, a tag), three rounds with the median
shown, and how many of each query's top 10 are in the exact ranking's top 10 (every match
scored), over a fixed set of 48 queries.

The repertoire is synthetic but shaped like text: a 20,000-word vocabulary drawn with a
Zipf law, so the commonest words match 15,000-30,000 resources at 100,000, as common
words do. It is written with raw SQL (executemany on SQLite, COPY on PostgreSQL), so the
search structures are filled by the same triggers and generated columns as in production.

Run: python -m benchmarks search_scale. While iterating, ``SEARCH_BENCH_SIZES=100000``
and ``SEARCH_BENCH_DATABASES=sqlite`` (or ``postgres``) measure less.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import asyncpg

from data import sqlite_engine
from data.db import close_database, connection, init_database, quick_rows
from data.search import (
    SearchFilter,
    _filters,
    exact_resource_ids,
    latest_resource_ids,
    search_resource_ids,
)
from tests.support.databases import drop_pg_database, make_pg_database, make_sqlite_template

SIZES = tuple(int(n) for n in os.environ.get("SEARCH_BENCH_SIZES", "20000,100000").split(","))
DATABASES = os.environ.get("SEARCH_BENCH_DATABASES", "sqlite,postgres").split(",")
ROUNDS = 3
REPEATS = 3  # each query of a shape, per round
GOAL_MS = 20.0
AGREEMENT_GOAL = 9.0  # of 10
BESIDE_SECONDS = 3.0  # the look-ups timed beside searches, each way
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "vi",
    "so",
    "pe",
    "du",
    "ga",
    "fi",
    "ho",
    "ze",
    "bu",
    "ri",
    "ma",
    "te",
    "no",
    "li",
]
NOW = datetime(2027, 1, 1, tzinfo=UTC)
COMMUNITIES = 20  # the last one archived: its resources are filtered out
Row = tuple[str, str, str]


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Corpus:
    """Deterministic titles, descriptions and tags, and the fixed query set."""

    def __init__(self, seed: int = 14) -> None:
        rng = random.Random(seed)
        self.words = vocabulary(rng)
        self.tags = self.words[:60]
        weights = list(accumulate(1 / (rank + 8) ** 1.05 for rank in range(len(self.words))))

        def text(count: int) -> str:
            # distinct words, a duplicate re-drawn from the same law: drawn with replacement,
            # 4.6% of titles read "lima lima ..." and, scored higher for the repeat, filled
            # the exact top 10 of the commonest words
            drawn: dict[str, None] = {}
            while len(drawn) < count:
                missing = count - len(drawn)
                drawn.update(dict.fromkeys(rng.choices(self.words, cum_weights=weights, k=missing)))
            return " ".join(drawn)

        self.rows: list[Row] = [
            (
                text(rng.randint(3, 9)),
                text(rng.randint(0, 25)),
                " ".join(rng.sample(self.tags, rng.randint(0, 3))),
            )
            for _ in range(SIZES[-1])
        ]

    def queries(self) -> dict[str, list[str]]:
        w = self.words
        ranks = (0, 1, 2, 3, 5, 8, 12, 20, 35, 60, 150, 500)
        return {
            "1-word": [w[r] for r in ranks],
            "2-word": [f"{w[r]} {w[r + 1 + r % 5]}" for r in ranks],
            "prefix": [w[r][: max(3, len(w[r]) - 2)] for r in ranks],
            "tag": [f"#{self.tags[r % len(self.tags)]}" for r in ranks],
        }


def records(rows: list[Row], start: int) -> list[tuple[object, ...]]:
    return [
        (
            start + i + 1,
            f"https://x.example/{start + i}",
            f"https://x.example/{start + i}",
            title,
            description,
            "other",
            json.dumps(tags.split()),
            tags,
            NOW + timedelta(seconds=start + i),
            0,
            1 + (start + i) % COMMUNITIES,
            1,
        )
        for i, (title, description, tags) in enumerate(rows)
    ]


COLUMNS = [
    "id",
    "url",
    "url_key",
    "title",
    "description",
    "kind",
    "tags",
    "tags_text",
    "shared_at",
    "votes",
    "community_id",
    "workspace_id",
]


def sqlite_seed(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO workspace (id, platform, external_id, name, restrict_community_create,"
            " calendar_token, created_at) VALUES (1, 'console', 'B', 'Bench', 0, 't', ?)",
            (NOW.isoformat(),),
        )
        conn.executemany(
            "INSERT INTO community (id, name, name_key, description, tags, created_at, archived,"
            " digest_enabled, scheduled_events_enabled, visibility, workspace_id)"
            " VALUES (?, ?, ?, '', '[]', ?, ?, 1, 1, 'members', 1)",
            [(c, f"c{c}", f"c{c}", NOW.isoformat(), c == COMMUNITIES) for c in range(1, 21)],
        )


def sqlite_load(path: Path, rows: list[Row], start: int) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            f"INSERT INTO resource ({', '.join(COLUMNS)}) VALUES ({marks})",
            [
                tuple(v.isoformat() if isinstance(v, datetime) else v for v in record)
                for record in records(rows, start)
            ],
        )


async def pg_seed(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO workspace (id, platform, external_id, name, restrict_community_create,"
            " calendar_token, created_at) VALUES (1, 'console', 'B', 'Bench', false, 't', $1)",
            NOW,
        )
        await conn.executemany(
            "INSERT INTO community (id, name, name_key, description, tags, created_at, archived,"
            " digest_enabled, scheduled_events_enabled, visibility, workspace_id)"
            " VALUES ($1, $2, $2, '', '[]', $3, $4, true, true, 'members', 1)",
            [(c, f"c{c}", NOW, c == COMMUNITIES) for c in range(1, 21)],
        )
    finally:
        await conn.close()


async def pg_load(dsn: str, rows: list[Row], start: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("resource", columns=COLUMNS, records=records(rows, start))
        await conn.execute("ANALYZE resource")
    finally:
        await conn.close()


async def exact_latest(tags: tuple[str, ...], where: SearchFilter) -> list[int]:
    """The tag listing's reference: the filter alone, newest first, no index hint."""
    sqlite = connection().capabilities.dialect == "sqlite"
    conditions, params = _filters(where, "?" if sqlite else "$", 1)
    sql = f"""SELECT r.id AS id FROM resource r WHERE {conditions}
        ORDER BY r.shared_at DESC, r.id DESC LIMIT 10"""
    return [int(row["id"]) for row in await connection().execute_query_dict(sql, params)]


Search = Callable[[str], Awaitable[list[int]]]


def searchers(workspace: int) -> tuple[Search, Search]:
    def parts(query: str) -> tuple[str, SearchFilter]:
        tags = tuple(word[1:] for word in query.split() if word.startswith("#"))
        text = " ".join(word for word in query.split() if not word.startswith("#"))
        return text, SearchFilter(workspace, tags=tags)

    async def bounded(query: str) -> list[int]:
        text, where = parts(query)
        if text:
            return await search_resource_ids(text, where)
        return await latest_resource_ids(where)

    async def exact(query: str) -> list[int]:
        text, where = parts(query)
        if text:
            return await exact_resource_ids(text, where)
        return await exact_latest(where.tags, where)

    return bounded, exact


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(label: str, size: int, corpus: Corpus) -> dict[str, tuple[float, float]]:
    bounded, exact = searchers(1)
    shapes = corpus.queries()
    for queries in shapes.values():  # warm caches and prepared statements
        for query in queries:
            await bounded(query)
    rounds: dict[str, list[tuple[float, float]]] = {shape: [] for shape in shapes}
    for _ in range(ROUNDS):
        for shape, queries in shapes.items():
            timings = []
            for _ in range(REPEATS):
                for query in queries:
                    started = time.perf_counter()
                    await bounded(query)
                    timings.append((time.perf_counter() - started) * 1000)
            rounds[shape].append((statistics.median(timings), percentile(timings, 0.95)))
    agreement = []
    for queries in shapes.values():
        for query in queries:
            mine, reference = await bounded(query), await exact(query)
            agreement.append(len(set(mine) & set(reference)) / max(1, min(10, len(reference))))
    result = {}
    cells = []
    for shape, figures in rounds.items():
        p50 = statistics.median(f[0] for f in figures)
        p95 = statistics.median(f[1] for f in figures)
        result[shape] = (p50, p95)
        gap = "" if p95 <= GOAL_MS else f" ({p95 / GOAL_MS:.1f}x the goal)"
        cells.append(f"{shape} {p50:5.1f} / {p95:5.1f}{gap}")
    total = len(agreement)
    mean = 10 * statistics.mean(agreement)
    short = "" if mean >= AGREEMENT_GOAL else f" ({AGREEMENT_GOAL - mean:.1f} short of the goal)"
    print(
        f"{label:<10} {size:>7,}  p50/p95 ms: " + "; ".join(cells) + f"\n{'':>20}top-10 "
        f"agreement with exact ranking: mean {mean:.1f}/10{short}, "
        f"worst {10 * min(agreement):.0f}/10 over {total} queries",
        flush=True,
    )
    return result


def private_mib() -> float:
    """The process's private resident memory in MiB (Linux's RssAnon): what connections'
    page caches take, unlike the shared, reclaimable pages of a mapped file."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def lookup_beside_searches(corpus: Corpus) -> tuple[float, float, float]:
    """While two members search (one-word queries, back to back), the small look-up every
    command starts with (a member by key) is timed: its p50 and p99 in ms, and the
    searches a second meanwhile."""
    bounded, _ = searchers(1)
    queries = corpus.queries()["1-word"]
    until = time.perf_counter() + BESIDE_SECONDS
    searched = 0

    async def searcher(offset: int) -> None:
        nonlocal searched
        while time.perf_counter() < until:
            await bounded(queries[(searched + offset) % len(queries)])
            searched += 1

    async def looker() -> list[float]:
        timings = []
        while time.perf_counter() < until:
            started = time.perf_counter()
            await quick_rows("SELECT id FROM workspace WHERE id = ?", [1])
            timings.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.001)  # a command now and then, not a flood
        return timings

    *_, timings = await asyncio.gather(searcher(0), searcher(5), looker())
    rate = searched / BESIDE_SECONDS
    return statistics.median(timings), percentile(timings, 0.99), rate


async def print_lookup_beside_searches(corpus: Corpus, size: int) -> None:
    readers = await lookup_beside_searches(corpus)
    own = sqlite_engine.Client.parallel_rows
    del sqlite_engine.Client.parallel_rows  # as before: every read on the one connection
    try:
        one = await lookup_beside_searches(corpus)
    finally:
        sqlite_engine.Client.parallel_rows = own  # type: ignore[method-assign]
    print(
        f"{'':>20}a command's first look-up while two members search ({size:,}): p50/p99 "
        f"{readers[0]:.2f} / {readers[1]:.2f} ms, {readers[2]:.0f} searches/s; with the "
        f"searches on the one connection: {one[0]:.2f} / {one[1]:.2f} ms, {one[2]:.0f}/s",
        flush=True,
    )


async def run_sqlite(corpus: Corpus) -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = await asyncio.to_thread(make_sqlite_template, Path(folder))
        url = f"sqlite://{template}"
        await asyncio.to_thread(sqlite_seed, template)
        loaded = 0
        for size in SIZES:
            started = time.perf_counter()
            await asyncio.to_thread(sqlite_load, template, corpus.rows[loaded:size], loaded)
            load = time.perf_counter() - started
            loaded = size
            await init_database(url)
            try:
                before = private_mib()
                await measure(f"SQLite ({load:.0f} s load)", size, corpus)
                print(
                    f"{'':>20}private memory the searches added: {private_mib() - before:.1f} MiB"
                    " (the reader connections read the file through a shared map)",
                    flush=True,
                )
                if size == SIZES[-1]:
                    await print_lookup_beside_searches(corpus, size)
            finally:
                await close_database()


async def run_postgres(corpus: Corpus) -> None:
    name = "copbot_bench_search_scale"
    url = await asyncio.to_thread(make_pg_database, name)
    dsn = url.replace("postgres://", "postgresql://", 1)
    try:
        await pg_seed(dsn)
        loaded = 0
        for size in SIZES:
            started = time.perf_counter()
            await pg_load(dsn, corpus.rows[loaded:size], loaded)
            load = time.perf_counter() - started
            loaded = size
            await init_database(url)
            try:
                await measure(f"PostgreSQL ({load:.0f} s load)", size, corpus)
            finally:
                await close_database()
    finally:
        await asyncio.to_thread(drop_pg_database, name)


async def run() -> None:
    corpus = Corpus()
    print(
        f"goal: p95 <= {GOAL_MS:.0f} ms, agreement >= {AGREEMENT_GOAL:.0f}/10; {ROUNDS} rounds x "
        f"{REPEATS} runs of 12 queries a shape, median of the rounds shown",
        flush=True,
    )
    if "sqlite" in DATABASES:
        await run_sqlite(corpus)
    if "postgres" in DATABASES:
        await run_postgres(corpus)


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
