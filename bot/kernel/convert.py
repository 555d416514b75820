"""Turn a parameter's raw text into its value, by its ``Arg`` kind. Used for text parsed by
``bot.kernel.parser`` and for the option values Discord sends, so both are checked the same way."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from bot.kernel.errors import UserError
from bot.kernel.parser import choice_value, is_url
from bot.kernel.registry import Param
from bot.kernel.urls import clean_url

_TAG = re.compile(r"^[\w][\w\-.+]{0,39}$", re.UNICODE)
_MENTION_ID = re.compile(r"^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$")


def is_number(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts "¹" and "٣", which int() refuses)."""
    return 0 < len(text) < 10 and text.isascii() and text.isdigit()


def clean_text(text: str) -> str:
    """Drop control and format characters (zero-width, bidi overrides) and trim."""
    kept = (
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    return "".join(kept).strip()


def parse_tags(raw: str) -> list[str]:
    tags: list[str] = []
    for word in raw.replace(",", " ").split():
        tag = word.lstrip("#").lower()
        if not tag:
            continue
        if not _TAG.match(tag):
            raise UserError("error.bad_tag", tag=word)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > 10:
        raise UserError("error.too_many_tags", limit=10)
    return tags


def convert(param: Param, raw: str, label: str | None = None) -> Any:
    """``label`` names the parameter in errors, in the member's language ("the title")."""
    kind = param.arg.kind
    name = label or param.arg.en
    text = clean_text(raw)
    if kind == "tags":
        return parse_tags(text)
    if kind == "url":
        if not is_url(text) and "://" not in text:
            raise UserError("error.bad_url", url=text[:100])
        return clean_url(text)
    if kind == "int":
        if not is_number(text.lstrip("#")):
            raise UserError("error.not_a_number", name=name, value=text[:40])
        return int(text.lstrip("#"))
    if kind == "choice":
        value = choice_value(text, param.arg.choices)
        if value is None:
            raise UserError(
                "error.bad_choice", value=text[:40], choices=", ".join(param.arg.choices)
            )
        return value
    if kind == "member":
        match = _MENTION_ID.match(text)
        return match.group(1) if match else text.lstrip("@")
    if not text and param.required:
        raise UserError("error.missing_argument", name=name)
    if len(text) > param.arg.max_length:
        raise UserError("error.too_long_for", name=name, limit=param.arg.max_length)
    return text
