"""The real ``copbot export`` and ``copbot import`` processes: SQLite → PostgreSQL and back
out, byte-identical; a refused file exits 1 with the reason on stderr."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from data.db import close_database, init_database
from tests.ops.seed import seed_global, seed_workspace
from tests.ops.test_check import copbot


async def _seed(url: str) -> None:
    await init_database(url)
    try:
        await seed_workspace()
        await seed_workspace("T-OTHER", "Other Co")
        await seed_global()
    finally:
        await close_database()


def test_sqlite_to_postgres_through_the_command_line(tmp_path: Path, fresh_pg: str) -> None:
    sqlite_url = f"sqlite://{tmp_path / 'source.sqlite3'}"
    assert copbot(tmp_path, "migrate", DATABASE_URL=sqlite_url).returncode == 0
    asyncio.run(_seed(sqlite_url))

    exported = copbot(tmp_path, "export", "--out", "backup.json", DATABASE_URL=sqlite_url)
    assert exported.returncode == 0, exported.stderr
    assert "to backup.json" in exported.stdout
    assert (tmp_path / "backup.repertoire.csv").exists()
    assert (tmp_path / "backup.repertoire.md").exists()

    imported = copbot(tmp_path, "import", "backup.json", DATABASE_URL=fresh_pg)
    assert imported.returncode == 0, imported.stderr
    assert "imported" in imported.stdout

    again = copbot(tmp_path, "export", "--out", "-", DATABASE_URL=fresh_pg)
    assert again.returncode == 0, again.stderr
    assert again.stdout == (tmp_path / "backup.json").read_text(encoding="utf-8")

    # a second import into the now full database is refused, and says why
    refused = copbot(tmp_path, "import", "backup.json", DATABASE_URL=fresh_pg)
    assert refused.returncode == 1
    assert "copbot import: the target database is not empty" in refused.stderr

    one = copbot(
        tmp_path, "export", "--workspace", "T-OTHER", "--out", "other.json", DATABASE_URL=fresh_pg
    )
    assert one.returncode == 0, one.stderr
    document = json.loads((tmp_path / "other.json").read_text(encoding="utf-8"))
    assert [w["name"] for w in document["tables"]["workspace"]] == ["Other Co"]


def test_future_version_is_refused_by_the_command_line(tmp_path: Path) -> None:
    future = tmp_path / "future.json"
    future.write_text(json.dumps({"format": "copbot-export", "version": 7, "tables": {}}))
    target = tmp_path / "target.sqlite3"
    result = copbot(tmp_path, "import", str(future), DATABASE_URL=f"sqlite://{target}")
    assert result.returncode == 1
    assert "newer copbot (format version 7)" in result.stderr
    assert not target.exists()
