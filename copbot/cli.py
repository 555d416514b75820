"""The ``copbot`` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import ValidationError

from bot.settings import Settings
from copbot.logs import configure_logging


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copbot", description="Communities of Practice bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate the database and start the bot")
    run.add_argument("--demo", action="store_true", help="start with demo communities")
    commands.add_parser("migrate", help="bring the database schema up to date")
    return parser


def load_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        sys.exit(f"copbot: invalid settings: {problems}")


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    configure_logging(
        settings.log_level,
        settings.log_format,
        [
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.discord_token,
        ],
    )
    if args.command == "run":
        from copbot.bootstrap import run

        asyncio.run(run(settings, demo=args.demo))
    elif args.command == "migrate":
        from data.db import migrate

        asyncio.run(migrate(settings.database_url))


if __name__ == "__main__":
    main()
