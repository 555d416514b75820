"""A ``Message`` as JSON and back, so a command's posts and direct messages can wait in the
``Delivery`` ledger (a JSON payload) until they are sent, by this process or another.

Every part and span is a frozen dataclass: each becomes an object tagged with its class
name (``{"_": "Paragraph", "spans": [...]}``), and the tag is looked up in a table built
from the ``Part`` and ``Span`` unions, so a part added to the model is covered at once.
Instants keep their offset (ISO 8601), file contents travel as base64.
"""

from __future__ import annotations

import base64
import dataclasses
import typing
from datetime import datetime
from typing import Any

from bot.kernel import messages
from bot.kernel.messages import Message

TAG = "_"

# the unions' members, and the dataclasses found inside them (a button in ``Buttons``...)
_NESTED = (messages.Field, messages.Button, messages.Choice, messages.FormField, messages.Form)
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (*typing.get_args(messages.Part), *typing.get_args(messages.Span), *_NESTED)
}


class UnknownPart(ValueError):
    """A stored message names a part this version does not know (a newer process wrote it)."""


# each part's field names, read once: ``dataclasses.fields`` per value was most of the
# cost of writing a command's post into the ledger
FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in CLASSES.values()
}
_PLAIN = frozenset({str, int, bool, float, type(None)})


def _encode(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = FIELDS.get(kind)
    if names is not None:
        encoded = {TAG: kind.__name__}
        for name in names:
            encoded[name] = _encode(getattr(value, name))
        return encoded
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, datetime):
        return {TAG: "datetime", "iso": value.isoformat()}
    if isinstance(value, bytes):
        return {TAG: "bytes", "b64": base64.b64encode(value).decode("ascii")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raise TypeError(f"{kind.__name__} is not a message part")
    return value  # a str, int... subclass


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)  # parts hold tuples, never lists
    if not isinstance(value, dict):
        return value
    tag = value.get(TAG)
    if tag == "datetime":
        return datetime.fromisoformat(value["iso"])
    if tag == "bytes":
        return base64.b64decode(value["b64"])
    cls = CLASSES.get(str(tag))
    if cls is None:
        raise UnknownPart(f"unknown message part {tag!r}")
    return cls(**{name: _decode(item) for name, item in value.items() if name != TAG})


def message_to_json(message: Message) -> dict[str, Any]:
    return {
        "parts": [_encode(part) for part in message.parts],
        "ephemeral": message.ephemeral,
        "is_error": message.is_error,
        "field_errors": dict(message.field_errors),
    }


def message_from_json(data: dict[str, Any]) -> Message:
    return Message(
        parts=[_decode(part) for part in data.get("parts", [])],
        ephemeral=bool(data.get("ephemeral", False)),
        is_error=bool(data.get("is_error", False)),
        field_errors=dict(data.get("field_errors", {})),
    )
