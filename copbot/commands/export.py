"""copbot export: one workspace (or all) as a versioned JSON document, plus the repertoire
as CSV and Markdown beside it. Reads the database only; never migrates or writes it."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from bot.kernel.settings import Settings
from copbot.commands.check import database_label, sqlite_path
from data.db import close_database, init_database
from data.transfer import (
    Progress,
    TransferError,
    export_document,
    find_workspace,
    repertoire_rows,
    write_repertoire_csv,
    write_repertoire_markdown,
)

DEFAULT_OUT = "copbot-export.json"


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "export",
        help="write a workspace's data (or all of it) to a JSON file, "
        "and the repertoire as CSV and Markdown",
    )
    parser.add_argument(
        "--workspace",
        metavar="ID",
        help="only this workspace: copbot's id, the Slack team / Discord server id, "
        "or platform:id (default: every workspace)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        default=DEFAULT_OUT,
        help=f"the JSON file (default {DEFAULT_OUT}; - for standard output). The repertoire "
        "is written beside it as <name>.repertoire.csv and <name>.repertoire.md",
    )
    parser.add_argument(
        "--database", metavar="URL", help="export this database instead of DATABASE_URL"
    )


def repertoire_paths(out: Path) -> tuple[Path, Path]:
    stem = out.with_suffix("") if out.suffix == ".json" else out
    return (
        stem.with_name(stem.name + ".repertoire.csv"),
        stem.with_name(stem.name + ".repertoire.md"),
    )


async def run_export(database_url: str, workspace: str | None, out: str) -> str:
    """Export; returns the summary line. Raises TransferError when it cannot."""
    path = sqlite_path(database_url)
    if path is not None and not path.exists():
        raise TransferError(f"there is no database at {path}")
    await init_database(database_url)
    try:
        workspace_id = (await find_workspace(workspace)).id if workspace else None
        if out == "-":
            counts = await export_document(sys.stdout, workspace_id, Progress("exporting"))
            return f"exported {sum(counts.values()):,} rows from {database_label(database_url)}"
        target = Path(out)
        partial = target.with_name(target.name + ".partial")
        # written aside and renamed at the end: a failed export never leaves half a file
        with partial.open("w", encoding="utf-8", newline="\n") as stream:
            counts = await export_document(stream, workspace_id, Progress("exporting"))
        os.replace(partial, target)
        csv_path, markdown_path = repertoire_paths(target)
        rows = await repertoire_rows(workspace_id)
        with csv_path.open("w", encoding="utf-8", newline="") as stream:
            write_repertoire_csv(rows, stream)
        with markdown_path.open("w", encoding="utf-8", newline="\n") as stream:
            write_repertoire_markdown(rows, stream)
    finally:
        await close_database()
    return (
        f"exported {sum(counts.values()):,} rows of {len(counts)} tables from "
        f"{database_label(database_url)} to {target}; "
        f"the repertoire ({len(rows):,} resources) to {csv_path} and {markdown_path}"
    )


def main(args: argparse.Namespace, settings: Settings) -> int:
    try:
        summary = asyncio.run(
            run_export(args.database or settings.database_url, args.workspace, args.out)
        )
    except TransferError as error:
        print(f"copbot export: {error}", file=sys.stderr)
        return 1
    print(summary, file=sys.stderr if args.out == "-" else sys.stdout)
    return 0
