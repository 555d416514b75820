"""The message model as plain terminal text. Member text is stripped of control
characters so it cannot move the cursor, recolour or clear the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import assert_never
from zoneinfo import ZoneInfo

from bot.kernel.messages import (
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


def render_relative(span: Time, now: datetime) -> str:
    """ "in 2 h 5 min", "il y a 3 days"-style wording, as Slack and Discord show it."""
    seconds = int((span.instant - now).total_seconds())
    french = span.language == "fr"
    if abs(seconds) < 60:
        return "maintenant" if french else "now"
    minutes = (abs(seconds) + 30) // 60  # to the nearest minute
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        amount = (
            f"{days} {'jours' if french else 'days'}"
            if days > 1
            else ("1 jour" if french else "1 day")
        )
        if days < 3 and hours:
            amount += f" {hours} h"
    elif hours:
        amount = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        amount = f"{minutes} min"
    if seconds > 0:
        return f"dans {amount}" if french else f"in {amount}"
    return f"il y a {amount}" if french else f"{amount} ago"


def render_time(span: Time, now: datetime | None = None) -> str:
    if span.style == "relative" and now is not None:
        return render_relative(span, now)
    local = span.instant.astimezone(ZoneInfo(span.zone))
    day = _WEEKDAYS.get(span.language, _WEEKDAYS["en"])[local.weekday()]
    zone = local.tzname() or span.zone
    if span.style == "date":
        return f"{day} {local:%Y-%m-%d}"
    if span.style == "time":
        return f"{local:%H:%M} {zone}"
    return f"{day} {local:%Y-%m-%d %H:%M} {zone}"


def render_spans(spans: Sequence[Span], now: datetime | None = None) -> str:
    return "".join(render_span(span, now) for span in spans)


def render_span(span: Span, now: datetime | None = None) -> str:
    match span:
        # Strong as written: a name must read as it is typed
        case Text(text) | Strong(text) | Code(text):
            return safe(text)
        case Mention():
            return "@" + safe(span.name)
        case ChannelRef():
            return "#" + safe(span.name or span.channel_id)
        case Link():
            label = safe(span.label)
            return f"{label} <{safe(span.url)}>" if label and label != span.url else safe(span.url)
        case Time():
            return render_time(span, now)
        case _:
            assert_never(span)


def render(
    message: Message,
    number_button: Callable[[Button], int],
    now: datetime | None = None,
    colon: str = ": ",
) -> list[str]:
    """Lines for a message; each button gets a number that ``/press <n>`` presses. ``colon``
    follows a field's label (French puts a space before it: " : ")."""
    lines: list[str] = []
    for part in message.parts:
        match part:
            case Heading():
                lines.append(f"== {safe(part.text)} ==")
            case Paragraph():
                lines.append(render_spans(part.spans, now))
            case Note():
                lines.append("   " + render_spans(part.spans, now))
            case Fields():
                lines.extend(
                    f"{safe(f.label)}{colon}{render_spans(f.value, now)}" for f in part.fields
                )
            case BulletList():
                lines.extend("  • " + render_spans(item, now) for item in part.items)
            case Buttons():
                labels = []
                for button in part.buttons:
                    if button.url:
                        labels.append(f"[{safe(button.label)}: {safe(button.url)}]")
                    else:
                        labels.append(f"[{number_button(button)}: {safe(button.label)}]")
                lines.append("   " + "  ".join(labels) + "   (/press <n>)")
            case Select():
                choices = "  ".join(
                    f"[{number_button(Button(c.label, part.action, c.value))}: {safe(c.label)}]"
                    for c in part.choices
                )
                lines.append(f"   {safe(part.placeholder)}: {choices}   (/press <n>)")
            case FormRequest():
                lines.append(f"   [{safe(part.label)}]")
            case _:
                assert_never(part)
    return lines
