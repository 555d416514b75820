"""How the core's button actions and forms travel through Slack and come back.

Slack hands back a pressed element's ``action_id`` and ``value`` untouched. The core's
``Button(action, value)`` goes into them as ``cop|<action>|<n>`` (``n`` keeps action ids
unique within a block, which Slack requires) and ``value``. A form that must be opened
later (a ``FormRequest`` in a posted message has no trigger to open a modal with) travels
compressed in its button's value, so any copbot process behind a load balancer can open it.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from dataclasses import dataclass
from typing import Any

from bot.kernel.messages import Choice, Form, FormField

log = logging.getLogger(__name__)

ACTION_PREFIX = "cop|"
FORM_PREFIX = "cop-form|"
LINK_PREFIX = "cop-link|"
MAX_VALUE = 2000  # Slack's limit for a button value
MAX_ACTION_ID = 255


@dataclass(frozen=True)
class Pressed:
    """A decoded element: a core action, a form to open, or a link (nothing to do)."""

    kind: str  # action | form | link | foreign
    action: str = ""
    value: str = ""


def action_id(action: str, index: int) -> str:
    return f"{ACTION_PREFIX}{action}|{index}"[:MAX_ACTION_ID]


def form_action_id(index: int) -> str:
    return f"{FORM_PREFIX}{index}"


def link_action_id(index: int) -> str:
    return f"{LINK_PREFIX}{index}"


def decode_action(element: dict[str, Any]) -> Pressed:
    """One entry of a ``block_actions`` payload's ``actions``."""
    identifier = str(element.get("action_id", ""))
    if identifier.startswith(LINK_PREFIX):
        return Pressed("link")
    if identifier.startswith(FORM_PREFIX):
        return Pressed("form", value=str(element.get("value", "")))
    if identifier.startswith(ACTION_PREFIX):
        action = identifier[len(ACTION_PREFIX) :].rsplit("|", 1)[0]
        selected = element.get("selected_option")
        if isinstance(selected, dict):
            value = str(selected.get("value", ""))
        else:
            value = str(element.get("value", ""))
        return Pressed("action", action, value)
    return Pressed("foreign")


# ---- forms in a button value --------------------------------------------------------


def _pack(form: Form, *, with_defaults: bool) -> str:
    fields = [
        [
            f.name,
            f.label,
            f.kind,
            int(f.required),
            f.max_length,
            f.initial if with_defaults else "",
            f.placeholder if with_defaults else "",
            [[c.label, c.value] for c in f.choices],
        ]
        for f in form.fields
    ]
    data = {"i": form.form_id, "t": form.title, "s": form.submit_label, "c": form.context}
    data["f"] = fields  # type: ignore[assignment]
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii")


def encode_form(form: Form) -> str | None:
    """The form as a button value, or None when it cannot fit even without its defaults."""
    for with_defaults in (True, False):
        packed = _pack(form, with_defaults=with_defaults)
        if len(packed) <= MAX_VALUE:
            return packed
    log.warning("form %s is too large for a Slack button value", form.form_id)
    return None


def decode_form(value: str) -> Form | None:
    """The form packed by ``encode_form``; None for anything else."""
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(value.encode("ascii")), bufsize=65536)
        data = json.loads(raw)
        fields = tuple(
            FormField(
                name=str(name),
                label=str(label),
                kind=kind if kind in ("short", "long", "choice") else "short",
                required=bool(required),
                max_length=int(max_length),
                initial=str(initial),
                placeholder=str(placeholder),
                choices=tuple(Choice(str(c[0]), str(c[1])) for c in choices),
            )
            for name, label, kind, required, max_length, initial, placeholder, choices in data["f"]
        )
        return Form(
            form_id=str(data["i"]),
            title=str(data["t"]),
            fields=fields,
            submit_label=str(data["s"]),
            context=str(data["c"]),
        )
    except (ValueError, KeyError, TypeError, zlib.error):
        log.warning("undecodable form button value")
        return None
