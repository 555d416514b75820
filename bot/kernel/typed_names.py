"""Comparing a name or title a member typed with the ones stored: case, accents, curly
apostrophes and runs of spaces aside, so "reunion d'equipe" is “Réunion d’équipe” and
"elodie  nunez" is Élodie Ñúñez.

The database compares first where it can (``UPPER(...)``, ``LIKE``), but SQLite folds case
in ASCII only and neither folds accents, so a miss there is compared again here, over the
names the miss would have read anyway for its "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TypeVar

from bot.kernel.timewords.lexicon import fold

Key = TypeVar("Key")


def typed_key(text: str) -> str:
    """What a typed name is compared as."""
    return " ".join(fold(text).split())


def same_name(typed: str, named: Iterable[tuple[Key, str]]) -> list[Key]:
    """The keys of the names that are ``typed``, compared as ``typed_key``."""
    wanted = typed_key(typed)
    return [key for key, name in named if typed_key(name) == wanted]


def containing(typed: str, named: Iterable[tuple[Key, str]]) -> list[Key]:
    """The keys of the names that contain ``typed``, compared as ``typed_key``."""
    wanted = typed_key(typed)
    return [key for key, name in named if wanted in typed_key(name)]


def starting(typed: str, named: Iterable[tuple[Key, str]]) -> list[Key]:
    """The keys of the names that begin with ``typed``, compared as ``typed_key``."""
    wanted = typed_key(typed)
    return [key for key, name in named if typed_key(name).startswith(wanted)]


def close_names(typed: str, names: Iterable[str], count: int, cutoff: float) -> list[str]:
    """Up to ``count`` of ``names`` (as stored) that look like ``typed``, best first."""
    by_key = {typed_key(name): name for name in names}
    close = difflib.get_close_matches(typed_key(typed), list(by_key), count, cutoff)
    return [by_key[key] for key in close]
