"""Turn a parameter's raw text into its value, by its ``Arg`` kind. Used for text parsed by
``bot.kernel.parser`` and for the option values Discord sends, so both are checked the same way."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from bot.kernel.errors import UserError
from bot.kernel.parser import choice_value, is_url
from bot.kernel.urls import clean_url
from data.search import tag_key

if TYPE_CHECKING:  # the registry's resolvers use this module
    from bot.kernel.registry import Param

_TAG = re.compile(r"^[\w][\w\-.+]{0,39}$", re.UNICODE)
_MENTION_ID = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$")


def is_number(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts "¹" and "٣", which int() refuses)."""
    return 0 < len(text) < 10 and text.isascii() and text.isdigit()


def clean_text(text: str) -> str:
    """Drop control and format characters (zero-width, bidi overrides) and trim."""
    if text.isascii() and text.isprintable():  # most text: nothing to drop
        return text.strip()
    kept = (
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return "".join(kept).strip()


def parse_tags(raw: str) -> list[str]:
    """Tags as written (``#Évaluation`` stays so), one per key: ``#evaluation`` after
    ``#Évaluation`` is the same tag (``bot.kernel.tags`` picks the workspace's label)."""
    tags: list[str] = []
    keys: set[str] = set()
    for word in raw.replace(",", " ").split():
        tag = word.lstrip("#")
        if not tag:
            continue
        if not _TAG.match(tag):
            raise UserError(
                "“{tag}” is not a tag: use letters, digits and dashes after "
                "#, e.g. #course-design.",
                tag=word,
            )
        if tag_key(tag) not in keys:
            keys.add(tag_key(tag))
            tags.append(tag)
    if len(tags) > 10:
        raise UserError("At most {limit} tags, please.", limit=10)
    return tags


def convert(param: Param, raw: str, label: str | None = None) -> Any:
    """``label`` names the parameter in errors, in the member's language ("the title")."""
    kind = param.arg.kind
    name = label or param.arg.label
    text = clean_text(raw)
    if kind == "tags":
        return parse_tags(text)
    if kind == "url":
        if not is_url(text) and "://" not in text:
            raise UserError(
                "“{url}” is not a web link I can share: use a full http:// or https:// address.",
                url=text[:100],
            )
        return clean_url(text)
    if kind == "int":
        if not is_number(text.lstrip("#")):
            raise UserError(
                "I need a number for {name}, not “{value}”.", name=name, value=text[:40]
            )
        return int(text.lstrip("#"))
    if kind == "choice":
        value = choice_value(text, param.arg.choices)
        if value is None:
            raise UserError(
                "“{value}” is not one of: {choices}.",
                value=text[:40],
                choices=", ".join(param.arg.choices),
            )
        return value
    if kind == "member":
        match = _MENTION_ID.match(text)
        return match.group(1) if match else text.lstrip("@")
    if not text and param.required:
        raise UserError("Please give {name}.", name=name)
    if len(text) > param.arg.max_length:
        raise UserError(
            "That is too long for {name}: at most {limit} characters.",
            name=name,
            limit=param.arg.max_length,
        )
    return text
