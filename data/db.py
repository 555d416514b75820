"""Database set-up: the tortoise config, start-up and schema migration.

Migrations are tortoise's own (``data/migrations``). ``migrate`` runs them under a
PostgreSQL advisory lock so several copbot processes starting at once are safe; on
SQLite one process migrates (several processes belong on PostgreSQL anyway).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.context import require_context

from data.sqlite_engine import WAL_KEEP_BYTES

log = logging.getLogger(__name__)

MODELS_MODULE = "data.models"
MIGRATIONS_MODULE = "data.migrations"
# any constant works; it only has to be the same in every copbot process
_MIGRATION_LOCK_KEY = 727_001


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection: str | dict[str, Any] = database_url
    if database_url.startswith("sqlite:"):
        connection = expand_db_url(database_url)
        connection["engine"] = "data.sqlite_engine"  # small reads off aiosqlite's thread
        if "journal_size_limit" not in parse_qs(urlsplit(database_url).query):
            # tortoise's 16 KiB otherwise: see WAL_KEEP_BYTES
            connection["credentials"]["journal_size_limit"] = WAL_KEEP_BYTES
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": [MODELS_MODULE],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def dialect() -> str:
    """``sqlite`` or ``postgres``: the few places with dialect-specific SQL ask this."""
    return connection().capabilities.dialect


def connection() -> BaseDBAsyncClient:
    """The client of this task: the database's, or its open transaction's. Asked of the
    context directly, as tortoise recommends: its deprecated ``connections`` proxy cost
    3.7 µs a call against 0.9, and a command asks several times."""
    return require_context().connections.get("default")


async def quick_rows(sql: str, values: list[Any]) -> list[dict[str, Any]]:
    """The rows of a small read: a few rows by key, or a count over one community's index
    entries; never a scan of a table. On SQLite it runs on the event loop's thread, saving
    a trip to aiosqlite's (``data.sqlite_engine``); on PostgreSQL it is an ordinary
    statement."""
    return await _quick("quick_rows", sql, values)


async def quick_write(sql: str, values: list[Any]) -> list[dict[str, Any]]:
    """The rows a small write returns (one row, or a command's ledger rows), inside the
    command's transaction. On SQLite it runs on the event loop's thread, the transaction
    holding the write lock (``data.sqlite_engine``); on PostgreSQL it is an ordinary
    statement."""
    return await _quick("quick_write", sql, values)


async def _quick(method: str, sql: str, values: list[Any]) -> list[dict[str, Any]]:
    client = connection()
    quick = getattr(client, method, None)
    if quick is None:  # PostgreSQL, or a savepoint of tortoise's own
        return await client.execute_query_dict(sql, values)
    rows: list[dict[str, Any]] = await quick(sql, values)
    return rows


async def long_rows(
    sql: str, values: list[Any], client: BaseDBAsyncClient | None = None
) -> list[dict[str, Any]]:
    """The rows of a read that takes milliseconds (a search, a statistic). On SQLite,
    outside a transaction, it runs on a reader connection of its own in a thread
    (``data.sqlite_readers``), leaving the client's one connection to the commands; in a
    transaction, and on PostgreSQL (a pool already), it is an ordinary statement."""
    client = client or connection()
    parallel = getattr(client, "parallel_rows", None)
    if parallel is not None:
        rows: list[dict[str, Any]] = await parallel(sql, values)
        return rows
    return await client.execute_query_dict(sql, values)


def in_open_transaction() -> bool:
    """Whether this task runs inside ``in_transaction()`` (tortoise puts the transaction's
    client in a context variable for the task and the tasks it starts)."""
    try:
        return isinstance(connection(), TransactionalDBClient)
    except Exception:  # no database configured (an adapter's own unit tests)
        return False


async def init_database(database_url: str) -> None:
    # tortoise caches each model's INSERT statement by connection *name*, so a process that
    # opens SQLite and then PostgreSQL (import across databases, tests) would reuse
    # SQLite's "?" placeholders on PostgreSQL. Start every init with an empty cache.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(database_url))
    global _opened_url
    _opened_url = database_url


async def close_database() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Bring the schema up to date (idempotent)."""
    from tortoise.migrations.api import migrate as run_migrations

    config = tortoise_config(database_url)
    if database_url.startswith(("postgres", "asyncpg", "psycopg")):
        import asyncpg

        lock_conn = await asyncpg.connect(_asyncpg_dsn(database_url))
        try:
            await lock_conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK_KEY)
            await run_migrations(config=config)
        finally:
            await lock_conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK_KEY)
            await lock_conn.close()
    else:
        await run_migrations(config=config)
    await Tortoise.close_connections()
    log.info("database schema is up to date")


_opened_url: str | None = None  # the database ``init_database`` opened


def own_connection_dsn() -> str:
    """Where a PostgreSQL connection of one's own goes (outside tortoise's pool): the
    database this process opened."""
    if _opened_url is None:
        raise RuntimeError("no database is open")
    return _asyncpg_dsn(_opened_url)


def _asyncpg_dsn(database_url: str) -> str:
    _scheme, rest = database_url.split("://", 1)
    return "postgresql://" + rest


@asynccontextmanager
async def database(database_url: str, *, run_migrations: bool = True) -> AsyncIterator[None]:
    """Migrate, then open the connections; close them on exit."""
    if run_migrations:
        await migrate(database_url)
    await init_database(database_url)
    try:
        yield
    finally:
        await close_database()
