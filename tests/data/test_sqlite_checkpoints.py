"""SQLite's write-ahead log is copied back into the database by a thread of its own
(``data.sqlite_checkpoints``), not by a command's commit, and the log's file is then
reused rather than cut back; once the client closes, the database file alone holds every
row; and the connection's page cache is sized for it."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from data.db import close_database
from data.models import Workspace
from data.sqlite_checkpoints import BACKSTOP_PAGES
from data.sqlite_engine import CACHE_KIB, WAL_KEEP_BYTES
from tests.support.databases import open_empty, sqlite_copy

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _rows_in_the_file_alone(database: Path, copy: Path) -> int:
    copy.write_bytes(database.read_bytes())  # the file, as tests copy their templates
    reader = sqlite3.connect(copy)
    try:
        (rows,) = reader.execute("SELECT count(*) FROM workspace").fetchone()
        return int(rows)
    finally:
        reader.close()


async def _write(rows: int) -> None:
    for n in range(rows):
        async with in_transaction():
            # ~250 bytes a row: they fill new pages, which only a checkpoint puts in the file
            await Workspace.create(
                platform="console", external_id=f"T{n}", name="w" * 200, created_at=NOW
            )


@pytest.fixture
async def database(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Path]:
    url = sqlite_copy(sqlite_template, tmp_path)
    await open_empty(url)
    try:
        yield Path(url.removeprefix("sqlite://"))
    finally:
        await close_database()  # again, after a test that closed it: nothing to do


async def test_the_log_is_checkpointed_beside_the_commands(database: Path) -> None:
    assert not await Workspace.exists()  # the connection opens
    client = connections.get("default")
    (own,) = client._connection._conn.execute("PRAGMA wal_autocheckpoint").fetchone()
    assert own == BACKSTOP_PAGES  # far above what these commits write
    size = _size(database)
    await _write(500)  # ~40 pages of the log, never checkpointed by a commit now
    for _ in range(100):  # the thread's turn comes every quarter of a second
        if _size(database) > size + 80_000:
            break
        await asyncio.sleep(0.05)
    assert _size(database) > size + 80_000  # the rows reached the file


async def _all_copied_back(database: Path) -> None:
    checkpoint = sqlite3.connect(database)
    try:
        for _ in range(100):  # the checkpoint thread may be at it too: one at a time
            with contextlib.suppress(sqlite3.OperationalError):
                busy, pages, copied = checkpoint.execute(
                    "PRAGMA wal_checkpoint(PASSIVE)"
                ).fetchone()
                if busy == 0 and pages == copied:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError("the log was not copied back")
    finally:
        checkpoint.close()


@pytest.mark.parametrize(
    ("query", "kept"),
    [("", WAL_KEEP_BYTES), ("?journal_size_limit=16384", 16384)],
    ids=["copbot's", "the URL's"],
)
async def test_a_checkpointed_log_keeps_its_file_for_the_next_commits(
    sqlite_template: Path, tmp_path: Path, query: str, kept: int
) -> None:
    """A log cut back to 16 KiB (tortoise's setting) grew again on the next commits, and a
    commit that grows a file syncs its size too: a third slower. Unless the URL says
    otherwise, the log's file stays as large as it grew (up to ``WAL_KEEP_BYTES``)."""
    url = sqlite_copy(sqlite_template, tmp_path)
    database = Path(url.removeprefix("sqlite://"))
    log_file = database.with_name(database.name + "-wal")
    await open_empty(url + query)
    try:
        rows = await connections.get("default").execute_query_dict("PRAGMA journal_size_limit")
        assert rows == [{"journal_size_limit": kept}]
        await _write(100)  # a few pages each: ~1.3 MB of log
        grown = _size(log_file)
        assert grown > 1_000_000
        await _all_copied_back(database)  # as the checkpoint thread does a moment later
        async with in_transaction():  # the next commit starts the log over
            await Workspace.create(platform="console", external_id="T-next", created_at=NOW)
        assert _size(log_file) == min(grown, kept)
    finally:
        await close_database()


async def test_a_closed_database_file_holds_every_row(database: Path, tmp_path: Path) -> None:
    await _write(30)
    await close_database()
    assert _size(database.with_name(database.name + "-wal")) == 0  # no log left
    assert _rows_in_the_file_alone(database, tmp_path / "copy.sqlite3") == 30


async def test_the_connection_keeps_a_page_cache_sized_for_a_big_repertoire(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """SQLite's own default (2 MiB) re-read a large repertoire's pages from the OS on
    every search; a URL may still set its own size."""
    url = sqlite_copy(sqlite_template, tmp_path)
    for address, expected in ((url, -CACHE_KIB), (f"{url}?cache_size=-1000", -1000)):
        await open_empty(address)
        try:
            rows = await connections.get("default").execute_query_dict("PRAGMA cache_size")
            assert rows == [{"cache_size": expected}]
        finally:
            await close_database()
