"""Rules about the code base itself: command names unique, every command helped in both
languages, translations consistent, and the core free of platform libraries."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import ModuleType

import pytest

from bot.kernel.discovery import area_modules, default_registry
from bot.kernel.i18n import placeholders
from bot.kernel.registry import Registry, command

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBRARIES = ("discord", "slack_bolt", "slack_sdk", "aiohttp", "apscheduler")


def test_every_command_has_help_in_english_and_french() -> None:
    registry = default_registry()
    assert len(registry.commands) >= 20
    for name, cmd in registry.commands.items():
        assert cmd.help_en, f"{name} has no docstring"
        english, french = registry.texts[f"help.{name}"]
        assert english and french and english != french, name
        assert cmd.usage.startswith(name), f"{name}: usage must start with the command"
        for param in cmd.params:
            assert param.arg.en and param.arg.fr, f"{name}.{param.name} lacks a description"


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
    for key, (english, french) in default_registry().texts.items():
        assert english.strip() and french.strip(), key
        assert placeholders(english) == placeholders(french), key


def test_every_text_key_used_in_the_core_exists() -> None:
    texts = default_registry().texts
    pattern = re.compile(
        r"""(?:UserError|NotFound|PermissionDenied|tr|spans)\(\s*["']([a-z_]+\.[\w.\- ]+)["']"""
    )
    missing = []
    for path in (ROOT / "bot").glob("*.py"):
        for key in pattern.findall(path.read_text()):
            if key not in texts:
                missing.append(f"{path.name}: {key}")
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
