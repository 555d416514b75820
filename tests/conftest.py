"""Every database test runs on real SQLite and on the real PostgreSQL at 127.0.0.1:5432."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from data.db import close_database
from tests.support.databases import (
    drop_pg_database,
    make_pg_database,
    make_sqlite_template,
    open_empty,
    sqlite_copy,
)

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    name = f"copbot_test_{os.getpid()}"
    url = make_pg_database(name)
    yield url
    drop_pg_database(name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database URL of each kind (not yet connected)."""
    if request.param == "sqlite":
        return sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
    return request.getfixturevalue("pg_database")


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Connected to an empty, migrated database of each kind."""
    await open_empty(database_url)
    yield database_url
    await close_database()
