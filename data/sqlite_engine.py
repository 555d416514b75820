"""tortoise's SQLite backend, with the small statements every command makes kept off
aiosqlite's thread.

aiosqlite runs each statement on a worker thread: a round trip through a queue, a thread
wake-up and the event loop's self-pipe, which costs more than the statement itself when it
reads one indexed row (measured with ``make bench``, core_commands). So:

* ``quick_rows`` runs a small read chosen by its caller (``data.hotpath``: rows by key,
  never a scan) on the event loop's own thread. It holds the client's lock as any
  statement does, so the worker thread is idle meanwhile; in WAL mode a read never waits
  for a writer, so it cannot stall the loop on another process's lock.
* ``BEGIN IMMEDIATE`` runs there too, tried without waiting (``busy_timeout`` 0): the
  transaction takes the database's write lock at once, or, when another process holds
  it, begins on the worker thread instead, waiting there as any statement would. A
  command's transaction writes, so it takes the lock first: with a deferred ``BEGIN`` the
  first write came after reads, and SQLite refuses a reader's upgrade at once, without
  waiting, when another process writes (and always under the full-text triggers, whose
  own reads come first): the command failed with "database is locked". Tortoise's
  ``COMMIT`` before each ``BEGIN`` is skipped: the connection is in autocommit mode
  (``isolation_level=None``), so nothing is open unless SQLite says so, for free.
* ``quick_write`` runs a small write inside a transaction (``data.hotpath``: a row or a
  command's ledger rows) there too: the lock is the transaction's, so nothing can make
  it wait, and it only changes pages in memory; nothing reaches the disk before
  ``COMMIT``.
* ``COMMIT`` waits for the disk, and the loop's thread waits with it while the disk is
  quick, that is while this connection's commits have lately taken under
  ``INLINE_COMMIT_BUDGET`` (a smoothed average, ``CommitTimes``). A ``share``'s commit
  synced ~17 pages in ~0.5 ms here then (~13 in ~0.25 ms since: batched full-text
  indexing, ``WAL_KEEP_BYTES``), and the trip to the worker thread and back added
  0.1-0.6 ms to the whole ``share``, more on a busy machine (1.9-2.6 ms a share with it,
  1.8-2.2 without, four runs side by side). A commit that runs a WAL checkpoint (every
  ~1,000 pages, ~60 shares) would hold the loop for 5-12 ms here, which is why they have
  a thread of their own (below). A slow disk raises the average past the budget, and
  commits go back to the worker thread until it falls again.

Checkpoints of the write-ahead log run on a thread of their own
(``data.sqlite_checkpoints``), so no command's commit runs one, and the reads that take
milliseconds (searches, statistics) on reader connections of their own
(``data.sqlite_readers``, ``parallel_rows``). Every other statement stays on the worker
thread. Selected in ``data.db.tortoise_config`` for ``sqlite://``
URLs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

import aiosqlite
from tortoise.backends.base.client import (
    ConnectionWrapper,
    NestedTransactionContext,
    TransactionContext,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from data.errors import DatabaseBusy
from data.sqlite_checkpoints import BACKSTOP_PAGES, Checkpointer
from data.sqlite_readers import ReaderPool

# a commit may run on the loop's thread while this connection's recent commits took less
INLINE_COMMIT_BUDGET = 0.002  # seconds
# SQLite's page cache for the connection, at most (taken as pages are read). Its default,
# 2 MiB, is smaller than a big repertoire's full-text doclists or a dashboard's counts, so
# those re-read pages from the OS on every query: at 100,000 resources a search's p50 was
# 7.2-8.0 ms with it and 6.3-7.2 with 64 MiB (interleaved runs of the search bench),
# and a cold dashboard's figures ~10% faster.
CACHE_KIB = 65_536
# how much of the write-ahead log is kept once a checkpoint has copied it back (tortoise
# sets 16 KiB). A log cut back to 16 KiB grows again on the next commits, and a write that
# grows a file syncs the file's size too: a 13-page commit took 325-394 µs that way and
# 213-241 µs when the log's blocks were reused (plain sqlite3, 3,000 commits each). The
# log reaches this size only when writes outrun the checkpoints (``data.sqlite_checkpoints``).
# Set in ``data.db.tortoise_config`` unless the URL sets it.
WAL_KEEP_BYTES = 64 * 1024 * 1024
_SMOOTHING = 0.2  # the weight of the latest commit in the average


class CommitTimes:
    """How long a connection's commits have lately taken (an exponential average)."""

    def __init__(self) -> None:
        self.recent = 0.0

    @property
    def quick(self) -> bool:
        return self.recent < INLINE_COMMIT_BUDGET

    def add(self, seconds: float) -> None:
        self.recent += _SMOOTHING * (seconds - self.recent)


class _Connection(ConnectionWrapper):  # type: ignore[type-arg]
    """The client's connection under its lock, as tortoise's wrapper takes it, except that
    a connection that cannot be opened (a file in a folder that does not exist) lets the
    lock go: tortoise's kept it, and the next statement, the migrations' own, waited on it
    forever, so ``copbot run`` hung instead of saying why it could not start."""

    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


class _TransactionContext(SqliteTransactionContext):
    """tortoise's transaction, except that a ``BEGIN`` that fails lets the client's lock go
    (and this task's transaction client): tortoise's kept it, so after one command gave up
    waiting for another process's write lock, every later transaction of the process
    waited on it forever."""

    async def __aenter__(self) -> Any:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection


class _QuickReads(SqliteClient):
    def acquire_connection(self) -> ConnectionWrapper:  # type: ignore[type-arg]
        return _Connection(self._lock, self)

    @translate_exceptions
    async def quick_rows(self, query: str, values: list[Any]) -> list[dict[str, Any]]:
        async with self.acquire_connection() as connection:
            self.log.debug("%s: %s", query, values)
            rows = connection._conn.execute(query, values).fetchall()
            return [dict(row) for row in rows]

    async def quick_write(self, query: str, values: list[Any]) -> list[dict[str, Any]]:
        """Outside a transaction a write commits at once, which waits for the disk: the
        worker thread's."""
        return await self.execute_query_dict(query, values)


class _Transaction(_QuickReads, SqliteTransactionWrapper):
    def __init__(self, connection: SqliteClient, busy_ms: int, commits: CommitTimes) -> None:
        super().__init__(connection)
        self.busy_ms = busy_ms  # the connection's own wait for a lock, put back after a try
        self.commits = commits

    @translate_exceptions
    async def quick_write(self, query: str, values: list[Any]) -> list[dict[str, Any]]:
        async with self.acquire_connection() as connection:  # the lock is ours (``begin``)
            self.log.debug("%s: %s", query, values)
            return [dict(row) for row in connection._conn.execute(query, values).fetchall()]

    def _in_transaction(self) -> TransactionContext:
        # a savepoint inside the transaction keeps the quick paths
        return NestedTransactionContext(_Transaction(self, self.busy_ms, self.commits))

    async def begin(self) -> None:
        connection = self._connection._conn
        try:
            if connection.in_transaction:  # never on copbot's own paths
                await self._connection.commit()
            if not _begin_at_once(connection, self.busy_ms):
                await self._connection.execute("BEGIN IMMEDIATE")  # waits for the lock
        except sqlite3.Error as error:  # as tortoise reports it
            if getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
                raise DatabaseBusy(error) from error  # waited busy_ms for another process
            raise TransactionManagementError(error) from error

    async def commit(self) -> None:
        if self._finalized:
            raise TransactionManagementError("Transaction already finalised")
        started = time.perf_counter()
        if self.commits.quick:
            self._connection._conn.commit()  # the lock is ours: nothing to wait for but the disk
        else:
            await self._connection.commit()
        self.commits.add(time.perf_counter() - started)
        self._finalized = True


def _begin_at_once(connection: sqlite3.Connection, wait_ms: int) -> bool:
    """``BEGIN IMMEDIATE`` with no wait; False (and nothing begun) when another
    process holds the write lock. ``wait_ms``: the connection's own wait, put back."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        connection.execute(f"PRAGMA busy_timeout={wait_ms}")
    return True


class Client(_QuickReads):
    busy_ms = 5000  # sqlite3's default ``timeout``, read from the connection once open

    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        # unless the URL sets it (``?cache_size=``): see CACHE_KIB
        self.pragmas.setdefault("cache_size", -CACHE_KIB)
        self.commits = CommitTimes()
        self._checkpoints: Checkpointer | None = None
        self._readers: ReaderPool | None = None

    async def create_connection(self, with_db: bool) -> None:
        """As tortoise opens it, but usable from the loop's thread too: SQLite serializes
        calls itself (``sqlite3.threadsafety`` is 3), and the client's lock lets only one
        thread use the connection at a time anyway."""
        if self._connection:
            return
        self._connection = await aiosqlite.connect(
            self.filename, isolation_level=None, check_same_thread=False
        )
        self._connection._conn.row_factory = sqlite3.Row
        for pragma, value in self.pragmas.items():
            cursor = await self._connection.execute(f"PRAGMA {pragma}={value}")
            await cursor.close()
        (self.busy_ms,) = self._connection._conn.execute("PRAGMA busy_timeout").fetchone()
        (journal,) = self._connection._conn.execute("PRAGMA journal_mode").fetchone()
        if journal == "wal":  # a file (a database in memory has no log to copy back)
            self._connection._conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            self._checkpoints = Checkpointer(self.filename)
            self._readers = ReaderPool(self.filename, self.busy_ms)
        await self._post_connect()

    @translate_exceptions
    async def parallel_rows(self, query: str, values: list[Any]) -> list[dict[str, Any]]:
        """The rows of a read that takes milliseconds, outside any transaction: on a
        connection of its own in a thread, so several run at once (``data.sqlite_readers``).
        """
        if self._readers is None:  # a database in memory
            return await self.execute_query_dict(query, values)
        self.log.debug("%s: %s", query, values)  # as every statement is (and counted so)
        return await self._readers.rows(query, values)

    async def close(self) -> None:
        if self._readers is not None:
            self._readers.close()
            self._readers = None
        if self._checkpoints is not None:
            await asyncio.to_thread(self._checkpoints.stop)  # ends within one checkpoint
            self._checkpoints = None
        await super().close()

    def _in_transaction(self) -> TransactionContext:
        return _TransactionContext(_Transaction(self, self.busy_ms, self.commits), self._lock)


client_class = Client
