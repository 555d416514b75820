"""The per-request lookup of who is asking: one query for someone met before, and always
a fresh read (a workspace setting changed elsewhere is seen by the next command)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.kernel import identity as member_store
from data.models import Member, Workspace
from tests.support.harness import Harness, test_settings

NOW = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


class Queries(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sql.append(record.getMessage())


@pytest.fixture
def queries() -> object:
    handler = Queries()
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


async def test_a_known_member_and_their_workspace_are_found_with_one_query(
    db: str, queries: Queries
) -> None:
    h = Harness.build(start=NOW)
    who = h.who("Ada")
    first_ws, first = await member_store.ensure_member(who, NOW, test_settings())
    queries.sql.clear()
    workspace, member = await member_store.ensure_member(who, NOW, test_settings())
    selects = [sql for sql in queries.sql if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and len(queries.sql) == 1  # nothing written: nothing changed
    assert (workspace.id, member.id) == (first_ws.id, first.id)
    assert (workspace.platform, workspace.external_id) == ("console", "T1")
    assert member.workspace_id == workspace.id  # type: ignore[attr-defined]


async def test_workspace_settings_changed_elsewhere_are_seen_by_the_next_command(db: str) -> None:
    h = Harness.build(start=NOW)
    await h.say("Ada", "help")
    assert not (await Workspace.get(external_id="T1")).restrict_community_create
    # another process (an admin's command there) restricts community creation
    await Workspace.filter(external_id="T1").update(restrict_community_create=True)
    ctx = await h.core._context(h.who("Ada"))
    assert ctx.workspace.restrict_community_create is True


async def test_same_user_id_in_two_workspaces_is_two_members(db: str) -> None:
    one, other = Harness.build(start=NOW), Harness.build(start=NOW, workspace="T2")
    ws1, m1 = await member_store.ensure_member(one.who("Ada"), NOW, test_settings())
    ws2, m2 = await member_store.ensure_member(other.who("Ada"), NOW, test_settings())
    again1, n1 = await member_store.ensure_member(one.who("Ada"), NOW, test_settings())
    assert ws1.id != ws2.id and m1.id != m2.id
    assert (again1.id, n1.id) == (ws1.id, m1.id)
    assert await Member.filter(external_id="ada").count() == 2
