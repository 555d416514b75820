"""Comparing a name or title a member typed with the ones stored: case, accents, curly
apostrophes and runs of spaces aside, so "reunion d'equipe" is “Réunion d’équipe” and
"elodie  nunez" is Élodie Ñúñez.

The database compares first where it can (``UPPER(...)``, ``LIKE``), but SQLite folds case
in ASCII only and neither folds accents, so a miss there is compared again here, over the
names the miss would have read anyway for its "did you mean"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Generic, TypeVar

from bot.kernel.timewords.lexicon import fold

Key = TypeVar("Key")


def typed_key(text: str) -> str:
    """What a typed name is compared as."""
    if text.isascii():  # most names: nothing to decompose, ten times quicker
        return " ".join(text.lower().split())
    return " ".join(fold(text).split())


class Names(Generic[Key]):
    """Stored names, each with what it stands for (a member's id, a meeting...), folded
    once: a workspace's 20,000 member names take a few milliseconds to fold."""

    def __init__(self, named: Iterable[tuple[Key, str]]) -> None:
        self.entries = [(key, name, typed_key(name)) for key, name in named]

    def same(self, typed: str) -> list[Key]:
        """What the names that are ``typed`` stand for."""
        wanted = typed_key(typed)
        return [key for key, _, folded in self.entries if folded == wanted]

    def containing(self, typed: str) -> list[Key]:
        """What the names that contain ``typed`` stand for."""
        wanted = typed_key(typed)
        return [key for key, _, folded in self.entries if wanted in folded]

    def starting(self, typed: str) -> list[Key]:
        """What the names that begin with ``typed`` stand for."""
        wanted = typed_key(typed)
        return [key for key, _, folded in self.entries if folded.startswith(wanted)]

    def close(self, typed: str, count: int, cutoff: float) -> list[str]:
        """Up to ``count`` of the names (as stored) that look like ``typed``, best first."""
        by_key = {folded: name for _, name, folded in self.entries}
        close = difflib.get_close_matches(typed_key(typed), list(by_key), count, cutoff)
        return [by_key[key] for key in close]
