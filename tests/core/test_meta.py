"""Rules about the code base itself: command names unique, every command helped in both
languages, translations consistent, and the core free of platform libraries."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import pytest

from bot.kernel.discovery import area_modules, default_registry
from bot.kernel.i18n import Translator, placeholders
from bot.kernel.registry import Registry, command
from tests.support.catalogs import extracted_catalog, french_catalog

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = ("discord", "slack_bolt", "slack_sdk", "aiohttp", "apscheduler")


def test_every_command_has_help_in_english_and_french() -> None:
    registry = default_registry()
    french = Translator("fr")
    assert len(registry.commands) >= 20
    for name, cmd in registry.commands.items():
        assert cmd.help_en, f"{name} has no docstring"
        assert french(cmd.help_en) != cmd.help_en, name
        assert cmd.usage.startswith(name), f"{name}: usage must start with the command"
        for param in cmd.params:
            label = param.arg.label
            assert label and french(label) != label, f"{name}.{param.name} lacks a description"


def test_duplicate_command_names_are_refused() -> None:
    first = ModuleType("first")
    second = ModuleType("second")

    async def one(ctx: object) -> None:
        """One"""

    async def two(ctx: object) -> None:
        """Two"""

    one.__module__, two.__module__ = "first", "second"  # as if defined in those areas
    first.one = command("same", usage="same")(one)  # type: ignore[attr-defined]
    second.two = command("same", usage="same")(two)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="defined twice"):
        Registry.from_modules([first, second])


def test_translations_have_the_same_placeholders() -> None:
    for message in french_catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), message.id
        expected = set().union(*(placeholders(i) for i in ids))
        for string in strings:
            # a singular may leave out {n} ("chaque jour" for "every day")
            assert placeholders(string) <= expected, message.id
        if not isinstance(message.id, tuple):
            assert placeholders(strings[0]) == expected, message.id


def test_every_text_used_in_the_core_is_translated() -> None:
    """Every msgid the catalogs' extraction finds in the code has its French."""
    french = french_catalog()
    assert len(extracted_catalog()) > 500
    missing = sorted(
        str(m.id)
        for m in extracted_catalog()
        if m.id and (french.get(m.id, m.context) is None or not french.get(m.id, m.context).string)
    )
    assert not missing


def test_core_and_data_import_no_platform_library() -> None:
    offenders = []
    for folder in ("bot", "data"):
        for path in (ROOT / folder).rglob("*.py"):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    if top in PLATFORM_LIBRARIES or top in ("adapters", "scheduler", "copbot"):
                        offenders.append(f"{path.relative_to(ROOT)} imports {name}")
                    if folder == "data" and top == "bot":
                        offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders


def test_area_modules_import_cleanly() -> None:
    assert all(isinstance(module, ModuleType) for module in area_modules())
