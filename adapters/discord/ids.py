"""Component custom ids: what a button, select or modal carries back to us.

They are stateless, so components keep working after the bot restarts: a button's id is
``cb:<action>:<value>`` (parsed back into ``Core.press(action, value)``), a select's
``cs:<action>`` (the picked value comes with the interaction), a modal's
``cm:<form_id>:<context>`` (``cn:<form_id>:<token>`` when more of the form follows), and
a button that opens a form ``co:<form_id>:<token>``. Components sent by direct message
carry the server they are about in front, ``g<guild id>.cb:…``: an interaction from a DM
has no guild of its own (the member's membership of that server is checked before it is
believed, see ``adapters.discord.interactions``). Discord caps a custom id at 100
characters; the rare value that doesn't fit is kept in a bounded in-memory table
(``cx:<token>``) and only that one loses persistence across restarts.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

MAX_CUSTOM_ID = 100
IdKind = Literal["press", "select", "modal", "modal_next", "open_form"]
_PREFIXES: dict[str, IdKind] = {
    "cb": "press",
    "cs": "select",
    "cm": "modal",
    "cn": "modal_next",
    "co": "open_form",
}
_BY_KIND = {kind: prefix for prefix, kind in _PREFIXES.items()}


@dataclass(frozen=True)
class Decoded:
    kind: IdKind
    name: str  # the action or form id
    value: str  # the button's value, the form's context, or the open-form token
    guild: str | None = None  # the server a direct message's component is about


class Overflow:
    """Bounded memory for ids too long to inline (oldest forgotten first)."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._items: OrderedDict[str, str] = OrderedDict()

    def keep(self, full: str) -> str:
        token = secrets.token_urlsafe(12)
        self._items[token] = full
        while len(self._items) > self.limit:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> str | None:
        return self._items.get(token)


def encode(
    kind: IdKind, name: str, value: str, overflow: Overflow, guild: str | None = None
) -> str:
    """``guild``: the server a component sent by direct message is about."""
    if ":" in name:
        raise ValueError(f"an action or form id may not contain ':' ({name!r})")
    full = f"{_BY_KIND[kind]}:{name}:{value}"
    if guild is not None:
        if not guild.isdigit():
            raise ValueError(f"a guild id is a number ({guild!r})")
        full = f"g{guild}.{full}"
    if len(full) <= MAX_CUSTOM_ID:
        return full
    return "cx:" + overflow.keep(full)


def decode(custom_id: str, overflow: Overflow) -> Decoded | None:
    """The action behind a custom id; None for ids that are not ours (or forgotten)."""
    if custom_id.startswith("cx:"):
        full = overflow.get(custom_id[3:])
        if full is None:
            return None
        custom_id = full
    guild = None
    if custom_id.startswith("g"):
        head, dot, custom_id = custom_id.partition(".")
        if not dot or not head[1:].isdigit():
            return None
        guild = head[1:]
    prefix, _, rest = custom_id.partition(":")
    kind = _PREFIXES.get(prefix)
    if kind is None or ":" not in rest:
        return None
    name, _, value = rest.partition(":")
    return Decoded(kind, name, value, guild)
