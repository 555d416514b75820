"""The message model as Block Kit.

Each part becomes its native block: a heading a ``header``, a paragraph a ``section``,
a note a ``context``, fields a ``section`` with ``fields``, buttons and selects an
``actions`` block. Slack's size limits (characters per text, elements per block, blocks
per message) are respected here by splitting or trimming, never by failing the post.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from adapters.slack import actions
from adapters.slack.mrkdwn import plain_fallback, render_spans
from bot.messages import (
    BulletList,
    Button,
    Buttons,
    Fields,
    FormRequest,
    Heading,
    Message,
    Note,
    Paragraph,
    Select,
    Span,
    Text,
    message_text,
)

log = logging.getLogger(__name__)

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_ACTIONS = 25
MAX_OPTIONS = 100
MAX_OPTION_VALUE = 150
MAX_FALLBACK = 3000
# raw member text is cut into pieces small enough that escaping (x5 at worst) stays
# within a section's 3000 characters
RAW_PIECE = 500
ERROR_MARK = ":warning: "


def mrkdwn(text: str) -> dict[str, Any]:
    """A text object Slack does not pre-process (no auto-linked @here, #channel or URLs)."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int) -> dict[str, Any]:
    text = " ".join(text.split()) or "-"
    return {"type": "plain_text", "text": _cut(text, limit), "emoji": True}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pieces(items: Sequence[Span]) -> Iterator[Span]:
    """Long member text split into pieces, so a paragraph can be spread over sections."""
    for span in items:
        if isinstance(span, Text) and len(span.text) > RAW_PIECE:
            for start in range(0, len(span.text), RAW_PIECE):
                yield Text(span.text[start : start + RAW_PIECE])
        else:
            yield span


def chunked_mrkdwn(items: Sequence[Span], limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Spans rendered into as few strings of at most ``limit`` characters as possible,
    never splitting one rendered span (a mention or link stays whole)."""
    chunks: list[str] = []
    current = ""
    for span in _pieces(items):
        rendered = render_spans((span,))
        if len(rendered) > limit:  # a single huge link label, say: shorten it
            rendered = rendered[:limit]
        if len(current) + len(rendered) > limit:
            chunks.append(current)
            current = ""
        current += rendered
    if current or not chunks:
        chunks.append(current)
    return chunks


@dataclass
class Renderer:
    """Renders one message; numbers its action ids so they are unique in the message."""

    counter: int = 0
    blocks: list[Block] = field(default_factory=list)

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    def add_message(self, message: Message) -> None:
        first_paragraph = True
        for part in message.parts:
            if isinstance(part, Heading):
                self.blocks.append({"type": "header", "text": plain(part.text, 150)})
            elif isinstance(part, Paragraph):
                spans = part.spans
                if message.is_error and first_paragraph:
                    self._section_text([ERROR_MARK], spans)
                else:
                    self._section_text([], spans)
                first_paragraph = False
            elif isinstance(part, Note):
                texts = chunked_mrkdwn(part.spans)[:10]
                self.blocks.append({"type": "context", "elements": [mrkdwn(t) for t in texts]})
            elif isinstance(part, Fields):
                self._fields(part)
            elif isinstance(part, BulletList):
                self._bullets(part)
            elif isinstance(part, Buttons):
                self._buttons(part.buttons)
            elif isinstance(part, Select):
                self._select(part)
            elif isinstance(part, FormRequest):
                self._form_button(part)

    def _section_text(self, prefix: list[str], spans: Sequence[Span]) -> None:
        chunks = chunked_mrkdwn(spans, MAX_SECTION_TEXT - len("".join(prefix)))
        for index, chunk in enumerate(chunks):
            text = ("".join(prefix) if index == 0 else "") + chunk
            if text.strip():
                self.blocks.append({"type": "section", "text": mrkdwn(text)})

    def _fields(self, part: Fields) -> None:
        rendered = []
        for item in part.fields:
            label = render_spans((Text(item.label),))
            value = chunked_mrkdwn(item.value, MAX_FIELD_TEXT - len(label) - 4)[0]
            rendered.append(mrkdwn(f"*{label}*\n{value}" if label.strip() else value))
        for start in range(0, len(rendered), MAX_FIELDS):
            self.blocks.append({"type": "section", "fields": rendered[start : start + MAX_FIELDS]})

    def _bullets(self, part: BulletList) -> None:
        lines: list[str] = []
        for item in part.items:
            lines.extend("• " + chunk for chunk in chunked_mrkdwn(item, MAX_SECTION_TEXT - 2))
        text = ""
        for line in lines:
            if text and len(text) + 1 + len(line) > MAX_SECTION_TEXT:
                self.blocks.append({"type": "section", "text": mrkdwn(text)})
                text = ""
            text = f"{text}\n{line}" if text else line
        if text:
            self.blocks.append({"type": "section", "text": mrkdwn(text)})

    def _button(self, button: Button) -> Block:
        element: Block = {"type": "button", "text": plain(button.label, 75)}
        if button.url:
            element["action_id"] = actions.link_action_id(self._next())
            element["url"] = button.url[:3000]
        else:
            element["action_id"] = actions.action_id(button.action, self._next())
            element["value"] = button.value[: actions.MAX_VALUE]
        if button.style in ("primary", "danger"):
            element["style"] = button.style
        return element

    def _buttons(self, buttons: Sequence[Button]) -> None:
        elements = [self._button(b) for b in buttons]
        for start in range(0, len(elements), MAX_ACTIONS):
            self.blocks.append({"type": "actions", "elements": elements[start : start + 25]})

    def _select(self, part: Select) -> None:
        options = []
        for choice in part.choices:
            if len(choice.value) > MAX_OPTION_VALUE:
                log.warning("select option value too long for Slack: %r", choice.value[:40])
                continue
            options.append({"text": plain(choice.label, 75), "value": choice.value})
        if not options:
            return
        element = {
            "type": "static_select",
            "action_id": actions.action_id(part.action, self._next()),
            "placeholder": plain(part.placeholder, 150),
            "options": options[:MAX_OPTIONS],
        }
        self.blocks.append({"type": "actions", "elements": [element]})

    def _form_button(self, part: FormRequest) -> None:
        value = actions.encode_form(part.form)
        if value is None:
            return
        element = {
            "type": "button",
            "text": plain(part.label, 75),
            "action_id": actions.form_action_id(self._next()),
            "value": value,
            "style": "primary",
        }
        self.blocks.append({"type": "actions", "elements": [element]})


def render_blocks(message: Message, *, limit: int = MAX_MESSAGE_BLOCKS) -> list[Block]:
    renderer = Renderer()
    renderer.add_message(message)
    blocks = renderer.blocks
    if len(blocks) > limit:
        log.warning("message of %d blocks trimmed to Slack's %d", len(blocks), limit)
        blocks = [*blocks[: limit - 1], {"type": "context", "elements": [mrkdwn("…")]}]
    return blocks


def fallback_text(message: Message) -> str:
    """The notification text Slack shows where blocks are not rendered."""
    return _cut(plain_fallback(message_text(message)), MAX_FALLBACK) or " "


def message_payload(message: Message) -> dict[str, Any]:
    """``blocks`` and ``text`` for chat.postMessage, chat.postEphemeral and response_url."""
    return {"blocks": render_blocks(message), "text": fallback_text(message)}
