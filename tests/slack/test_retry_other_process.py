"""Slack retries an event it thinks we missed, and behind a load balancer the retry may
reach another copbot process, whose in-memory list of seen events is empty. The core's
ProcessedEvent record (keyed by the event id the adapter hands it) makes the retry do
nothing there: here two adapters with their own cores and HTTP servers share a database."""

from __future__ import annotations

import asyncio

from data.models import Membership, ProcessedEvent
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import event
from tests.slack.stack import slack_stack


async def test_a_retry_reaching_a_second_process_does_nothing_twice(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack) as first, slack_stack(fake_slack) as second:
        await first.command("UADA", "community create python", channel="C1")

        # a newcomer joins the workspace: the first process greets them by direct message
        joined = event({"type": "team_join", "user": fake_slack.users["UBOB"]}, event_id="EvJOIN")
        assert (await first.send(joined))[0] == 200
        await first.adapter.idle()
        greetings = fake_slack.posts_to("DUBOB")
        assert len(greetings) == 1
        # Slack's retry lands on the second process
        assert (await second.send(joined, retry=1))[0] == 200
        await second.adapter.idle()
        assert len(fake_slack.posts_to("DUBOB")) == 1

        # joining the home channel joins the community; its retry elsewhere joins nothing
        channel = event(
            {"type": "member_joined_channel", "user": "UCY", "channel": "C1", "team": "T1"},
            event_id="EvCHAN",
        )
        assert (await first.send(channel))[0] == 200
        await first.adapter.idle()
        shown = len(fake_slack.calls_to("chat.postEphemeral"))
        assert shown == 1
        assert (await second.send(channel, retry=1))[0] == 200
        await second.adapter.idle()
        assert len(fake_slack.calls_to("chat.postEphemeral")) == shown
        assert await Membership.filter(member__external_id="UCY").count() == 1

        # a reply in a thread is recorded under its event id too
        reply = event(
            {
                "type": "message",
                "user": "UCY",
                "channel": "C1",
                "ts": "1700000000.000200",
                "thread_ts": "1700000000.000100",
                "text": "see https://example.org/notes",
            },
            event_id="EvREPLY",
        )
        assert (await first.send(reply))[0] == 200
        await first.adapter.idle()
        recorded = set(await ProcessedEvent.all().values_list("event_id", flat=True))
        assert {"EvJOIN", "EvCHAN", "EvREPLY"} <= recorded


async def test_simultaneous_deliveries_to_two_processes_say_nothing_twice(
    db: str, fake_slack: FakeSlack
) -> None:
    """Slack's retry can arrive while the first delivery is still being worked on; the
    loser of the race on the event id must neither greet twice nor tell the newcomer
    about a conflict they know nothing of."""
    async with slack_stack(fake_slack) as first, slack_stack(fake_slack) as second:
        await first.command("UADA", "communities")  # the workspace and Ada exist; Bob, Cy not
        for index, user in enumerate(("UADA", "UBOB", "UCY")):
            joined = event(
                {"type": "team_join", "user": fake_slack.users[user]}, event_id=f"EvRACE{index}"
            )
            answers = await asyncio.gather(first.send(joined), second.send(joined, retry=1))
            assert [status for status, _ in answers] == [200, 200]
            await asyncio.gather(first.adapter.idle(), second.adapter.idle())
            direct = fake_slack.posts_to("D" + user)
            assert len(direct) == 1, direct
            assert await ProcessedEvent.filter(event_id=f"EvRACE{index}").count() == 1
