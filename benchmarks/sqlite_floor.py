"""The SQLite floor the benches compare with: one INSERT and its COMMIT through aiosqlite,
with the pragmas copbot's connection uses (WAL, as tortoise sets it, and the log's file
kept as ``data.sqlite_engine`` keeps it), so a ratio against it compares like with like.

Timed once the log has been written and checkpointed (``WARM_UP`` rows first): while a
new log's file grows, every commit syncs its size too, and the floor took 0.26-0.33 ms a
commit instead of 0.17-0.19 (six interleaved runs of 300). A running copbot's log has
long reached its working size; the benches bring copbot's side there too.
"""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite

from data.sqlite_engine import WAL_KEEP_BYTES

WARM_UP = 300  # rows written and checkpointed before the timing starts


async def raw_insert_rate(path: Path, count: int) -> float:
    """Single-row inserts, each committed, per second."""
    async with aiosqlite.connect(path) as conn:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, url TEXT UNIQUE, title TEXT)")
        await conn.commit()

        async def insert(index: int) -> None:
            await conn.execute(
                "INSERT INTO t (url, title) VALUES (?, ?)", (f"https://x.example/{index}", "t")
            )
            await conn.commit()

        for index in range(WARM_UP):
            await insert(-1 - index)
        await conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        started = time.perf_counter()
        for index in range(count):
            await insert(index)
        return count / (time.perf_counter() - started)
