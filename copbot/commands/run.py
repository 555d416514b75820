"""copbot run: migrate, then start every configured adapter and the scheduler."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.kernel.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser("run", help="migrate the database and start the bot")
    parser.add_argument("--demo", action="store_true", help="start with demo communities")


def main(args: argparse.Namespace, settings: Settings) -> int:
    from copbot.bootstrap import StartupError, run

    try:
        asyncio.run(run(settings, demo=args.demo))
    except StartupError as error:
        print(f"copbot: {error}", file=sys.stderr)
        return 1
    return 0
