"""Every sentence the language of time can say has its French in the catalog."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.kernel.i18n import Translator

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "bot" / "kernel" / "timewords").glob("*.py")),
    ROOT / "bot" / "kernel" / "schedules.py",
    *sorted((ROOT / "bot" / "meetings").glob("*.py")),
    ROOT / "bot" / "help" / "commands.py",
]


def _marked() -> list[str]:
    found: list[str] = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "N_"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(node.args[0].value)
    return found


MARKED = _marked()


def test_the_sources_mark_their_sentences() -> None:
    assert len(MARKED) >= 30


@pytest.mark.parametrize("msgid", MARKED)
def test_each_sentence_has_its_french_with_the_same_placeholders(msgid: str) -> None:
    french = Translator("fr")(msgid)
    assert french != msgid
    assert set(_names(french)) == set(_names(msgid))


def _names(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]
