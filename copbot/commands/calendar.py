"""copbot calendar <community>: print a community's calendar (.ics, every meeting with its
recurrence and exceptions) to standard output. Reads the database only."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.kernel.lookups import name_key
from bot.kernel.settings import Settings
from bot.meetings.calendar_ics import community_calendar
from data.db import close_database, init_database
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


async def render(database_url: str, community: str, workspace: str | None) -> tuple[int, bytes]:
    await init_database(database_url)
    try:
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
