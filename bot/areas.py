"""The list of command areas. Adding an area is adding its module here, one per line."""

from __future__ import annotations

import importlib
from types import ModuleType

from bot.registry import Registry

AREA_MODULES = (
    "bot.common",
    "bot.help",
    "bot.communities",
    "bot.meetings",
    "bot.resources",
    "bot.newcomers",
    "bot.stats",
    "bot.profiles",
    "bot.privacy",
    "bot.schedules",
    "bot.prompts",
    "bot.networking",
    "bot.digest",
    "bot.threads",
    "bot.web",
)


def area_modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in AREA_MODULES]


def default_registry() -> Registry:
    return Registry.from_modules(area_modules())
