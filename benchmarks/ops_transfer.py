"""Export and import throughput (records per second) for a workspace of 100,000 resources:
SQLite → file → a fresh SQLite, and the same file into a fresh PostgreSQL when one is
reachable at 127.0.0.1:5432.

Run: python -m benchmarks ops_transfer
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from data.db import close_database, init_database, migrate
from data.models import Community, Member, Resource, Workspace
from data.transfer import Progress, export_document, read_document
from tests.support.databases import PG_ADMIN_DSN, drop_pg_database, pg_url

RESOURCES = 100_000
WORDS = ["rubric", "grading", "video", "accessibility", "portfolio", "template", "feedback"]


async def seed(url: str) -> int:
    await migrate(url)
    await init_database(url)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    workspace = await Workspace.create(platform="console", external_id="BENCH", created_at=now)
    member = await Member.create(
        workspace=workspace, external_id="u1", display_name="Ada", first_seen=now
    )
    community = await Community.create(
        workspace=workspace, name="Bench", name_key="bench", created_at=now, created_by=member
    )
    for start in range(0, RESOURCES, 10_000):
        await Resource.bulk_create(
            [
                Resource(
                    workspace=workspace,
                    community=community,
                    url=f"https://x.example/{i}",
                    url_key=f"x.example/{i}",
                    title=f"{WORDS[i % len(WORDS)]} guide {i}",
                    description=f"notes about {WORDS[(i * 3) % len(WORDS)]} and more",
                    tags=[WORDS[(i * 5) % len(WORDS)]],
                    tags_text=WORDS[(i * 5) % len(WORDS)],
                    shared_by=member,
                    shared_at=now + timedelta(seconds=i),
                    votes=i % 7,
                )
                for i in range(start, min(RESOURCES, start + 10_000))
            ],
            batch_size=5000,
        )
    await close_database()
    return workspace.id


async def export_rate(url: str, workspace_id: int, out: Path) -> tuple[int, float]:
    await init_database(url)
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as stream:
        counts = await export_document(
            stream, workspace_id, Progress("exporting", 0, io.StringIO())
        )
    seconds = time.perf_counter() - started
    await close_database()
    return sum(counts.values()), seconds


async def import_rate(url: str, path: Path) -> tuple[int, float, float]:
    from copbot.commands.import_ import run_import

    started = time.perf_counter()
    doc = read_document(path)
    parsed = time.perf_counter() - started
    await run_import(url, doc, Progress("importing", 0, io.StringIO()))
    return sum(doc.counts.values()), parsed, time.perf_counter() - started


def admin(sql: str) -> bool:
    """Run one statement as the PostgreSQL admin; False when there is no PostgreSQL."""

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=2)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    try:
        asyncio.run(run())
    except (OSError, asyncpg.PostgresError):
        return False
    return True


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        source = f"sqlite://{base / 'source.sqlite3'}"
        started = time.perf_counter()
        workspace_id = asyncio.run(seed(source))
        print(f"seeded {RESOURCES:,} resources in {time.perf_counter() - started:.1f} s")

        out = base / "export.json"
        rows, seconds = asyncio.run(export_rate(source, workspace_id, out))
        size = out.stat().st_size / 1e6
        print(
            f"export  SQLite:      {rows:,} records in {seconds:.2f} s = "
            f"{rows / seconds:,.0f} records/s ({size:.1f} MB)"
        )

        rows, parsed, seconds = asyncio.run(import_rate(f"sqlite://{base / 'copy.sqlite3'}", out))
        print(
            f"import  SQLite:      {rows:,} records in {seconds:.2f} s = "
            f"{rows / seconds:,.0f} records/s (of which reading and checking the file "
            f"{parsed:.2f} s)"
        )

        name = f"copbot_bench_{os.getpid()}"
        if not admin(f'CREATE DATABASE "{name}"'):
            print("import  PostgreSQL:  skipped (no PostgreSQL at 127.0.0.1:5432)")
            return
        try:
            rows, parsed, seconds = asyncio.run(import_rate(pg_url(name), out))
            print(
                f"import  PostgreSQL:  {rows:,} records in {seconds:.2f} s = "
                f"{rows / seconds:,.0f} records/s (SQLite's export, file read {parsed:.2f} s)"
            )
        finally:
            drop_pg_database(name)


if __name__ == "__main__":
    main()
