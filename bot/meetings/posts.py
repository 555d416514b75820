"""The messages about meetings: listings, the announcement, reminders, cancellations and
moves. Used by the meetings commands and by the scheduler's meetings planner, so a
reminder looks the same whoever sends it. Texts live in ``bot.meetings.TEXTS``."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.kernel.i18n import Translator
from bot.kernel.messages import (
    BulletList,
    Button,
    Buttons,
    Heading,
    Link,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    Time,
)
from bot.kernel.recurrence import describe
from bot.meetings.query import Upcoming
from data.models import AgendaItem, Community, Rsvp

RSVP_ACTION = "rsvp"
RSVP_STATUSES = ("going", "maybe", "no")

_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_FR_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def local_text(instant: datetime, zone: str, language: str) -> str:
    """A spelled-out local time, for echoing back what was understood (unambiguous even
    where a platform would render a ``Time`` in the reader's own zone)."""
    local = instant.astimezone(ZoneInfo(zone))
    if language == "fr":
        return (
            f"{_FR_DAYS[local.weekday()]} {local.day} {_FR_MONTHS[local.month - 1]} "
            f"{local.year}, {local.hour} h {local.minute:02d} ({zone})"
        )
    hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    return (
        f"{_EN_DAYS[local.weekday()]}, {_EN_MONTHS[local.month - 1]} {local.day}, "
        f"{local.year}, {hour}:{local.minute:02d} {suffix} ({zone})"
    )


def offset_label(offset: timedelta) -> str:
    """``24h``, ``15m``, ``1h30m``: short and stable, used in delivery subjects too."""
    minutes = int(offset.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    label = f"{hours}h" if hours else ""
    return label + (f"{minutes}m" if minutes or not label else "")


def recurrence_words(tr: Translator, rule: str | None) -> str:
    if not rule:
        return tr("recurrence.once")
    parts = describe(rule)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1"))
    byday = parts.get("BYDAY", "")
    key = {
        "DAILY": "recurrence.daily",
        "WEEKLY": "recurrence.weekly",
        "MONTHLY": "recurrence.monthly",
        "YEARLY": "recurrence.yearly",
    }.get(freq, "recurrence.custom")
    if freq == "WEEKLY" and byday == "MO,TU,WE,TH,FR" and interval == 1:
        return tr("recurrence.weekdays")
    text = tr(key + ("_n" if interval != 1 else ""), n=interval, rule=rule)
    if byday:
        text += " " + tr("recurrence.on", days=_days_words(tr, byday))
    return text


def _days_words(tr: Translator, byday: str) -> str:
    names = _FR_DAYS if tr.language == "fr" else _EN_DAYS
    codes = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
    words = []
    for item in byday.split(","):
        ordinal, code = item[:-2], item[-2:]
        name = names[codes.index(code)]
        if ordinal:
            words.append(tr(f"recurrence.ordinal{ordinal}", day=name))
        else:
            words.append(name)
    return ", ".join(words)


def location_span(location: str) -> Span:
    if location.startswith(("https://", "http://")):
        return Link(location)
    return Text(location)


def rsvp_buttons(tr: Translator, item: Upcoming) -> Buttons:
    return Buttons(
        tuple(
            Button(
                tr(f"rsvp.button.{status}"),
                RSVP_ACTION,
                f"{item.key}:{status}",
                "primary" if status == "going" else "default",
            )
            for status in RSVP_STATUSES
        )
    )


async def agenda_lines(item: Upcoming) -> list[tuple[Span, ...]]:
    lines: list[tuple[Span, ...]] = []
    if item.meeting.agenda:
        lines.append((Text(item.meeting.agenda),))
    if item.occurrence is not None:
        for row in await AgendaItem.filter(occurrence=item.occurrence).order_by("at", "id"):
            lines.append((Text(row.text),))
    return lines


async def rsvp_counts(item: Upcoming) -> dict[str, int]:
    counts = dict.fromkeys(RSVP_STATUSES, 0)
    if item.occurrence is not None:
        for status in await Rsvp.filter(occurrence=item.occurrence).values_list(
            "status", flat=True
        ):
            counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def _when_line(tr: Translator, item: Upcoming, zone: str) -> tuple[Span, ...]:
    spans: list[Span] = [
        Time(item.starts_at, "full", zone, tr.language),
        Text(" ("),
        Time(item.starts_at, "relative", zone, tr.language),
        Text(")"),
    ]
    if item.meeting.location:
        spans += [Text(" · "), location_span(item.meeting.location)]
    return tuple(spans)


async def occurrence_block(
    tr: Translator, item: Upcoming, community: Community, zone: str, *, buttons: bool
) -> list[Heading | Paragraph | Note | BulletList | Buttons]:
    """One occurrence as listed by ``meetings`` and announced in the channel."""
    parts: list[Heading | Paragraph | Note | BulletList | Buttons] = [
        Paragraph(
            (
                Strong(item.meeting.title),
                Text(f" — {community.name} · #{item.meeting.id}"),
            )
        ),
        Paragraph(_when_line(tr, item, zone)),
    ]
    notes: list[Span] = [Text(recurrence_words(tr, item.meeting.rrule))]
    if item.moved:
        moved_from = Time(item.original_start, "full", zone, tr.language)
        notes += [Text(" · "), *tr.spans("meeting.moved_from", when=moved_from)]
    counts = await rsvp_counts(item)
    notes += [
        Text(" · "),
        *tr.spans("meeting.counts", going=counts["going"], maybe=counts["maybe"]),
    ]
    parts.append(Note(tuple(notes)))
    agenda = await agenda_lines(item)
    if agenda:
        parts.append(Paragraph((Text(tr("meeting.agenda_heading")),)))
        parts.append(BulletList(tuple(agenda)))
    if buttons:
        parts.append(rsvp_buttons(tr, item))
    return parts


async def announcement_message(
    tr: Translator, item: Upcoming, community: Community, zone: str
) -> Message:
    message = Message().add(Heading(tr("meeting.announcement_heading")))
    message.add(*await occurrence_block(tr, item, community, zone, buttons=True))
    message.add(Note(tr.spans("meeting.thread_hint")))
    return message


async def reminder_message(
    tr: Translator, item: Upcoming, community: Community, zone: str
) -> Message:
    """A reminder; it says "starts in …" relative to when it is read, so a reminder sent
    late after a downtime is still right."""
    message = Message().add(
        Paragraph(
            tr.spans(
                "meeting.reminder",
                title=Strong(item.meeting.title),
                soon=Time(item.starts_at, "relative", zone, tr.language),
                community=community.name,
            )
        ),
        Paragraph(_when_line(tr, item, zone)),
    )
    agenda = await agenda_lines(item)
    if agenda:
        message.add(Paragraph((Text(tr("meeting.agenda_heading")),)), BulletList(tuple(agenda)))
    # plans change: answer again right from the reminder
    return message.add(rsvp_buttons(tr, item))


def cancelled_message(tr: Translator, item: Upcoming, zone: str, *, series: bool) -> Message:
    key = "meeting.cancelled_series_notice" if series else "meeting.cancelled_notice"
    return Message().add(
        Paragraph(
            tr.spans(
                key,
                title=Strong(item.meeting.title),
                when=Time(item.starts_at, "full", zone, tr.language),
            )
        )
    )


def moved_message(tr: Translator, item: Upcoming, old_start: datetime, zone: str) -> Message:
    return Message().add(
        Paragraph(
            tr.spans(
                "meeting.moved_notice",
                title=Strong(item.meeting.title),
                old=Time(old_start, "full", zone, tr.language),
                new=Time(item.starts_at, "full", zone, tr.language),
            )
        ),
        rsvp_buttons(tr, item),
    )
