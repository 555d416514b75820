"""copbot migrate: bring the database schema up to date, and nothing else."""

from __future__ import annotations

import argparse
import asyncio

from bot.kernel.settings import Settings
from data.db import migrate


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    commands.add_parser("migrate", help="bring the database schema up to date")


def main(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(migrate(settings.database_url))
    print("database schema is up to date")
    return 0
