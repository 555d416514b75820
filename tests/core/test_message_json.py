"""A message survives the ledger: every part and span, buttons and forms included, comes
back from JSON (through a real ``json`` round trip) equal to what was written."""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.kernel import messages
from bot.kernel.message_json import CLASSES, UnknownPart, message_from_json, message_to_json
from bot.kernel.messages import (
    Attachment,
    BulletList,
    Button,
    Buttons,
    ChannelRef,
    Choice,
    Code,
    Field,
    Fields,
    Form,
    FormField,
    FormRequest,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Select,
    Strong,
    Text,
    Time,
)

EVERY_SPAN = (
    Text("<!channel> & *not bold*"),
    Strong("important"),
    Code("join python"),
    Mention("U123", "Ada"),
    ChannelRef("C1", "general"),
    Link("https://example.com/a?b=1", "a link"),
    Time(datetime(2027, 3, 9, 12, 30, tzinfo=ZoneInfo("America/Toronto")), "short", "Europe/Paris"),
)
FORM = Form(
    form_id="intro",
    title="Introduce yourself",
    fields=(
        FormField("title", "Title", initial="Designer", placeholder="e.g."),
        FormField("bio", "About", kind="long", required=True, max_length=300),
        FormField("pair", "Pair me", kind="choice", choices=(Choice("Yes", "yes"),)),
    ),
    submit_label="Save",
    context="community:3",
)
EVERY_PART: tuple[messages.Part, ...] = (
    Heading("Python hour"),
    Paragraph(EVERY_SPAN),
    Note((Text("small print"), Time(datetime(2027, 1, 1, tzinfo=UTC), "relative"))),
    Fields((Field("Where", (Link("https://meet.example/x"),)), Field("Who", (Text("all"),)))),
    BulletList(((Text("one"),), (Strong("two"), Text("!")))),
    Buttons(
        (
            Button("Going", "rsvp", "12:2027-03-09T17:30Z:going", "primary"),
            Button("Open", "", url="https://example.com"),
            Button("No", "rsvp", "12:no", "danger"),
        )
    ),
    Select("Pick one", "pick", (Choice("A", "a"), Choice("B", "b"))),
    FormRequest(FORM, "Introduce yourself"),
    Attachment("python.ics", b"BEGIN:VCALENDAR\r\n\x00\xff", "text/calendar", "Calendar"),
)


def through_json(message: Message) -> Message:
    return message_from_json(json.loads(json.dumps(message_to_json(message))))


def test_every_part_type_is_in_the_sample() -> None:
    assert {type(part) for part in EVERY_PART} == set(typing.get_args(messages.Part))
    assert {type(span) for span in EVERY_SPAN} == set(typing.get_args(messages.Span))


@pytest.mark.parametrize("part", EVERY_PART, ids=lambda part: type(part).__name__)
def test_each_part_comes_back_equal(part: messages.Part) -> None:
    message = Message(parts=[part])
    assert through_json(message) == message


def test_a_whole_message_comes_back_equal_with_its_flags() -> None:
    message = Message(
        parts=list(EVERY_PART), ephemeral=True, is_error=True, field_errors={"bio": "Too long"}
    )
    back = through_json(message)
    assert back == message
    [time] = [span for span in back.parts[1].spans if isinstance(span, Time)]  # type: ignore[union-attr]
    assert time.instant.tzinfo is not None  # still aware
    assert time.instant == EVERY_SPAN[-1].instant  # type: ignore[attr-defined]


def test_every_dataclass_a_part_holds_can_be_stored() -> None:
    """A new nested type (a part holding a new kind of item) must join the table."""
    seen: set[type] = set()

    def walk(cls: type) -> None:
        if cls in seen or not dataclasses.is_dataclass(cls):
            return
        seen.add(cls)
        for hint in typing.get_type_hints(cls).values():
            for inner in _types_in(hint):
                walk(inner)

    for cls in (*typing.get_args(messages.Part), *typing.get_args(messages.Span)):
        walk(cls)
    assert {cls.__name__ for cls in seen} <= set(CLASSES)


def _types_in(hint: object) -> list[type]:
    found = [hint] if isinstance(hint, type) else []
    for arg in typing.get_args(hint):
        found += _types_in(arg)
    return found


def test_an_unknown_part_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownPart):
        message_from_json({"parts": [{"_": "Hologram", "text": "x"}]})
