"""Real databases for tests: a migrated SQLite file per test (copied from a template made
once), and one PostgreSQL database per test session, emptied between tests."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import asyncpg
from tortoise import Tortoise

from data.db import connection, init_database, migrate

PG_ADMIN_DSN = os.environ.get("COPBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def pg_url(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgres://", 1)
    return f"{base}/{name}"


def make_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    asyncio.run(migrate(f"sqlite://{path}"))
    return path


def sqlite_copy(template: Path, directory: Path) -> str:
    target = directory / "copbot.sqlite3"
    shutil.copy(template, target)
    return f"sqlite://{target}"


async def admin_sql(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def make_pg_database(name: str) -> str:
    """A fresh, migrated PostgreSQL database; returns its tortoise URL."""

    async def create() -> None:
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin_sql(f'CREATE DATABASE "{name}"')
        await migrate(pg_url(name))

    asyncio.run(create())
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def open_empty(url: str) -> None:
    """Connect and, on PostgreSQL, empty every table left by an earlier test."""
    await init_database(url)
    if url.startswith("postgres"):
        tables = [
            model._meta.db_table
            for app in Tortoise.apps.values()  # type: ignore[union-attr]
            for model in app.values()
        ]
        quoted = ", ".join(f'"{t}"' for t in tables)
        await connection().execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
