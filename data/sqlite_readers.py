"""Connections of their own, in threads, for the SQLite reads that take milliseconds: the
statistics of ``data.stats_sql`` and the searches of ``data.search``.

tortoise's SQLite client has one connection, and every statement holds it. So a search
(~5 ms at 100,000 resources) held up every other member's command, whose first look-up
waited for it (p50 4.1 ms while two members searched, against 0.02 here), and the
dashboard's figures were counted one after another although the page asks for them
together (its activity counts ~24 ms, then its newcomers ~16, then the rest). In WAL mode
a reader never waits for a writer nor for another reader, and ``sqlite3`` lets go of the
GIL while SQLite works, so on connections of their own, each in a thread, these reads
leave the client's connection free and run on both cores (``make bench``: search_scale,
web_pages).

Only reads outside a transaction come here (``data.sqlite_engine.Client.parallel_rows``):
a transaction's own connection is the only one that sees its writes. Each connection is
``query_only``, so nothing here can write. A database in memory has no file to share and
keeps using the one connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

SIZE = 2  # the dashboard's two slowest counts at once; 4 bought nothing more here
# The database file is read through a memory map, the operating system's page cache,
# which every connection shares and the system can take back, rather than through a page
# cache of each connection's own: with 64 MiB caches like the writer's, searches at
# 100,000 resources added 27 MiB of private memory to the process and ran no faster
# (p50 4.6-4.7 ms against 4.5-4.6 mapped, interleaved runs); mapped, under 1 MiB
# (search_scale prints it). SQLite maps the file read-only, so nothing can write through
# it; the small cache left holds the pages read from the write-ahead log, not mapped.
MAP_BYTES = 256 * 1024 * 1024  # a bigger file's remainder is read as usual
CACHE_KIB = 2048  # SQLite's default


class ReaderPool:
    """Up to ``SIZE`` read-only connections to the database file at ``path``."""

    def __init__(self, path: str, busy_ms: int) -> None:
        self._path = path
        self._pragmas = (
            f"PRAGMA busy_timeout={busy_ms}",
            f"PRAGMA mmap_size={MAP_BYTES}",
            f"PRAGMA cache_size=-{CACHE_KIB}",
            "PRAGMA query_only=1",
        )
        self._idle: list[sqlite3.Connection] = []
        self._free = asyncio.Semaphore(SIZE)
        self._closed = False

    async def rows(self, sql: str, values: list[Any]) -> list[dict[str, Any]]:
        async with self._free:
            if self._closed:
                raise sqlite3.ProgrammingError("the database is closed")
            idle = self._idle.pop() if self._idle else None
            try:
                connection, rows = await asyncio.to_thread(self._fetch, idle, sql, values)
            except asyncio.CancelledError:
                raise  # its thread may still be reading: the connection is left to it
            except Exception:
                if idle is not None:
                    self._put_back(idle)
                raise
            self._put_back(connection)
            return rows

    def _put_back(self, connection: sqlite3.Connection) -> None:
        if self._closed:  # closed while it was reading
            connection.close()
        else:
            self._idle.append(connection)

    def _fetch(
        self, connection: sqlite3.Connection | None, sql: str, values: list[Any]
    ) -> tuple[sqlite3.Connection, list[dict[str, Any]]]:
        if connection is None:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            connection.row_factory = sqlite3.Row
            for pragma in self._pragmas:
                connection.execute(pragma)
        return connection, [dict(row) for row in connection.execute(sql, values).fetchall()]

    def close(self) -> None:
        """Close the idle connections; none is in use once the database's users stopped."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()
