"""The ``copbot`` command line. Each sub-command is a module of ``copbot.commands`` with
``add_parser`` and ``main``; adding one is adding its module name here."""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from pydantic import ValidationError

from bot.settings import Settings
from copbot.logs import configure_logging, secrets_of

SUBCOMMANDS = (
    "copbot.commands.run",
    "copbot.commands.migrate",
    "copbot.commands.check",
    "copbot.commands.export",
    "copbot.commands.import_",
    "copbot.commands.calendar",
)


def _modules() -> dict[str, ModuleType]:
    return {name.rsplit(".", 1)[1]: importlib.import_module(name) for name in SUBCOMMANDS}


def build_parser(modules: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="copbot", description="Communities of Practice bot")
    commands = parser.add_subparsers(dest="command", required=True)
    for module in modules.values():
        module.add_parser(commands)
    return parser


def load_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        sys.exit(f"copbot: invalid settings: {problems}")


def main(argv: list[str] | None = None) -> None:
    modules = _modules()
    args = build_parser(modules).parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets_of(settings))
    # "import" is a Python keyword, so its module may be named import_; the name wins
    module = modules.get(args.command) or modules[args.command + "_"]
    sys.exit(module.main(args, settings))


if __name__ == "__main__":
    main()
