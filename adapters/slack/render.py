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
from typing import Any, assert_never

from adapters.slack import actions
from adapters.slack.mrkdwn import escape_code, plain_fallback, render_span, render_spans
from bot.kernel.messages import (
    Attachment,
    BulletList,
    Button,
    Buttons,
    Code,
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
# Slack also refuses a message whose blocks hold more than about 13,200 characters of text
# in all (``msg_blocks_too_long``, undocumented; slackapi/bolt-js#2509): stay well below
MAX_MESSAGE_TEXT = 12_000
# a reply too long for one message is split over several, up to this many
MAX_PAGES = 20
FENCE = "```"
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


def _escaped_lines(text: str, room: int) -> Iterator[str]:
    """Code's lines escaped, a line too long for ``room`` cut between characters (never
    inside an escape such as ``&amp;``)."""
    for line in text.split("\n"):
        piece = ""
        for char in line:
            escaped = escape_code(char)
            if len(piece) + len(escaped) > room:
                yield piece
                piece = ""
            piece += escaped
        yield piece


def code_blocks(text: str, limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Multi-line or long code (``export-my-data``'s JSON) as fenced blocks of at most
    ``limit`` characters each, split between lines where it can be, nothing dropped."""
    room = limit - 2 * len(FENCE)
    chunks: list[str] = []
    current: str | None = None
    for line in _escaped_lines(text, room):
        if current is not None and len(current) + 1 + len(line) > room:
            chunks.append(current)
            current = None
        current = line if current is None else current + "\n" + line
    if current is not None:
        chunks.append(current)
    # an empty first or last line would be eaten by Slack's fence: keep it visible
    return [FENCE + (chunk if chunk.strip() else " ") + FENCE for chunk in chunks]


def chunked_mrkdwn(items: Sequence[Span], limit: int = MAX_SECTION_TEXT) -> list[str]:
    """Spans rendered into as few strings of at most ``limit`` characters as possible,
    never splitting one rendered span (a mention or link stays whole); long or multi-line
    code becomes fenced blocks of its own, split over as many strings as it needs."""
    each = [render_span(span) for span in items]
    if sum(map(len, each)) <= limit and not any(
        isinstance(span, Code) and "\n" in span.text for span in items
    ):
        return ["".join(each)]  # what nearly every paragraph is: one string
    chunks: list[str] = []
    current = ""
    for span in _pieces(items):
        if (
            isinstance(span, Code)
            and span.text
            and ("\n" in span.text or len(render_spans((span,))) > limit)
        ):
            if current:
                chunks.append(current)
                current = ""
            chunks.extend(code_blocks(span.text, limit))
            continue
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
            match part:
                case Heading():
                    self.blocks.append({"type": "header", "text": plain(part.text, 150)})
                case Paragraph():
                    spans = part.spans
                    if message.is_error and first_paragraph:
                        self._section_text([ERROR_MARK], spans)
                    else:
                        self._section_text([], spans)
                    first_paragraph = False
                case Note():
                    texts = chunked_mrkdwn(part.spans)[:10]
                    elements = [mrkdwn(t) for t in texts]
                    self.blocks.append({"type": "context", "elements": elements})
                case Fields():
                    self._fields(part)
                case BulletList():
                    self._bullets(part)
                case Buttons():
                    self._buttons(part.buttons)
                case Select():
                    self._select(part)
                case FormRequest():
                    self._form_button(part)
                case Attachment():
                    # no file upload here: its name says what the member would get
                    self._section_text([], (Text(f"{part.label} ({part.filename})"),))
                case _:
                    assert_never(part)

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


def block_chars(node: Any) -> int:
    """The characters of text in a block, as Slack counts them against a message."""
    if isinstance(node, list):
        return sum(block_chars(item) for item in node)
    if not isinstance(node, dict):
        return 0
    total = 0
    for key, value in node.items():
        if isinstance(value, str):
            total += len(value) if key == "text" else 0
        elif isinstance(value, dict | list):
            total += block_chars(value)
    return total


MORE = {"type": "context", "elements": [mrkdwn("…")]}


def render_pages(message: Message, *, max_pages: int = MAX_PAGES) -> list[list[Block]]:
    """The message's blocks, split into as many Slack messages as its length needs (each
    within 50 blocks and ``MAX_MESSAGE_TEXT`` characters), at most ``max_pages``: past
    that the last one ends with "…"."""
    renderer = Renderer()
    renderer.add_message(message)
    pages: list[list[Block]] = [[]]
    size = 0
    for block in renderer.blocks:
        chars = block_chars(block)
        if pages[-1] and (len(pages[-1]) >= MAX_MESSAGE_BLOCKS or size + chars > MAX_MESSAGE_TEXT):
            pages.append([])
            size = 0
        pages[-1].append(block)
        size += chars
    if len(pages) > max_pages:
        log.warning("message of %d Slack messages trimmed to %d", len(pages), max_pages)
        pages = pages[:max_pages]
        last = pages[-1]
        if len(last) >= MAX_MESSAGE_BLOCKS or block_chars(last) + 1 > MAX_MESSAGE_TEXT:
            last.pop()
        last.append(MORE)
    return pages


def render_blocks(message: Message) -> list[Block]:
    """Blocks for a message that must fit in one Slack message (trimmed, ending "…")."""
    return render_pages(message, max_pages=1)[0]


def fallback_text(message: Message) -> str:
    """The notification text Slack shows where blocks are not rendered."""
    return _cut(plain_fallback(message_text(message)), MAX_FALLBACK) or " "


def message_payload(message: Message) -> dict[str, Any]:
    """``blocks`` and ``text`` for one Slack message (trimmed to fit)."""
    return {"blocks": render_blocks(message), "text": fallback_text(message)}


def message_payloads(message: Message) -> list[dict[str, Any]]:
    """``blocks`` and ``text`` for chat.postMessage, chat.postEphemeral and response_url:
    one payload per Slack message the reply needs, to be sent in order."""
    pages = render_pages(message)
    text = fallback_text(message)
    if len(pages) == 1:
        return [{"blocks": pages[0], "text": text}]
    return [
        {"blocks": page, "text": text if index == 0 else f"({index + 1}/{len(pages)}) …"}
        for index, page in enumerate(pages)
    ]
