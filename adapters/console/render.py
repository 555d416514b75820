"""The message model as plain terminal text. Member text is stripped of control
characters so it cannot move the cursor, recolour or clear the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.messages import (
    BulletList,
    Button,
    Buttons,
    ChannelRef,
    Code,
    Fields,
    FormRequest,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Select,
    Span,
    Strong,
    Text,
    Time,
)

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
}


def safe(text: str) -> str:
    """Member text without control characters (ANSI escapes, bells, carriage returns)."""
    return "".join(
        ch if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") else " " for ch in text
    )


def render_time(span: Time) -> str:
    local = span.instant.astimezone(ZoneInfo(span.zone))
    day = _WEEKDAYS.get(span.language, _WEEKDAYS["en"])[local.weekday()]
    zone = local.tzname() or span.zone
    if span.style == "date":
        return f"{day} {local:%Y-%m-%d}"
    if span.style == "time":
        return f"{local:%H:%M} {zone}"
    return f"{day} {local:%Y-%m-%d %H:%M} {zone}"


def render_spans(spans: Sequence[Span]) -> str:
    out: list[str] = []
    for span in spans:
        if isinstance(span, Text):
            out.append(safe(span.text))
        elif isinstance(span, Strong):
            out.append(safe(span.text))  # as written: a name must read as it is typed
        elif isinstance(span, Code):
            out.append(safe(span.text))
        elif isinstance(span, Mention):
            out.append("@" + safe(span.name))
        elif isinstance(span, ChannelRef):
            out.append("#" + safe(span.name or span.channel_id))
        elif isinstance(span, Link):
            label = safe(span.label)
            out.append(
                f"{label} <{safe(span.url)}>" if label and label != span.url else safe(span.url)
            )
        else:
            out.append(render_time(span))
    return "".join(out)


def render(message: Message, number_button: Callable[[Button], int]) -> list[str]:
    """Lines for a message; each button gets a number that ``/press <n>`` presses."""
    lines: list[str] = []
    for part in message.parts:
        if isinstance(part, Heading):
            lines.append(f"== {safe(part.text)} ==")
        elif isinstance(part, Paragraph):
            lines.append(render_spans(part.spans))
        elif isinstance(part, Note):
            lines.append("   " + render_spans(part.spans))
        elif isinstance(part, Fields):
            lines.extend(f"{safe(f.label)}: {render_spans(f.value)}" for f in part.fields)
        elif isinstance(part, BulletList):
            lines.extend("  • " + render_spans(item) for item in part.items)
        elif isinstance(part, Buttons):
            labels = []
            for button in part.buttons:
                if button.url:
                    labels.append(f"[{safe(button.label)}: {safe(button.url)}]")
                else:
                    labels.append(f"[{number_button(button)}: {safe(button.label)}]")
            lines.append("   " + "  ".join(labels) + "   (/press <n>)")
        elif isinstance(part, Select):
            choices = "  ".join(
                f"[{number_button(Button(c.label, part.action, c.value))}: {safe(c.label)}]"
                for c in part.choices
            )
            lines.append(f"   {safe(part.placeholder)}: {choices}   (/press <n>)")
        elif isinstance(part, FormRequest):
            lines.append(f"   [{safe(part.label)}]")
    return lines
