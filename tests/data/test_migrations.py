"""After migrating, the unique keys that protect SPEC.md's rules exist, on both databases;
migrating is idempotent, and several processes may migrate one PostgreSQL at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.migrations.api import migrate as run_migrations

from bot.kernel.lookups import community_language
from data.db import close_database, connection, dialect, init_database, migrate, tortoise_config
from data.models import Community, Meeting
from tests.support.databases import admin_sql, drop_pg_database, pg_url

UNIQUE_KEYS = {
    ("workspace", ("platform", "external_id")),
    ("member", ("workspace_id", "external_id")),
    ("community", ("workspace_id", "name_key")),  # name per workspace, any letter case
    ("membership", ("member_id", "community_id")),
    ("resource", ("community_id", "url_key")),  # a normalized URL once per community
    ("resource_vote", ("resource_id", "member_id")),
    ("occurrence", ("meeting_id", "original_start")),
    ("rsvp", ("occurrence_id", "member_id")),  # one RSVP per member per occurrence
    ("delivery", ("kind", "target", "subject")),  # every scheduled post once
    ("processed_event", ("platform", "event_id")),
    ("web_token", ("token_hash",)),  # a sign-in link or session token is one member's
}


async def unique_keys() -> set[tuple[str, tuple[str, ...]]]:
    client = connection()
    found: set[tuple[str, tuple[str, ...]]] = set()
    if dialect() == "sqlite":
        for table, _ in UNIQUE_KEYS:
            for index in await client.execute_query_dict(f'PRAGMA index_list("{table}")'):
                if index["unique"]:
                    columns = await client.execute_query_dict(
                        f'PRAGMA index_info("{index["name"]}")'
                    )
                    found.add((table, tuple(sorted(c["name"] for c in columns))))
        return found
    rows = await client.execute_query_dict(
        """SELECT t.relname AS table_name, array_agg(a.attname::text) AS columns
           FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
           WHERE i.indisunique AND NOT i.indisprimary GROUP BY i.indexrelid, t.relname"""
    )
    return {(row["table_name"], tuple(sorted(row["columns"]))) for row in rows}


async def test_unique_keys_exist_after_migrating(db: str) -> None:
    found = await unique_keys()
    missing = {(t, tuple(sorted(c))) for t, c in UNIQUE_KEYS} - found
    assert not missing


def test_concurrent_migrations_on_postgresql(pg_database: str) -> None:
    name = f"copbot_migrate_race_{os.getpid()}"
    drop_pg_database(name)
    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "DATABASE_URL": pg_url(name), "LOG_LEVEL": "WARNING"}
    try:
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "copbot.cli", "migrate"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in processes]
        assert all(code == 0 for code, _ in results), results
        again = subprocess.run(
            [sys.executable, "-m", "copbot.cli", "migrate"], env=env, capture_output=True, text=True
        )
        assert again.returncode == 0 and "up to date" in again.stdout
    finally:
        drop_pg_database(name)


# the migrations before each one that adds a column to tables which may hold rows
BEFORE_ADDED_COLUMNS = ("0002_search", "0004_search_tiers", "0011_search_batches")
OLD_ROWS = ("workspace", "member", "community", "membership", "meeting")


async def _columns(table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, needs a value) of each column of ``table`` as it is now."""
    client = connection()
    if dialect() == "sqlite":
        rows = await client.execute_query_dict(f'PRAGMA table_info("{table}")')
        return [
            (r["name"], str(r["type"]).lower(), bool(r["notnull"]) and r["dflt_value"] is None)
            for r in rows
            if not r["pk"]
        ]
    rows = await client.execute_query_dict(
        "SELECT column_name, data_type, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_name = $1",
        [table],
    )
    return [
        (r["column_name"], r["data_type"], r["is_nullable"] == "NO" and r["column_default"] is None)
        for r in rows
        if r["column_name"] != "id"
    ]


def _literal(column: str, kind: str) -> str:
    """A plausible value for a column of this type: a foreign key names row 1, any other
    number or flag is 0 (SQLite declares a boolean as an integer)."""
    if column.endswith("_id"):
        return "1"
    if "int" in kind:
        return "0"
    if "bool" in kind:
        return "FALSE" if dialect() == "postgres" else "0"
    if "timestamp" in kind:
        return "'2027-01-01 00:00:00+00:00'"
    if "json" in kind:
        return "'[]'"
    return "'x'"


async def _rows_at(url: str, target: str) -> None:
    """A database migrated to ``target`` with a row in each of ``OLD_ROWS``, every column
    it must have filled, as that migration left the tables."""
    await run_migrations(config=tortoise_config(url), target=f"models.{target}")
    await Tortoise.close_connections()
    await init_database(url)
    for table in OLD_ROWS:
        needed = [(name, kind) for name, kind, required in await _columns(table) if required]
        names = ", ".join(f'"{name}"' for name, _ in needed)
        values = ", ".join(_literal(name, kind) for name, kind in needed)
        await connection().execute_query(f'INSERT INTO "{table}" ({names}) VALUES ({values})')
    await close_database()


@pytest.mark.parametrize("before", BEFORE_ADDED_COLUMNS)
async def test_a_database_with_rows_migrates_to_the_latest(
    database_url: str, tmp_path: Path, before: str
) -> None:
    """A column added to a table that holds rows needs a default in the database (SQLite
    refuses a NOT NULL column without one; PostgreSQL finds the old rows null): an
    operator upgrading from any earlier version migrates, and the old rows get the
    model's defaults."""
    if database_url.startswith("sqlite"):
        url = f"sqlite://{tmp_path / 'upgraded.sqlite3'}"
    else:
        name = f"copbot_upgrade_{os.getpid()}"
        await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin_sql(f'CREATE DATABASE "{name}"')
        url = pg_url(name)
    try:
        await _rows_at(url, before)
        await migrate(url)
        await init_database(url)
        community, meeting = await Community.get(id=1), await Meeting.get(id=1)
        added = {  # each column added since, with the default its old rows must get
            "0003": (meeting.sequence, 0),
            "0005": (community.visibility, "members"),
            "0012": (community.readers_version, 0),
        }
        for number, (value, default) in added.items():
            assert number < before[:4] or value == default, number
        assert await community_language(community, "en") == "en"  # counted, then kept
        assert (await Community.get(id=1)).reader_counts == {"": 1}
    finally:
        await close_database()
        if not database_url.startswith("sqlite"):
            await admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
