"""Finds the command areas: every package under ``bot`` except the kernel.

An area is a package (``bot/communities/``, ``bot/meetings/``, ...) whose modules declare
commands, buttons, forms, events and completers. Adding an area is adding a package; no list
is kept by hand. Modules are imported by name here, so nothing in ``bot/`` imports an area
statically and the composition root decides which registry the core gets.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from bot.kernel.registry import Registry

KERNEL = "kernel"
# the kernel module whose @button answers a question about a time (any command may ask one)
ANSWERS = "bot.kernel.timewords.ask"


def area_packages(root: str = "bot") -> list[str]:
    """The dotted names of the area packages under ``root``, sorted."""
    package = importlib.import_module(root)
    return sorted(
        f"{root}.{info.name}"
        for info in pkgutil.iter_modules(package.__path__)
        if info.ispkg and info.name != KERNEL
    )


def area_modules(root: str = "bot") -> list[ModuleType]:
    """Every module of every area package, imported, in a stable order."""
    modules: list[ModuleType] = []
    for name in area_packages(root):
        package = importlib.import_module(name)
        modules.append(package)
        for info in sorted(pkgutil.walk_packages(package.__path__, f"{name}."), key=_by_name):
            modules.append(importlib.import_module(info.name))
    return modules


def _by_name(info: pkgutil.ModuleInfo) -> str:
    return info.name


def default_registry() -> Registry:
    """The registry of every discovered area, plus the kernel's time questions' answer
    button (any command may ask one)."""
    return Registry.from_modules([importlib.import_module(ANSWERS), *area_modules()])
