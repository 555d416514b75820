"""Text members write can never ping everyone: whatever they type in any text field comes out
of the core only as text spans, never as a mention, channel or link span made from it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.kernel.messages import ChannelRef, Link, Mention, Message, message_text
from data.models import Meeting
from tests.security.support import typed_spans
from tests.support.harness import Harness

PAYLOAD = "@everyone @here <!channel> <!here> <@U123> <@&123> <!subteam^S1> <http://x|spoof>"
# what a span made from the payload would carry
FORBIDDEN = ("everyone", "here", "channel", "U123", "&123", "subteam", "S1", "http://x", "spoof")


def bad_spans(message: Message) -> list[str]:
    found = []
    for span in typed_spans(message):
        if isinstance(span, Mention):
            values = [span.user_id]
        elif isinstance(span, ChannelRef):
            values = [span.channel_id]
        else:
            assert isinstance(span, Link)
            values = [span.url]
        if any(f.lower() in v.lower() for f in FORBIDDEN for v in values):
            found.append(repr(span))
        if isinstance(span, Link) and span.label.strip() == "spoof":
            found.append(repr(span))
    return found


async def test_member_text_never_becomes_a_mention_channel_or_link(db: str) -> None:
    h = Harness.build(start=datetime(2027, 3, 1, 15, 0, tzinfo=UTC))
    quoted = PAYLOAD.replace('"', "")
    lines = [
        ("Ada", f'community create python "{quoted}"', "C1"),
        ("Ada", f'community edit python "{quoted}"', "C1"),
        ("Bob", "join python", None),
        (
            "Bob",
            f"intro title: {quoted}; org: {quoted}; location: {quoted}; help: {quoted}; "
            f"learn: {quoted}; networking: yes",
            None,
        ),
        ("Bob", f'share https://safe.example/a "{quoted}" in python', None),
        ("Ada", f"meeting schedule python 2027-03-10 16:30 every week {quoted}", None),
        ("Ada", f'prompt add "{quoted}" in python', None),
        ("Bob", f'prompt suggest "{quoted} ?" in python', None),
        ("Ada", "networking on", None),
    ]
    replies: list[tuple[str, Message]] = []
    for user, line, channel in lines:
        reply = await h.say(user, line, channel)
        replies.append((line, reply))
    meeting = await Meeting.get(community__name="python")
    await h.core.submit_form(
        h.who("Ada"), "intro", {"title": quoted, "organization": quoted, "networking": "yes"}
    )
    more = [
        ("Bob", f"agenda {meeting.id} {quoted}"),
        ("Bob", f"rsvp {meeting.id} going"),
        ("Bob", "communities"),
        ("Bob", "members python"),
        ("Bob", "whois @ada"),
        ("Ada", "whois @bob"),
        ("Bob", "resources"),
        ("Bob", "resources everyone"),
        ("Bob", "meetings"),
        ("Ada", "prompt list in python"),
        ("Ada", "prompt now python"),
        ("Bob", "stats python"),
        ("Bob", "export-my-data"),
        ("Bob", f"resources {quoted}"),
        ("Bob", f"join {quoted}"),
        ("Bob", f"whois {quoted}"),
    ]
    for user, line in more:
        replies.append((line, await h.say(user, line, "C1")))
    failed = [(line, message_text(r)) for line, r in replies[:9] if r.is_error]
    assert not failed, failed
    problems = [f"reply to {line!r}: {bad}" for line, r in replies for bad in bad_spans(r)]
    problems += [
        f"sent to {s.target}: {bad}" for s in h.outbox.sent for bad in bad_spans(s.message)
    ]
    assert not problems, "\n".join(problems)
    # the payload was stored and shown (as text), so the test saw it go through
    shown = "\n".join(message_text(r) for _, r in replies) + "\n".join(
        s.text for s in h.outbox.sent
    )
    assert "<@U123>" in shown and "<!channel>" in shown
