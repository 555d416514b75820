"""Fixtures for the operator's tools: empty, not yet migrated target databases."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import PG_ADMIN_DSN, drop_pg_database, pg_url

_names = itertools.count()


def _admin(sql: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """A brand-new PostgreSQL database with no tables at all."""
    name = f"copbot_ops_{os.getpid()}_{next(_names)}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    yield pg_url(name)
    drop_pg_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def target_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, unmigrated database of each kind to import into."""
    if request.param == "sqlite":
        return f"sqlite://{tmp_path / 'target.sqlite3'}"
    return str(request.getfixturevalue("fresh_pg"))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Tests that configure logging put the root logger back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
