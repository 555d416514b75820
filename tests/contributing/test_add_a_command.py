"""CONTRIBUTING.md's "Adding a command", done as written: the example area is copied from
the document into an area package of a temporary folder, found by the discovery, and used
through the console adapter, with its declared check, its button and its listener."""

from __future__ import annotations

import asyncio
import io
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from bot.kernel.clock import ManualClock
from bot.kernel.core import Core
from bot.kernel.discovery import area_modules, area_packages
from bot.kernel.registry import Registry
from tests.support.harness import send_effects, test_settings

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "contributed_areas"


def example_area() -> tuple[str, str]:
    """The file name and code of the example in the "Adding a command" section."""
    text = (ROOT / "CONTRIBUTING.md").read_text()
    section = text.split("## Adding a command", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    first = code.splitlines()[0]
    assert first.startswith("# bot/"), first
    return first.removeprefix("# bot/"), code


@pytest.fixture
def contributed(tmp_path: Path) -> Iterator[str]:
    """A folder of area packages holding the document's example, importable."""
    relative, code = example_area()
    target = tmp_path / PACKAGE / relative
    target.parent.mkdir(parents=True)
    (tmp_path / PACKAGE / "__init__.py").write_text("")
    (target.parent / "__init__.py").write_text("")
    target.write_text(code)
    sys.path.insert(0, str(tmp_path))
    yield PACKAGE
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]


async def console_session(registry: Registry, lines: list[str]) -> str:
    clock = ManualClock(datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    core = Core(test_settings(), clock, registry)
    send_effects(core, clock)
    out = io.StringIO()
    console = ConsoleAdapter(core, asyncio.Event(), stdin=io.StringIO(""), stdout=out)
    core.attach_outbox(console.outbox)
    for line in lines:
        out.write(f"> {line}\n")
        await console.handle_line(line)
    return out.getvalue()


async def test_the_documented_area_is_discovered_and_works_in_the_console(
    db: str, contributed: str
) -> None:
    assert area_packages(contributed) == [f"{contributed}.bookclub"]
    registry = Registry.from_modules([*area_modules(), *area_modules(contributed)])
    assert registry.commands["book suggest"].role == "member"
    assert "book_list" in registry.press_handlers

    transcript = await console_session(
        registry,
        [
            "/channel python",
            "/community create python",
            '/book suggest "Small Teaching"',  # in python's channel: python is implied
            "/press 1",
            '/book suggest "Small Teaching"',
            "/as Bob",
            '/book suggest "Make It Stick" in python',  # not a member: refused
            "/join python",
            "/help book suggest",
        ],
    )
    # what the console answered to each line, in order
    steps = [step.split("\n", 1) for step in transcript.removeprefix("> ").split("\n> ")]
    answers = [answer for _, answer in steps]
    assert [line for line, _ in steps][2] == '/book suggest "Small Teaching"'
    assert "“Small Teaching” is on the list of python." in answers[2]
    assert "Small Teaching" in answers[3] and "[1:" not in answers[3]  # the list, by button
    assert "“Small Teaching” is already on the list." in answers[4]
    assert "You are not a member of “python”" in answers[6]
    # the join reply: the newcomer flow and, from the new area, the reading list
    assert "Welcome to “python”!" in answers[7]
    assert "Books suggested here: Small Teaching" in answers[7]
    assert "Make It Stick" not in answers[7]  # the refused suggestion left nothing
    assert "Suggest a book for your community to read" in answers[8]
    assert "book suggest <title> [in <community>]" in answers[8]
