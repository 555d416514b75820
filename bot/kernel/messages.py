"""The platform-neutral message model.

A handler's reply or a scheduled post is a ``Message``: a list of parts (heading,
paragraph, fields, list, buttons, form request). Inside parts, text is a sequence of
typed *spans*: member-written text (``Text``), emphasis, mentions, channels, links and
timestamps are values, never pre-formatted strings, so each adapter renders them in its
platform's native form and escapes member text so it can never ping anyone.

Every function that renders parts or spans matches them exhaustively (``match`` ending in
``case _: assert_never(...)``): adding a part or a span to ``Part`` or ``Span`` fails
type-checking (mypy) until every renderer handles it, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, assert_never

# ---- spans: pieces of a line of text -------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain text. Always escaped by renderers (may contain anything a member typed)."""

    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Mention:
    """A member, by platform user id; ``name`` is the fallback where mentions don't render."""

    user_id: str
    name: str


@dataclass(frozen=True)
class ChannelRef:
    channel_id: str
    name: str = ""


@dataclass(frozen=True)
class Link:
    url: str
    label: str = ""


TimeStyle = Literal["full", "short", "relative", "date", "time"]


@dataclass(frozen=True)
class Time:
    """An instant (aware datetime). Platforms that can show it in each reader's own zone do
    (Slack ``<!date>``, Discord ``<t:>``); ``zone`` is the fallback zone for the others."""

    instant: datetime
    style: TimeStyle = "full"
    zone: str = "UTC"
    language: str = "en"


Span = Text | Strong | Code | Mention | ChannelRef | Link | Time


def spans(*items: Span | str) -> tuple[Span, ...]:
    """Build a span tuple; bare strings become ``Text``."""
    return tuple(Text(item) if isinstance(item, str) else item for item in items)


# ---- parts: blocks of a message ------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Note:
    """Small print (Slack context block, Discord embed footer, console dim line)."""

    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Field:
    label: str
    value: tuple[Span, ...]


@dataclass(frozen=True)
class Fields:
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Span, ...], ...]


ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Button:
    """``action`` names the core action (e.g. ``join``, ``rsvp``); ``value`` is its argument.

    Adapters encode both into the platform's custom id and hand them back to
    ``Core.press`` unchanged."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = "default"
    url: str | None = None  # a link button: opens the URL, no action


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Select:
    """A drop-down; picking a value calls ``Core.press(action, value)``."""

    placeholder: str
    action: str
    choices: tuple[Choice, ...]


FieldKind = Literal["short", "long", "choice"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = "short"
    required: bool = False
    max_length: int = 200
    initial: str = ""
    placeholder: str = ""
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Form:
    """A form (Slack modal, Discord modal, console questions). Submitting it calls
    ``Core.submit_form(form_id, values)``; ``context`` travels with it unchanged."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "OK"
    context: str = ""


@dataclass(frozen=True)
class FormRequest:
    """Ask the adapter to open ``form`` now. Where it can't (no trigger), it shows a
    button labelled ``label`` that opens it."""

    form: Form
    label: str


@dataclass(frozen=True)
class Attachment:
    """A file for the member (a calendar .ics). Platforms that take files attach it; the
    others show ``label`` and what they can."""

    filename: str
    content: bytes
    mime: str
    label: str


Part = (
    Heading | Paragraph | Note | Fields | BulletList | Buttons | Select | FormRequest | Attachment
)


@dataclass
class Message:
    parts: list[Part] = field(default_factory=list)
    ephemeral: bool = False
    # set when the message reports a member's mistake (adapters may style it)
    is_error: bool = False
    # Form validation errors, by field name, when this answers a form submission.
    field_errors: dict[str, str] = field(default_factory=dict)

    def add(self, *parts: Part) -> Message:
        self.parts.extend(parts)
        return self

    def paragraph(self, *items: Span | str) -> Message:
        return self.add(Paragraph(spans(*items)))

    @property
    def form_request(self) -> FormRequest | None:
        for part in self.parts:
            if isinstance(part, FormRequest):
                return part
        return None


def plain_text(parts: Iterable[Span] | Sequence[Span]) -> str:
    """A span sequence as unformatted text (for search, logs, notifications' fallback)."""
    return "".join(span_text(span) for span in parts)


def span_text(span: Span) -> str:
    match span:
        case Text(text) | Strong(text) | Code(text):
            return text
        case Mention():
            return "@" + span.name
        case ChannelRef():
            return "#" + (span.name or span.channel_id)
        case Link():
            return span.label or span.url
        case Time():
            return span.instant.isoformat()
        case _:
            assert_never(span)


def message_text(message: Message) -> str:
    """The whole message as unformatted text, one line per part; for tests and logs."""
    lines: list[str] = []
    for part in message.parts:
        match part:
            case Heading():
                lines.append(part.text)
            case Paragraph() | Note():
                lines.append(plain_text(part.spans))
            case Fields():
                lines.extend(f"{f.label}: {plain_text(f.value)}" for f in part.fields)
            case BulletList():
                lines.extend("- " + plain_text(item) for item in part.items)
            case Buttons():
                lines.append(" ".join(f"[{b.label}]" for b in part.buttons))
            case Select():
                lines.append(f"[{part.placeholder}]")
            case FormRequest():
                lines.append(f"[{part.label}]")
            case Attachment():
                lines.append(f"[{part.filename}]")
            case _:
                assert_never(part)
    return "\n".join(lines)
