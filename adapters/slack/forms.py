"""The core's forms as Slack modals, and modal submissions back as plain values.

The modal carries what the submission needs (form id, the form's opaque context, the
channel it was opened from) in ``private_metadata``; each field is an input block whose
``block_id`` is the field name, so the core's field errors map straight onto Slack's
``response_action: errors``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from adapters.slack.render import Block, plain
from bot.kernel.messages import Form, FormField

log = logging.getLogger(__name__)

CALLBACK_ID = "cop-form"
VALUE_ACTION = "value"
MAX_METADATA = 3000


@dataclass(frozen=True)
class Submission:
    form_id: str
    context: str
    channel_id: str | None
    values: dict[str, str]
    field_names: tuple[str, ...]


def _element(item: FormField) -> Block:
    if item.kind == "choice":
        options = [{"text": plain(c.label, 75), "value": c.value[:150]} for c in item.choices[:100]]
        element: Block = {"type": "static_select", "action_id": VALUE_ACTION, "options": options}
        initial = next((o for o in options if o["value"] == item.initial), None)
        if initial is not None:
            element["initial_option"] = initial
    else:
        element = {
            "type": "plain_text_input",
            "action_id": VALUE_ACTION,
            "multiline": item.kind == "long",
            # a value saved before a limit was tightened is shown whole, never cut (the
            # core then says what to shorten): Slack refuses an initial value over the limit
            "max_length": max(1, min(max(item.max_length, len(item.initial)), 3000)),
        }
        if item.initial:
            element["initial_value"] = item.initial[: element["max_length"]]
    if item.placeholder:
        element["placeholder"] = plain(item.placeholder, 150)
    return element


def modal_view(form: Form, *, channel_id: str | None) -> dict[str, Any]:
    metadata = json.dumps(
        {"form": form.form_id, "context": form.context, "channel": channel_id},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    if len(metadata) > MAX_METADATA:
        raise ValueError(f"form {form.form_id} context is too long for a Slack modal")
    blocks = [
        {
            "type": "input",
            "block_id": item.name,
            "optional": not item.required,
            "label": plain(item.label, 2000),
            "element": _element(item),
        }
        for item in form.fields[:100]
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(form.title, 24),
        "submit": plain(form.submit_label, 24),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def read_submission(view: dict[str, Any]) -> Submission | None:
    """A ``view_submission``'s view as plain values; None when it is not one of ours."""
    if view.get("callback_id") != CALLBACK_ID:
        return None
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        form_id, context = str(meta["form"]), str(meta.get("context") or "")
        channel = meta.get("channel")
    except (ValueError, KeyError, TypeError):
        log.warning("modal submission with unreadable metadata")
        return None
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, elements in state.items():
        element = (elements or {}).get(VALUE_ACTION) or {}
        if element.get("type") == "static_select":
            selected = element.get("selected_option") or {}
            values[str(block_id)] = str(selected.get("value") or "")
        else:
            values[str(block_id)] = str(element.get("value") or "")
    names = tuple(
        str(block["block_id"])
        for block in view.get("blocks") or []
        if block.get("type") == "input" and "block_id" in block
    )
    return Submission(
        form_id, context, channel if isinstance(channel, str) else None, values, names
    )


def errors_for_view(
    field_errors: dict[str, str], field_names: tuple[str, ...], general: str | None
) -> dict[str, str]:
    """Slack's ``errors`` map: each error on its field. An error about no particular field
    (or a field the modal doesn't have) is shown on the first field, so it is seen."""
    errors = {name: text for name, text in field_errors.items() if name in field_names}
    stray = [text for name, text in field_errors.items() if name not in field_names]
    if general:
        stray.insert(0, general)
    if stray and field_names:
        first = field_names[0]
        errors[first] = " ".join([*stray, errors.get(first, "")]).strip()
    return {name: text[:2000] for name, text in errors.items()}
