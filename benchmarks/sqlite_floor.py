"""The SQLite floor the benches compare with: one INSERT and its COMMIT through aiosqlite,
with the pragmas copbot's connection uses (WAL, as tortoise sets it, and the log's file
kept as ``data.sqlite_engine`` keeps it), so a ratio against it compares like with like.

Timed once the log has been written and checkpointed (``WARM_UP`` rows first): while a
new log's file grows, every commit syncs its size too, and the floor took 0.26-0.33 ms a
commit instead of 0.17-0.19 (six interleaved runs of 300). A running copbot's log has
long reached its working size; the benches bring copbot's side there too.

``Floor`` times the inserts in chunks, so a bench can interleave them with its own work:
this machine's speed drifts by a third within seconds, and a floor timed before the work
it is compared with read 0.27-0.47 for the same code in one run (``core_commands``).
"""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite

from data.sqlite_engine import WAL_KEEP_BYTES

WARM_UP = 300  # rows written and checkpointed before the timing starts


class Floor:
    """A table of its own on its own connection, warmed up; ``timed`` inserts rows."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._next = 0

    @classmethod
    async def open(cls, path: Path) -> Floor:
        connection = await aiosqlite.connect(path)
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute(f"PRAGMA journal_size_limit={WAL_KEEP_BYTES}")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, url TEXT UNIQUE, title TEXT)"
        )
        await connection.commit()
        floor = cls(connection)
        for _ in range(WARM_UP):
            await floor._insert()
        await connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return floor

    async def _insert(self) -> None:
        self._next += 1
        await self._connection.execute(
            "INSERT INTO t (url, title) VALUES (?, ?)", (f"https://x.example/{self._next}", "t")
        )
        await self._connection.commit()

    async def timed(self, count: int) -> float:
        """Seconds ``count`` single-row inserts took, each committed."""
        started = time.perf_counter()
        for _ in range(count):
            await self._insert()
        return time.perf_counter() - started

    async def close(self) -> None:
        await self._connection.close()


async def raw_insert_rate(path: Path, count: int) -> float:
    """Single-row inserts, each committed, per second."""
    floor = await Floor.open(path)
    try:
        return count / await floor.timed(count)
    finally:
        await floor.close()
