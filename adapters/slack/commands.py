"""Slash commands: which ones copbot registers on Slack and how one becomes a core line.

Slack reserves some command names for itself (``/join``, ``/leave``, ``/remind`` ...).
Every core command is reachable as a sub-command of the app command (``/cop join python``),
and each command word Slack does not reserve is also a command of its own (``/share ...``).
Both lists come from the core's registry, so a new core command needs no change here.
"""

from __future__ import annotations

import re

from bot.kernel.registry import Registry

# Slack's built-in commands (an app cannot register these names)
SLACK_RESERVED = frozenset(
    {
        "active", "add", "apps", "archive", "away", "call", "collapse", "dm", "dnd",
        "expand", "feed", "feedback", "giphy", "help", "invite", "invite_people", "join",
        "keys", "kick", "leave", "me", "msg", "mute", "open", "prefs", "remind", "remove",
        "rename", "search", "shortcuts", "shrug", "star", "status", "topic", "who",
    }
)  # fmt: skip
_VALID_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")


def direct_command_names(registry: Registry) -> list[str]:
    """The command words that get their own slash command (without the slash)."""
    words = {cmd.words[0] for cmd in registry.commands.values() if not cmd.hidden}
    return sorted(w for w in words if w not in SLACK_RESERVED and _VALID_NAME.match(w))


def unescape(text: str) -> str:
    """Undo Slack's escaping of what a member typed (only these three; ``&amp;`` last)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_line(slash_command: str, text: str, app_command: str) -> str:
    """What the member asked for, as the core's command line.

    ``/cop join python`` -> ``join python``; ``/share https://x`` -> ``share https://x``;
    ``/cop`` alone -> ``help``. Slack HTML-escapes ``&``, ``<`` and ``>`` in what the
    member typed; the core wants the text as typed (it keeps ``<@U..>`` mentions and
    ``<https://..>`` links, which the parser reads)."""
    typed = unescape(text).strip()
    if slash_command.strip().lower() == app_command.strip().lower():
        return typed or "help"
    name = slash_command.strip().lstrip("/").lower()
    return f"{name} {typed}".strip()
