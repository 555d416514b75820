"""SQLite indexes resources for full-text search in batches (migration 0011): a share only
notes its id, a batch is indexed once ``WAITING_BATCH`` wait, and every search indexes
what waits first, so a search never misses a resource, an edit or an unshare, and the
indexes stay exactly in step with ``resource``."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.db import close_database, connection
from data.models import Community, Resource, Workspace
from data.search import SearchFilter, latest_resource_ids, search_resource_ids
from data.search_schema import WAITING_BATCH
from tests.support.databases import open_empty, sqlite_copy

NOW = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture
async def sqlite_db(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[str]:
    url = sqlite_copy(sqlite_template, tmp_path)
    await open_empty(url)
    yield url
    await close_database()


async def community() -> tuple[Workspace, Community]:
    workspace = await Workspace.create(platform="console", external_id="W", created_at=NOW)
    made = await Community.create(workspace=workspace, name="D", name_key="d", created_at=NOW)
    return workspace, made


async def share(workspace: Workspace, made: Community, n: int, title: str) -> Resource:
    url = f"https://x.example/{n}"
    return await Resource.create(
        workspace=workspace,
        community=made,
        url=url,
        url_key=url,
        title=title,
        tags=["kit"],
        tags_text="kit",
        shared_at=NOW + timedelta(minutes=n),
    )


async def waiting() -> int:
    rows = await connection().execute_query_dict("SELECT count(*) AS n FROM resource_fts_pending")
    return int(rows[0]["n"])


async def indexed(table: str) -> int:
    """Rows a word of every title finds in ``table``, read directly (no indexing first)."""
    rows = await connection().execute_query_dict(
        f"SELECT count(*) AS n FROM {table} WHERE {table} MATCH 'resource'"
    )
    return int(rows[0]["n"])


async def check_integrity() -> None:
    """FTS5 checks each index's structure, and the external-content one against
    ``resource`` itself (rank 1): a delete of entries it never held fails here."""
    await connection().execute_script(
        "INSERT INTO resource_fts(resource_fts, rank) VALUES ('integrity-check', 1);"
        "INSERT INTO resource_head_fts(resource_head_fts) VALUES ('integrity-check');"
    )


async def test_a_share_waits_and_the_next_search_finds_it(sqlite_db: str) -> None:
    workspace, made = await community()
    first = await share(workspace, made, 0, "Resource alpha")
    assert await waiting() == 1
    assert await indexed("resource_fts") == 0  # only noted so far
    where = SearchFilter(workspace.id)
    assert await search_resource_ids("alpha", where) == [first.id]
    assert await waiting() == 0
    assert await indexed("resource_fts") == await indexed("resource_head_fts") == 1
    # a tag listing narrows by the index too
    second = await share(workspace, made, 1, "Resource beta")
    assert await latest_resource_ids(SearchFilter(workspace.id, tags=("kit",))) == [
        second.id,
        first.id,
    ]
    await check_integrity()


async def test_a_full_batch_is_indexed_without_a_search(sqlite_db: str) -> None:
    workspace, made = await community()
    for n in range(WAITING_BATCH - 1):
        await share(workspace, made, n, f"Resource {n}")
    assert await waiting() == WAITING_BATCH - 1
    assert await indexed("resource_head_fts") == 0
    await share(workspace, made, WAITING_BATCH, "Resource last")
    assert await waiting() == 0
    assert await indexed("resource_fts") == await indexed("resource_head_fts") == WAITING_BATCH
    await check_integrity()


async def test_edits_and_unshares_of_waiting_and_indexed_resources(sqlite_db: str) -> None:
    workspace, made = await community()
    where = SearchFilter(workspace.id)
    done = await share(workspace, made, 0, "Resource ruby")
    assert await search_resource_ids("ruby", where) == [done.id]  # indexed now
    fresh = await share(workspace, made, 1, "Resource pearl")  # waiting
    gone = await share(workspace, made, 2, "Resource opal")  # waiting
    old_gone = await share(workspace, made, 3, "Resource jade")
    await search_resource_ids("jade", where)  # indexes all three

    done.title = "Resource garnet"
    await done.save()
    newer = await share(workspace, made, 4, "Resource quartz")  # waiting
    newer.title = "Resource topaz"
    await newer.save()
    fresh_gone = await share(workspace, made, 5, "Resource amber")  # waiting
    await fresh_gone.delete()
    await gone.delete()
    await old_gone.delete()

    assert await search_resource_ids("ruby", where) == []
    assert await search_resource_ids("garnet", where) == [done.id]
    assert await search_resource_ids("quartz", where) == []
    assert await search_resource_ids("topaz", where) == [newer.id]
    for word in ("amber", "opal", "jade"):
        assert await search_resource_ids(word, where) == []
    assert await search_resource_ids("pearl", where) == [fresh.id]
    assert await waiting() == 0
    await check_integrity()


async def test_a_vote_leaves_the_indexes_alone(sqlite_db: str) -> None:
    workspace, made = await community()
    voted = await share(workspace, made, 0, "Resource ruby")
    await search_resource_ids("ruby", SearchFilter(workspace.id))
    statements: list[str] = []
    raw: sqlite3.Connection = connection()._connection._conn  # type: ignore[attr-defined]
    raw.set_trace_callback(statements.append)  # triggers' statements are traced too
    try:
        voted.votes += 1
        await voted.save()
    finally:
        raw.set_trace_callback(None)
    assert any(s.startswith("UPDATE") for s in statements)  # the vote was saved
    assert not [s for s in statements if "fts" in s], statements
    assert await waiting() == 0
