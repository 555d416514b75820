"""copbot calendar <community>: print a community's calendar (.ics, every meeting with its
recurrence and exceptions) to standard output. Reads the database only."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.kernel.lookups import name_key
from bot.kernel.settings import Settings
from bot.meetings.calendar_ics import community_calendar
from copbot.commands.check import database_label
from data.db import close_database, connection, init_database
from data.models import Community


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "calendar", help="print a community's meetings as an iCalendar (.ics) file"
    )
    parser.add_argument("community", help="the community's name")
    parser.add_argument(
        "--workspace",
        metavar="ID",
        help="the Slack team / Discord server id, when several workspaces have that name",
    )


async def _pending_migrations() -> list[str]:
    """Migrations this copbot knows that the database has not had (all of them when the
    database was never migrated)."""
    from tortoise.migrations.recorder import MigrationRecorder

    from copbot.commands.check import known_migrations

    try:
        rows = await MigrationRecorder(connection()).applied_migrations()
    except Exception:  # no migration table at all
        return sorted(known_migrations())
    applied = {key.name for key in rows if key.app_label == "models"}
    return sorted(known_migrations() - applied)


async def render(database_url: str, community: str, workspace: str | None) -> tuple[int, bytes]:
    await init_database(database_url)
    try:
        pending = await _pending_migrations()
        if pending:
            return (
                3,
                f"copbot: the database {database_label(database_url)} is not migrated "
                f"({len(pending)} migration(s) pending): run `copbot migrate` (or start "
                "`copbot run`, which migrates) first\n".encode(),
            )
        query = Community.filter(name_key=name_key(community)).prefetch_related("workspace")
        found = [c for c in await query if workspace in (None, c.workspace.external_id)]
        if not found:
            return 1, f"copbot: no community called {community!r}\n".encode()
        if len(found) > 1:
            where = ", ".join(c.workspace.external_id for c in found)
            return (
                2,
                f"copbot: {community!r} is in several workspaces ({where}): "
                "add --workspace\n".encode(),
            )
        return 0, await community_calendar(found[0])
    finally:
        await close_database()


def main(args: argparse.Namespace, settings: Settings) -> int:
    code, output = asyncio.run(render(settings.database_url, args.community, args.workspace))
    (sys.stdout if code == 0 else sys.stderr).buffer.write(output)
    return code
