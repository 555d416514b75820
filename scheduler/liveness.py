"""Which delivery workers are alive: a dead process's claimed posts are taken over in
seconds, not when its lease runs out.

A claim names its worker (``Delivery.claimed_by``). The lease on a claim (minutes) stays
as the backstop for a process that is alive but stuck; a process that *died* is noticed
through the database server or the operating system instead:

* **PostgreSQL** (several processes, maybe several machines): each worker holds a session
  advisory lock, keyed by a number that is part of its worker id, on a connection of its
  own for as long as it runs. The server releases a session lock the moment that
  connection ends, and a killed process's connection ends with it (the kernel closes the
  socket; the server's backend reads end-of-file and exits). Survivors ask ``pg_locks``
  which claimers' locks are gone. Nothing is written to be read back: the ledger stays
  the only record, and the lock is the process's heartbeat, kept by the server.
* **SQLite** (one machine, by construction: one file): a claimer on this host whose
  process id no longer exists is dead. That frees a previous run's claims at start-up,
  and a crashed sibling's if several processes share the file.

A worker id this module did not make (tests name theirs) is never declared dead: only
its lease frees its claims.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterable
from typing import Protocol

from data.db import connection, dialect, own_connection_dsn

log = logging.getLogger(__name__)

# the first half of every worker's two-part advisory lock key: "copbot delivery worker"
LOCK_CLASS = 727_002
_TOKEN_DIGITS = 8
# how long a liveness connection that answered stays trusted without asking it again
# (every command that posts holds before claiming its rows; a lost connection is found
# within this, and meanwhile the rows it claims are only ever re-sent after a check)
CHECK_EVERY = 2.0


def new_worker_id() -> str:
    """``host:pid:token``; the token (31 bits, hex) keys the worker's advisory lock."""
    token = secrets.randbits(31)
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{token:0{_TOKEN_DIGITS}x}"


def _parts(worker: str) -> tuple[str, int, int] | None:
    """(host, pid, token) of an id ``new_worker_id`` made; None for any other id."""
    host, _, rest = worker.rpartition(":")
    host, _, pid = host.rpartition(":")
    token = rest
    if not host or not pid.isdigit() or len(token) != _TOKEN_DIGITS:
        return None
    try:
        return host, int(pid), int(token, 16)
    except ValueError:
        return None


class Liveness(Protocol):
    worker_id: str

    async def hold(self) -> None:
        """Make sure this worker is seen as alive (before it claims anything)."""
        ...

    async def release(self) -> None:
        """Stop being seen as alive (at a graceful stop, after releasing claims)."""
        ...

    async def dead(self, workers: Iterable[str]) -> set[str]:
        """Those of ``workers`` known to be dead."""
        ...


class AdvisoryLockLiveness:
    """PostgreSQL: a session advisory lock per worker, on a dedicated connection."""

    def __init__(self, worker_id: str | None = None) -> None:
        self.worker_id = worker_id or new_worker_id()
        parts = _parts(self.worker_id)
        if parts is None:
            raise ValueError(f"worker id {self.worker_id!r} carries no lock token")
        self.token = parts[2]
        self._conn: object | None = None  # asyncpg.Connection
        self._guard = asyncio.Lock()
        self._checked = 0.0  # when the connection last answered (time.monotonic)

    async def hold(self) -> None:
        import asyncpg

        async with self._guard:
            conn = self._conn
            if isinstance(conn, asyncpg.Connection) and not conn.is_closed():
                if time.monotonic() - self._checked < CHECK_EVERY:
                    return  # every command that posts asks: the connection was fine just now
                try:
                    await conn.fetchval("SELECT 1")  # a lost connection means a lost lock
                    self._checked = time.monotonic()
                    return
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                    log.warning("the liveness connection was lost: taking the lock again")
            # the server, user and database tortoise uses, on a connection of our own (not
            # ``connection()``: inside a transaction that is the transaction's)
            conn = await asyncpg.connect(own_connection_dsn())
            # TCP keepalive on the server's side is what ends a session whose machine
            # vanished without closing it; a killed process closes it at once
            # try, never wait: after a reconnect our old session may still hold it (its
            # end not yet noticed by the server), which keeps us alive just as well
            if not await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", LOCK_CLASS, self.token
            ):
                log.warning("liveness lock %s still held by our previous session", self.token)
            self._conn = conn
            self._checked = time.monotonic()

    async def release(self) -> None:
        import asyncpg

        async with self._guard:
            conn, self._conn = self._conn, None
            if isinstance(conn, asyncpg.Connection) and not conn.is_closed():
                await conn.close()  # ends the session: the server drops the lock

    async def dead(self, workers: Iterable[str]) -> set[str]:
        tokens = {worker: parts[2] for worker in workers if (parts := _parts(worker))}
        if not tokens:
            return set()
        rows = await connection().execute_query_dict(
            """
            SELECT objid::bigint AS token FROM pg_locks
            WHERE locktype = 'advisory' AND classid = $1::oid AND objsubid = 2 AND granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [LOCK_CLASS],
        )
        held = {int(row["token"]) for row in rows}
        return {worker for worker, token in tokens.items() if token not in held}


class ProcessLiveness:
    """SQLite: the claimer's process id, looked up on this host."""

    def __init__(self, worker_id: str | None = None) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.host = socket.gethostname()[:30]

    async def hold(self) -> None:
        return None  # this process is alive while it runs: nothing to keep

    async def release(self) -> None:
        return None

    async def dead(self, workers: Iterable[str]) -> set[str]:
        found = set()
        for worker in workers:
            parts = _parts(worker)
            if parts is None or worker == self.worker_id:
                continue
            host, pid, _ = parts
            if host == self.host and not _process_exists(pid):
                found.add(worker)
        return found


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


class LeaseOnly:
    """For a worker id without a token (tests name their workers): never declared dead
    by others, frees nothing early; its claims wait out their lease."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id

    async def hold(self) -> None:
        return None

    async def release(self) -> None:
        return None

    async def dead(self, workers: Iterable[str]) -> set[str]:
        return set()


def liveness_for(worker_id: str | None = None) -> Liveness:
    """The mechanism for the database in use (opened already)."""
    if worker_id is not None and _parts(worker_id) is None:
        return LeaseOnly(worker_id)
    if dialect() == "postgres":
        return AdvisoryLockLiveness(worker_id)
    return ProcessLiveness(worker_id)
