"""After migrating, the unique keys that protect SPEC.md's rules exist, on both databases;
migrating is idempotent, and several processes may migrate one PostgreSQL at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from data.db import connection, dialect
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
