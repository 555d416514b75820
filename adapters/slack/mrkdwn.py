"""Spans as Slack ``mrkdwn``: the one place member text is escaped.

Slack turns ``<...>`` sequences into mentions, broadcasts (``<!channel>``, ``<!here>``,
``<!everyone>``, ``<!subteam^...>``) and links (``<http://x|label>``). Its documentation
says to escape exactly ``&``, ``<`` and ``>`` in text, which makes every one of those
impossible to produce from member text. Every text object we build is also ``verbatim``
(see ``render``), so Slack does not auto-link bare ``@here`` or ``#channel`` either.

Bold, italic, strike and code markers have no escape in mrkdwn; a zero-width space on
each side of them in member text stops them from opening a span across our own markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import assert_never
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.kernel.messages import ChannelRef, Code, Link, Mention, Span, Strong, Text, Time, TimeStyle

ZWSP = "\u200b"
# one pass over the text (a reply escapes every span of it, so this runs often)
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;"} | {mark: ZWSP + mark + ZWSP for mark in "*_~`"}
)
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
# Slack's date tokens: each reader sees the instant in their own zone and locale
DATE_FORMATS: dict[TimeStyle, str] = {
    "full": "{date_long_pretty} {time}",
    "short": "{date_short_pretty} {time}",
    "date": "{date_long_pretty}",
    "time": "{time}",
    "relative": "{ago}",
}


def escape(text: str) -> str:
    """Member text made inert: ``&``, ``<``, ``>`` escaped, formatting markers disarmed."""
    return text.translate(_ESCAPES)


def escape_code(text: str) -> str:
    """Inside backticks: escape the control characters; a backtick would end the code span,
    so it becomes a look-alike (the text is for reading, not copying into a shell)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "ˋ")


def link_target(url: str) -> str | None:
    """The URL as it may appear inside ``<...|...>``, or None when it is not a safe link."""
    url = url.strip()
    if not url.lower().startswith(_SAFE_SCHEMES) or any(ch.isspace() for ch in url):
        return None
    # "|" ends the URL part and ">" the whole token: percent-encode them and "<"
    return quote(url, safe="/:?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")


def fallback_time(span: Time) -> str:
    """What clients without date tokens show (notifications, old clients)."""
    try:
        zone = ZoneInfo(span.zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = span.instant.astimezone(zone)
    if span.style == "date":
        return local.strftime("%Y-%m-%d")
    if span.style == "time":
        return local.strftime("%H:%M %Z")
    return local.strftime("%Y-%m-%d %H:%M %Z")


def render_span(span: Span) -> str:
    match span:
        case Text():
            return escape(span.text)
        case Strong():
            inner = span.text.strip()
            if not inner:
                return escape(span.text)
            # Slack only bolds when the asterisks touch the words: keep outer spaces outside
            lead = span.text[: len(span.text) - len(span.text.lstrip())]
            trail = span.text[len(span.text.rstrip()) :]
            return f"{lead}*{escape(inner)}*{trail}"
        case Code():
            return f"`{escape_code(span.text)}`" if span.text else ""
        case Mention():
            if _USER_ID.match(span.user_id):
                return f"<@{span.user_id}>"
            return escape("@" + span.name)
        case ChannelRef():
            if _CHANNEL_ID.match(span.channel_id):
                return f"<#{span.channel_id}>"
            return escape("#" + (span.name or span.channel_id))
        case Link():
            target = link_target(span.url)
            if target is None:
                return escape(span.label or span.url)
            return f"<{target}|{escape(span.label)}>" if span.label else f"<{target}>"
        case Time():
            epoch = int(span.instant.timestamp())
            return f"<!date^{epoch}^{DATE_FORMATS[span.style]}|{escape(fallback_time(span))}>"
        case _:
            assert_never(span)


def render_spans(items: Iterable[Span]) -> str:
    return "".join(render_span(span) for span in items)


def plain_fallback(text: str) -> str:
    """Plain text for a message's notification ``text``, which Slack may still parse: no
    control characters, and no ``@here`` / ``@channel`` that a ``link_names`` could wake."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("@", "@" + ZWSP)
