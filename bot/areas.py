"""The list of command areas. Adding an area is adding its module here."""

from __future__ import annotations

from types import ModuleType

from bot.registry import Registry


def area_modules() -> list[ModuleType]:
    from bot import common, communities, help, newcomers

    return [common, help, communities, newcomers]


def default_registry() -> Registry:
    return Registry.from_modules(area_modules())
