"""copbot export / import: round trips are byte-identical on SQLite, on PostgreSQL and
across them; refusals (not an export, future version, corrupted, non-empty target, a row
the database rejects) say why and change nothing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from copbot.commands.export import repertoire_paths, run_export
from copbot.commands.import_ import run_import
from data.db import close_database, init_database
from data.models import Community, Member, Resource, Workspace
from data.search import SearchFilter, search_resource_ids
from data.transfer import (
    Progress,
    TransferError,
    export_document,
    parse_document,
    read_document,
    tables,
)
from tests.ops.seed import SEARCH_WORD, seed_global, seed_workspace
from tests.support.databases import PG_ADMIN_DSN, open_empty, sqlite_copy
from tests.support.search import head_index_ids


async def _seed_two_workspaces() -> tuple[int, int]:
    first = await seed_workspace()
    second = await seed_workspace("T-OTHER", "Other Co")
    await seed_global()
    return first.id, second.id


async def _row_counts(url: str) -> dict[str, int]:
    await init_database(url)
    try:
        return {t.name: await t.model.all().count() for t in tables()}
    finally:
        await close_database()


def _sqlite_table_names(path: Path) -> list[str]:
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]


async def _table_names(url: str) -> list[str]:
    """Tables that exist in a database (its schema), without creating anything."""
    if url.startswith("sqlite://"):
        return _sqlite_table_names(Path(url.removeprefix("sqlite://")))
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [r["tablename"] for r in rows]
    finally:
        await conn.close()


async def test_round_trip_is_identical_within_and_across_databases(
    db: str, target_url: str, tmp_path: Path
) -> None:
    await _seed_two_workspaces()
    await close_database()
    first = tmp_path / "first.json"
    await run_export(db, None, str(first))

    document = json.loads(first.read_text())
    assert (document["format"], document["version"], document["scope"]) == (
        "copbot-export",
        1,
        "all",
    )
    # every kind of record is in the file, so the round trip below covers every table
    assert {name for name, rows in document["tables"].items() if rows} == {t.name for t in tables()}

    summary = await run_import(target_url, read_document(first))
    assert "imported" in summary
    second = tmp_path / "second.json"
    await run_export(target_url, None, str(second))
    assert first.read_bytes() == second.read_bytes()
    for one, other in zip(repertoire_paths(first), repertoire_paths(second), strict=True):
        assert one.read_bytes() == other.read_bytes()

    await init_database(target_url)
    try:
        # the full-text index followed the imported rows (FTS5 triggers / generated column)
        workspace = await Workspace.get(external_id="T-SEED")
        found = await search_resource_ids(SEARCH_WORD, SearchFilter(workspace.id))
        assert [r.title for r in await Resource.filter(id__in=found)] == [
            f"A {SEARCH_WORD} guide, “quoted”"
        ]
        # the head tier's own index too (filled once after the rows, on SQLite), and its
        # trigger is back for the resources shared after the import
        holding = [
            r.id for r in await Resource.all() if SEARCH_WORD in f"{r.title} {r.tags_text}".lower()
        ]
        assert holding and sorted(await head_index_ids(SEARCH_WORD)) == sorted(holding)
        community = await Community.filter(workspace=workspace).first()
        assert community is not None
        later = await Resource.create(
            workspace=workspace,
            community=community,
            url="https://later.example",
            url_key="https://later.example",
            title=f"Later {SEARCH_WORD} notes",
            shared_at=datetime.now(UTC),
        )
        assert sorted(await head_index_ids(SEARCH_WORD)) == sorted([*holding, later.id])
        # ids continue after the imported ones (PostgreSQL sequences were advanced)
        newest = await Member.all().order_by("-id").first()
        assert newest is not None
        created = await Member.create(
            workspace=workspace, external_id="new", display_name="New", first_seen=newest.first_seen
        )
        assert created.id == newest.id + 1
    finally:
        await close_database()


async def test_one_workspace_export_keeps_to_that_workspace(db: str, tmp_path: Path) -> None:
    _, second_id = await _seed_two_workspaces()
    out = io.StringIO()
    counts = await export_document(out, second_id)
    document = json.loads(out.getvalue())
    assert document["scope"] == {"workspace": second_id}
    assert [w["external_id"] for w in document["tables"]["workspace"]] == ["T-OTHER"]
    assert "processed_event" not in document["tables"]  # global, belongs to no workspace
    members = {m["id"] for m in document["tables"]["member"]}
    assert members and all(m["workspace_id"] == second_id for m in document["tables"]["member"])
    for rsvp in document["tables"]["rsvp"]:
        assert rsvp["member_id"] in members
    assert counts["resource"] == 2 and counts["workspace"] == 1
    # the file stands on its own: every reference resolves inside it
    parse_document(document)


async def test_export_of_a_named_workspace_and_its_repertoire(db: str, tmp_path: Path) -> None:
    await _seed_two_workspaces()
    await close_database()
    out = tmp_path / "seed.json"
    summary = await run_export(db, "slack:T-SEED", str(out))
    assert "exported" in summary and str(out) in summary
    csv_path, markdown_path = repertoire_paths(out)
    assert csv_path.name == "seed.repertoire.csv" and markdown_path.name == "seed.repertoire.md"
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [r["title"] for r in rows] == [
        f"A {SEARCH_WORD} guide, “quoted”",
        '\'=HYPERLINK("http://evil")',  # a formula is defused for spreadsheets
    ]
    assert rows[0]["community"] == "Python" and rows[0]["tags"] == "#python #intro"
    assert rows[0]["description"] == "Line one\nLine two, with = and , and ;"
    assert rows[0]["shared_by"] == "Adélaïde “Ada” O'Brien 🐍"
    markdown = markdown_path.read_text(encoding="utf-8")
    assert "## Python (Seed Co)" in markdown
    assert f"- [A {SEARCH_WORD} guide, “quoted”](<https://example.org/a?x=1&y=2>)" in markdown
    assert "Line one Line two, with = and , and ;" in markdown
    with pytest.raises(TransferError, match="no workspace 'nope'"):
        await run_export(db, "nope", str(tmp_path / "x.json"))


def test_progress_bar_on_long_jobs() -> None:
    stream = io.StringIO()
    progress = Progress("exporting", 100, stream, threshold=50)
    for _ in range(10):
        progress.advance(10)
    progress.finish()
    lines = stream.getvalue().splitlines()
    # not a terminal (a log file): one line per quarter reached, no carriage returns
    assert [line.split("]")[1].split("%")[0].strip() for line in lines] == [
        "10",
        "30",
        "50",
        "80",
        "100",
    ]
    assert lines[-1] == "exporting [" + "#" * 30 + "] 100% 100/100 rows"
    quiet = io.StringIO()
    short = Progress("exporting", 10, quiet, threshold=50)
    short.advance(10)
    assert quiet.getvalue() == ""


async def test_export_shows_progress_past_the_threshold(db: str) -> None:
    await _seed_two_workspaces()
    stream = io.StringIO()
    await export_document(io.StringIO(), None, Progress("exporting", 0, stream, threshold=1))
    assert "100%" in stream.getvalue()


# ---- refusals ------------------------------------------------------------------------


async def _exported(db: str, tmp_path: Path) -> Path:
    await _seed_two_workspaces()
    await close_database()
    path = tmp_path / "good.json"
    await run_export(db, None, str(path))
    return path


def _rewrite(path: Path, change: object) -> Path:
    document = json.loads(path.read_text())
    change(document)  # type: ignore[operator]
    bad = path.with_name("bad.json")
    bad.write_text(json.dumps(document))
    return bad


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(version=2), "written by a newer copbot (format version 2)"),
        (lambda d: d.update(version="one"), "unknown export format version 'one'"),
        (lambda d: d.update(format="other"), "not a copbot export"),
        (lambda d: d["tables"].update(gadget=[]), "tables this copbot does not know: gadget"),
        (
            lambda d: d["tables"]["resource"][0].update(shared_at="yesterday"),
            "table resource, row 1, column shared_at: 'yesterday' is not a date-time",
        ),
        (
            lambda d: d["tables"]["member"][0].update(display_name="x" * 101),
            "101 characters, at most 100 fit",
        ),
        (
            lambda d: d["tables"]["rsvp"][0].update(member_id=4242),
            "member_id 4242 refers to a row missing from table member",
        ),
        (
            lambda d: d["tables"]["community"][0].update(colour="red"),
            "unknown columns colour",
        ),
        (
            lambda d: d["tables"]["community"].append(d["tables"]["community"][0]),
            "same id on several rows",
        ),
    ],
)
async def test_bad_files_are_refused_before_touching_the_database(
    sqlite_template: Path, target_url: str, tmp_path: Path, change: object, reason: str
) -> None:
    # the source database does not matter here (the round trips cover both): SQLite
    source = sqlite_copy(sqlite_template, tmp_path)
    await open_empty(source)
    bad = _rewrite(await _exported(source, tmp_path), change)
    with pytest.raises(TransferError) as refused:
        await run_import(target_url, read_document(bad))
    assert reason in str(refused.value)
    assert await _table_names(target_url) == []  # not even the schema was created


async def test_truncated_file_says_where(db: str, tmp_path: Path) -> None:
    good = await _exported(db, tmp_path)
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(TransferError, match=r"not valid JSON \(line \d+, column \d+.*truncated"):
        read_document(truncated)
    with pytest.raises(TransferError, match="no such file"):
        read_document(tmp_path / "missing.json")


async def test_non_empty_target_is_refused_and_unchanged(db: str, tmp_path: Path) -> None:
    good = await _exported(db, tmp_path)
    before = await _row_counts(db)
    with pytest.raises(TransferError, match=r"target database is not empty .*nothing was changed"):
        await run_import(db, read_document(good))
    assert await _row_counts(db) == before


async def test_a_row_the_database_rejects_rolls_everything_back(
    db: str, target_url: str, tmp_path: Path
) -> None:
    # two resources with the same link in one community pass the file checks but break the
    # database's unique key, late in the import: everything before it must be undone
    good = await _exported(db, tmp_path)

    def duplicate_link(document: dict) -> None:  # type: ignore[type-arg]
        resources = document["tables"]["resource"]
        resources[1].update(
            url_key=resources[0]["url_key"], community_id=resources[0]["community_id"]
        )

    bad = _rewrite(good, duplicate_link)
    with pytest.raises(
        TransferError, match=r"the database refused the data .*nothing was imported"
    ):
        await run_import(target_url, read_document(bad))
    if target_url.startswith("sqlite://"):
        assert await _table_names(target_url) == []  # the file it had created is gone
    else:
        assert set((await _row_counts(target_url)).values()) == {0}
