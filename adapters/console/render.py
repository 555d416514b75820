"""The message model as plain terminal text. Member text is stripped of control
characters so it cannot move the cursor, recolour or clear the terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import assert_never
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.kernel.i18n import Translator, babel_locale
from bot.kernel.messages import (
    Attachment,
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


def safe(text: str) -> str:
    """Member text without control characters (ANSI escapes, bells, carriage returns)."""
    return "".join(
        ch if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") else " " for ch in text
    )


def render_relative(span: Time, now: datetime) -> str:
    """ "in 2 h 5 min", "il y a 3 jours"-style wording, as Slack and Discord show it."""
    tr = Translator(span.language)
    seconds = int((span.instant - now).total_seconds())
    if -60 < seconds <= 0:
        return tr("now")
    # ahead by seconds is still ahead: "in 1 min", never "now" before it has started
    minutes = max(1, (abs(seconds) + 30) // 60)  # to the nearest minute
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        amount = tr.ngettext("{n} day", "{n} days", days)
        if days < 3 and hours:
            amount += " " + tr("{hours} h", hours=hours)
    elif hours and minutes:
        amount = tr("{hours} h {minutes} min", hours=hours, minutes=minutes)
    elif hours:
        amount = tr("{hours} h", hours=hours)
    else:
        amount = tr("{minutes} min", minutes=minutes)
    if seconds > 0:
        return tr("in {amount}", amount=amount)
    return tr("{amount} ago", amount=amount)


def render_time(span: Time, now: datetime | None = None) -> str:
    """A time on one line: the short day name from CLDR, then numbers that sort."""
    if span.style == "relative" and now is not None:
        return render_relative(span, now)
    local = span.instant.astimezone(ZoneInfo(span.zone))
    day = format_datetime(local, "EEE", locale=babel_locale(span.language))
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
    follows a field's label, in the reader's language (" : " in French)."""
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
            case Attachment():  # the adapter saved it under this name
                lines.append(f"   [{safe(part.label)}: {safe(part.filename)}]")
            case _:
                assert_never(part)
    return lines
