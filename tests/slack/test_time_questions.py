"""A time that reads two ways, on Slack: the question comes as buttons, and pressing one
finishes the original command (here in French, typed by a French member)."""

from __future__ import annotations

from data.models import Meeting
from tests.slack.fake_slack import FakeSlack
from tests.slack.stack import block_text, buttons, slack_stack


async def test_a_date_that_reads_two_ways_is_answered_by_button(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack) as slack:
        await slack.command("UADA", "community create python", channel="C1")
        await slack.command("UADA", "language fr")
        asked = await slack.command(
            "UADA", "meeting schedule python 03/04/2031 à 10 h Révision", channel="C1"
        )
        text = block_text(asked.payload["blocks"])
        assert "« 03/04/2031 » est une date qui se lit de deux façons" in text, text
        answers = buttons(asked.payload["blocks"])
        assert [b["text"]["text"] for b in answers] == ["3 avril 2031", "4 mars 2031"]
        assert await Meeting.all().count() == 0
        done = await slack.press("UADA", answers[1])
        reply = block_text(done.payload["blocks"])
        assert "Rencontre « Révision » planifiée pour python" in reply, reply
        meeting = await Meeting.get()
        assert meeting.start_local == "2031-03-04T10:00"
        # the same button again: the question was answered, nothing more is made
        again = await slack.press("UADA", answers[1])
        assert "a déjà reçu une réponse" in block_text(again.payload["blocks"])
        assert await Meeting.all().count() == 1
