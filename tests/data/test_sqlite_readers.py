"""On SQLite the statistics' counts and the searches run on reader connections of their
own, in threads (``data.sqlite_readers``): the figures a page asks for together are
counted at once, and a search no longer holds the connection every command needs. They
see every committed row, a transaction's reads keep its own connection, and the reader
connections cannot write."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from data import sqlite_readers
from data.db import close_database, connection, quick_rows
from data.models import Community, Resource, Workspace
from data.search import SearchFilter, search_resource_ids
from data.stats_sql import resources_shared
from tests.support.databases import open_empty, sqlite_copy

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
async def workspace(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Workspace]:
    await open_empty(sqlite_copy(sqlite_template, tmp_path))
    try:
        yield await Workspace.create(platform="console", external_id="T1", name="T", created_at=NOW)
    finally:
        await close_database()


async def _community(workspace: Workspace, name: str) -> Community:
    return await Community.create(workspace=workspace, name=name, name_key=name, created_at=NOW)


async def _share(community: Community, number: int) -> None:
    await Resource.create(
        workspace_id=community.workspace_id,  # type: ignore[attr-defined]
        community=community,
        url=f"https://x.example/{number}",
        url_key=f"x.example/{number}",
        shared_at=NOW,
    )


async def test_counts_on_reader_connections_see_every_committed_row(
    workspace: Workspace,
) -> None:
    python = await _community(workspace, "python")
    for number in range(3):
        await _share(python, number)
    week = NOW - timedelta(days=7)
    assert await resources_shared([python.id], week, NOW) == {python.id: 3}
    await _share(python, 3)  # committed after the reader connection last read
    assert await resources_shared([python.id], week, NOW) == {python.id: 4}


async def test_a_transaction_counts_its_own_rows(workspace: Workspace) -> None:
    python = await _community(workspace, "python")
    week = NOW - timedelta(days=7)
    async with in_transaction():
        await _share(python, 1)  # not committed: only this connection sees it
        assert await resources_shared([python.id], week, NOW) == {python.id: 1}
    assert await resources_shared([python.id], week, NOW) == {python.id: 1}


async def test_reader_connections_cannot_write(workspace: Workspace) -> None:
    client = connection()
    with pytest.raises(OperationalError, match="readonly"):
        await client.parallel_rows("DELETE FROM workspace", [])  # type: ignore[attr-defined]
    assert await Workspace.all().count() == 1


async def test_reader_connections_read_the_file_through_a_shared_map(
    workspace: Workspace,
) -> None:
    """The operating system's page cache, shared and reclaimable, rather than a large
    private cache per connection."""
    client = connection()
    [mapped] = await client.parallel_rows("PRAGMA mmap_size", [])  # type: ignore[attr-defined]
    assert mapped["mmap_size"] == sqlite_readers.MAP_BYTES
    [cache] = await client.parallel_rows("PRAGMA cache_size", [])  # type: ignore[attr-defined]
    assert cache["cache_size"] == -sqlite_readers.CACHE_KIB
    [own] = await quick_rows("PRAGMA mmap_size", [])  # the writer's connection is unchanged
    assert own["mmap_size"] == 0


async def test_counts_asked_together_run_at_once(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two counts, each waiting for the other inside its thread: only if both run at once
    do they get past the barrier (one after the other, the first would wait in vain)."""
    python, moodle = await _community(workspace, "python"), await _community(workspace, "moodle")
    await _share(python, 1)
    together = threading.Barrier(2, timeout=10)
    fetch = sqlite_readers.ReaderPool._fetch

    def meeting_the_other(self: sqlite_readers.ReaderPool, *args: Any) -> Any:
        together.wait()  # BrokenBarrierError after 10 s if the other never comes
        return fetch(self, *args)

    monkeypatch.setattr(sqlite_readers.ReaderPool, "_fetch", meeting_the_other)
    week = NOW - timedelta(days=7)
    counts = await asyncio.gather(
        resources_shared([python.id], week, NOW), resources_shared([moodle.id], week, NOW)
    )
    assert counts == [{python.id: 1}, {}]


async def test_closing_the_database_closes_the_reader_connections(
    workspace: Workspace,
) -> None:
    python = await _community(workspace, "python")
    await resources_shared([python.id], NOW - timedelta(days=7), NOW)
    pool = connection()._readers  # type: ignore[attr-defined]
    [reader] = pool._idle
    await close_database()
    with pytest.raises(sqlite3.ProgrammingError):
        reader.execute("SELECT 1")


async def test_reads_on_reader_connections_are_logged_as_every_statement_is(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    """The statement counts (tests/perf_correctness, ``make bench``) read this log."""
    python = await _community(workspace, "python")
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        await resources_shared([python.id], NOW - timedelta(days=7), NOW)
    assert any("FROM resource" in record.getMessage() for record in caplog.records)


async def test_a_search_leaves_the_connection_to_the_other_commands(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a search reads (held in its thread here), the look-up every command starts
    with runs on the client's connection: it did wait behind every search."""
    python = await _community(workspace, "python")
    await Resource.create(
        workspace=workspace,
        community=python,
        url="https://x.example/rubric",
        url_key="x.example/rubric",
        title="Python rubric",
        shared_at=NOW,
    )
    reading, go_on = threading.Event(), threading.Event()
    fetch = sqlite_readers.ReaderPool._fetch

    def held(self: sqlite_readers.ReaderPool, *args: Any) -> Any:
        reading.set()
        go_on.wait(10)
        return fetch(self, *args)

    monkeypatch.setattr(sqlite_readers.ReaderPool, "_fetch", held)
    search = asyncio.create_task(search_resource_ids("rubric", SearchFilter(workspace.id)))
    assert await asyncio.to_thread(reading.wait, 10)  # the search is reading
    found = await asyncio.wait_for(
        quick_rows("SELECT id FROM workspace WHERE id = ?", [workspace.id]), 5
    )
    assert found == [{"id": workspace.id}]
    go_on.set()
    assert await search == [1]
