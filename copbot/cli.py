"""The ``copbot`` command line. Each sub-command is a module of ``copbot.commands`` with
``add_parser`` and ``main``; adding one is adding its module name here."""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from pydantic import ValidationError

from bot.kernel.settings import Settings
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


def settings_problems(error: ValidationError) -> list[tuple[str, str]]:
    """Every invalid setting at once, as (its environment name, what is wrong)."""
    problems = []
    for item in error.errors():
        name = ".".join(map(str, item["loc"])) or "settings"
        problems.append((name, item["msg"].removeprefix("Value error, ")))
    return problems


def load_settings() -> Settings:
    try:
        return Settings()  # type: ignore[call-arg]
    except ValidationError as error:
        lines = [f"  {name}: {problem}" for name, problem in settings_problems(error)]
        sys.exit(f"copbot: invalid settings ({len(lines)}):\n" + "\n".join(lines))


def lenient_settings() -> tuple[Settings, list[tuple[str, str]]]:
    """The settings with each invalid one replaced by its default, and the problems: for
    ``copbot check``, which reports them all and still checks everything else."""
    try:
        return Settings(), []  # type: ignore[call-arg]
    except ValidationError as error:
        problems = settings_problems(error)
    bad = {name for name, _ in problems}
    defaults = {
        field: info.default
        for field, info in Settings.model_fields.items()
        if info.alias in bad or field in bad
    }
    return Settings(**defaults), problems


def main(argv: list[str] | None = None) -> None:
    modules = _modules()
    args = build_parser(modules).parse_args(argv)
    if args.command == "check":
        settings, args.settings_problems = lenient_settings()
    else:
        settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets_of(settings))
    # "import" is a Python keyword, so its module may be named import_; the name wins
    module = modules.get(args.command) or modules[args.command + "_"]
    sys.exit(module.main(args, settings))


if __name__ == "__main__":
    main()
