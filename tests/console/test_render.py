"""Member text in the console: kept as member text by the model, and unable to drive the
terminal (no escape sequences, bells or carriage returns reach it)."""

from __future__ import annotations

import asyncio
import io

from adapters.console.adapter import ConsoleAdapter
from adapters.console.render import render
from bot.kernel.messages import Mention, Message, Paragraph, Strong, Text
from tests.support.harness import Harness

HOSTILE = "@everyone <!channel> <@&123> \x1b[2J\x1b[31mred\x07\rover"


def test_member_text_cannot_reach_the_terminal_as_control_characters() -> None:
    message = Message().add(Paragraph((Text(HOSTILE), Strong(HOSTILE), Mention("u1", HOSTILE))))
    (line,) = render(message, lambda button: 1)
    assert not any(ch in line for ch in "\x1b\x07\r")
    # a console has nobody to ping: the words stay as written, as words
    assert "@everyone <!channel> <@&123>" in line


async def test_a_hostile_description_stays_member_text_from_model_to_console(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", f'community create python "{HOSTILE}"')
    reply = await h.say("Bob", "communities")
    spans = [span for part in reply.parts for span in getattr(part, "spans", ())]
    assert any(isinstance(s, Text) and "@everyone <!channel> <@&123>" in s.text for s in spans)
    assert not any(isinstance(s, Mention) for s in spans)  # no one is mentioned by it
    out = io.StringIO()
    console = ConsoleAdapter(h.core, asyncio.Event(), stdin=io.StringIO(""), stdout=out)
    console._reply(reply)
    text = out.getvalue()
    assert "@everyone <!channel>" in text and "\x1b" not in text and "\x07" not in text


def test_relative_times_read_as_slack_and_discord_show_them() -> None:
    from datetime import UTC, datetime, timedelta

    from adapters.console.render import render_relative
    from bot.kernel.messages import Time

    now = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
    assert render_relative(Time(now + timedelta(minutes=15), "relative"), now) == "in 15 min"
    assert render_relative(Time(now + timedelta(hours=24), "relative"), now) == "in 1 day"
    assert (
        render_relative(Time(now + timedelta(hours=2, minutes=5), "relative", language="fr"), now)
        == "dans 2 h 5 min"
    )
    assert render_relative(Time(now - timedelta(days=3), "relative"), now) == "3 days ago"
