"""The messages about meetings: listings, the announcement, reminders, cancellations and
moves. Used by the meetings commands and by the scheduler's meetings planner, so a
reminder looks the same whoever sends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.kernel.i18n import N_, Translator
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
from bot.kernel.occurrences import Upcoming
from bot.kernel.timewords import Rule
from bot.kernel.timewords.describe import describe_repeat
from data.meeting_reads import agenda_texts, answer_counts
from data.models import Community

RSVP_ACTION = "rsvp"
RSVP_STATUSES = ("going", "maybe", "no")


def offset_label(offset: timedelta) -> str:
    """``24h``, ``15m``, ``1h30m``: short and stable, used in delivery subjects too."""
    minutes = int(offset.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    label = f"{hours}h" if hours else ""
    return label + (f"{minutes}m" if minutes or not label else "")


def recurrence_words(tr: Translator, rule: str | None) -> str:
    """The repeat in the reader's words ("every other Thursday", "le dernier vendredi du
    mois"), by the describer every other place uses (``bot.kernel.timewords``)."""
    if not rule:
        return tr("once")
    return describe_repeat(Rule.from_rrule(rule), tr)


def location_span(location: str) -> Span:
    if location.startswith(("https://", "http://")):
        return Link(location)
    return Text(location)


def rsvp_label(tr: Translator, status: str) -> str:
    if status == "going":
        return tr("Going")
    if status == "maybe":
        return tr("Maybe")
    return tr("Can't come")


def rsvp_buttons(tr: Translator, item: Upcoming) -> Buttons:
    return Buttons(
        tuple(
            Button(
                rsvp_label(tr, status),
                RSVP_ACTION,
                f"{item.key}:{status}",
                "primary" if status == "going" else "default",
            )
            for status in RSVP_STATUSES
        )
    )


@dataclass
class Details:
    """RSVP counts and agenda texts of some occurrences, read in two queries for all."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)
    agenda: dict[int, list[str]] = field(default_factory=dict)

    def counts_of(self, item: Upcoming) -> dict[str, int]:
        found = self.counts.get(item.occurrence.id) if item.occurrence else None
        return found or dict.fromkeys(RSVP_STATUSES, 0)

    def agenda_of(self, item: Upcoming) -> list[tuple[Span, ...]]:
        lines: list[tuple[Span, ...]] = []
        if item.meeting.agenda:
            lines.append((Text(item.meeting.agenda),))
        if item.occurrence is not None:
            lines += [(Text(text),) for text in self.agenda.get(item.occurrence.id, [])]
        return lines


async def occurrence_details(items: list[Upcoming]) -> Details:
    details = Details()
    ids = [item.occurrence.id for item in items if item.occurrence is not None]
    if not ids:
        return details
    for occurrence_id, status, members in await answer_counts(ids):
        counts = details.counts.setdefault(occurrence_id, dict.fromkeys(RSVP_STATUSES, 0))
        counts[status] = counts.get(status, 0) + members
    for occurrence_id, text in await agenda_texts(ids):
        details.agenda.setdefault(occurrence_id, []).append(text)
    return details


async def agenda_lines(item: Upcoming) -> list[tuple[Span, ...]]:
    return (await occurrence_details([item])).agenda_of(item)


async def rsvp_counts(item: Upcoming) -> dict[str, int]:
    return (await occurrence_details([item])).counts_of(item)


def _when_line(tr: Translator, item: Upcoming, zone: str) -> tuple[Span, ...]:
    """When it starts and when it ends (each in the reader's zone where the platform can)."""
    ends = item.starts_at + timedelta(minutes=item.meeting.duration_minutes)
    spans: list[Span] = [
        Time(item.starts_at, "full", zone, tr.language),
        Text(" – "),
        Time(ends, "time", zone, tr.language),
        Text(" ("),
        Time(item.starts_at, "relative", zone, tr.language),
        Text(")"),
    ]
    if item.meeting.location:
        spans += [Text(" · "), location_span(item.meeting.location)]
    return tuple(spans)


async def occurrence_block(
    tr: Translator,
    item: Upcoming,
    community: Community,
    zone: str,
    *,
    buttons: bool,
    details: Details | None = None,
) -> list[Heading | Paragraph | Note | BulletList | Buttons]:
    """One occurrence as listed by ``meetings`` and announced in the channel. A list
    passes the ``details`` of all its occurrences, read at once."""
    if details is None:
        details = await occurrence_details([item])
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
        notes += [Text(" · "), *tr.spans("moved from {when}", when=moved_from)]
    counts = details.counts_of(item)
    notes += [
        Text(" · "),
        *tr.spans("{going} going, {maybe} maybe", going=counts["going"], maybe=counts["maybe"]),
    ]
    parts.append(Note(tuple(notes)))
    agenda = details.agenda_of(item)
    if agenda:
        parts.append(Paragraph((Text(tr("Agenda:")),)))
        parts.append(BulletList(tuple(agenda)))
    if buttons:
        parts.append(rsvp_buttons(tr, item))
    return parts


async def announcement_message(
    tr: Translator, item: Upcoming, community: Community, zone: str
) -> Message:
    message = Message().add(Heading(tr("Upcoming meeting")))
    message.add(*await occurrence_block(tr, item, community, zone, buttons=True))
    message.add(
        Note(
            tr.spans("Reply in this thread with agenda ideas before, and notes during the meeting.")
        )
    )
    return message


async def reminder_message(
    tr: Translator, item: Upcoming, community: Community, zone: str
) -> Message:
    """A reminder; it says "starts in …" relative to when it is read, so a reminder sent
    late after a downtime is still right."""
    message = Message().add(
        Paragraph(
            tr.spans(
                "Reminder: {title} ({community}) starts {soon}.",
                title=Strong(item.meeting.title),
                soon=Time(item.starts_at, "relative", zone, tr.language),
                community=community.name,
            )
        ),
        Paragraph(_when_line(tr, item, zone)),
    )
    agenda = await agenda_lines(item)
    if agenda:
        message.add(Paragraph((Text(tr("Agenda:")),)), BulletList(tuple(agenda)))
    # plans change: answer again right from the reminder
    return message.add(rsvp_buttons(tr, item))


def cancelled_message(tr: Translator, item: Upcoming, zone: str, *, series: bool) -> Message:
    key = (
        N_("{title} is cancelled (the whole series; next would have been {when}).")
        if series
        else N_("{title} on {when} is cancelled.")
    )
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
                "{title} has moved: it was {old}, it is now {new}.",
                title=Strong(item.meeting.title),
                old=Time(old_start, "full", zone, tr.language),
                new=Time(item.starts_at, "full", zone, tr.language),
            )
        ),
        rsvp_buttons(tr, item),
    )


def told_spans(tr: Translator, count: int) -> tuple[Span, ...]:
    """Who was told of a change, as a sentence that reads naturally for any count."""
    if count == 0:
        return (Text(" "), *tr.spans("No one had answered, so no one needed telling."))
    told = tr.ngettext(
        "I told the member who had answered.", "I told the {n} members who had answered.", count
    )
    return (Text(" " + told),)
