"""copbot import: restore a ``copbot export`` file into an empty database (SQLite or
PostgreSQL). The file is checked completely before the database is opened, and the
target's emptiness before its schema is created, so a refusal changes nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.kernel.settings import Settings
from copbot.commands.check import database_label, sqlite_path
from data.db import close_database, init_database, migrate
from data.transfer import (
    Document,
    Progress,
    TransferError,
    import_document,
    nonempty_tables,
    not_empty_message,
    read_document,
)


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "import", help="restore a copbot export file into an empty database"
    )
    parser.add_argument("file", help="the JSON file written by copbot export")
    parser.add_argument(
        "--database", metavar="URL", help="import into this database instead of DATABASE_URL"
    )


async def run_import(database_url: str, doc: Document, progress: Progress | None = None) -> str:
    """Import ``doc``; returns the summary line. Raises TransferError, changing nothing."""
    path = sqlite_path(database_url)
    if path is not None and not path.parent.exists():
        raise TransferError(f"the folder {path.parent} does not exist")
    created = path is not None and not path.exists()
    try:
        await init_database(database_url)
        try:
            busy = await nonempty_tables()
        finally:
            await close_database()
    except TransferError:
        raise
    except Exception as error:
        raise TransferError(
            f"cannot reach the database {database_label(database_url)}: {error}"
        ) from error
    if busy:
        raise TransferError(not_empty_message(busy))
    try:
        await migrate(database_url)
        await init_database(database_url)
        try:
            counts = await import_document(doc, progress or Progress("importing"))
        finally:
            await close_database()
    except TransferError:
        if created and path is not None:
            path.unlink(missing_ok=True)  # leave no trace of a database we created
        raise
    return (
        f"imported {sum(counts.values()):,} rows of {len(counts)} tables "
        f"into {database_label(database_url)}"
    )


def main(args: argparse.Namespace, settings: Settings) -> int:
    try:
        doc = read_document(Path(args.file))
        summary = asyncio.run(run_import(args.database or settings.database_url, doc))
    except TransferError as error:
        print(f"copbot import: {error}", file=sys.stderr)
        return 1
    print(summary)
    return 0
