"""Events: joining a community's home channel joins the community; the App Home shows the
member's communities, meetings with RSVP buttons and recent resources."""

from __future__ import annotations

from datetime import UTC, datetime

from data.models import Membership, Rsvp
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import block_action, event
from tests.slack.stack import block_text, buttons, slack_stack

START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)


async def test_joining_the_home_channel_joins_the_community(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack, start=START) as slack:
        await slack.command("UADA", "community create python", channel="C1")
        joined = event(
            {"type": "member_joined_channel", "user": "UBOB", "channel": "C1", "team": "T1"}
        )
        assert (await slack.send(joined))[0] == 200
        await slack.adapter.idle()
        assert (
            await Membership.filter(member__external_id="UBOB", left_at__isnull=True).count() == 1
        )
        # the welcome is shown to Bob alone, in that channel; no trigger, so the form is a button
        shown = (await fake_slack.wait_for_calls("chat.postEphemeral"))[0]
        assert shown.args["channel"] == "C1" and shown.args["user"] == "UBOB"
        assert "Welcome" in block_text(shown.args["blocks"])
        assert any(b["action_id"].startswith("cop-form|") for b in buttons(shown.args["blocks"]))
        # the same event again (Slack's retry) joins nothing twice and says nothing twice
        assert (await slack.send(joined, retry=1))[0] == 200
        await slack.adapter.idle()
        assert len(fake_slack.calls_to("chat.postEphemeral")) == 1


async def test_app_home_with_rsvp(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack, start=START) as slack:
        await slack.command("UADA", "community create python", channel="C1")
        await slack.command("UBOB", "join python")
        await slack.command("UADA", "meeting schedule python next Monday 4:30pm Python hour")
        await slack.command("UBOB", "https://example.org/r Rubric", command="/share")

        opened = event({"type": "app_home_opened", "user": "UBOB", "tab": "home", "channel": "D1"})
        assert (await slack.send(opened))[0] == 200
        view = (await fake_slack.wait_for_calls("views.publish"))[0].args["view"]
        assert view["type"] == "home"
        headings = [b["text"]["text"] for b in view["blocks"] if b["type"] == "header"]
        assert headings == ["Communities", "Upcoming meetings", "Recent resources"]
        text = block_text(view["blocks"])
        assert "python" in text and "Python hour" in text and "Rubric" in text
        maybe = next(b for b in buttons(view["blocks"]) if b["value"].endswith("maybe"))
        await slack.adapter.idle()
        direct_before = len(fake_slack.posts_to("DUBOB"))

        # RSVP from the App Home: no response_url there, so the home is refreshed instead
        press = block_action(
            user_id="UBOB",
            action_id=maybe["action_id"],
            value=maybe["value"],
            response_url=None,
            channel_id=None,
            container="view",
        )
        assert (await slack.send(press))[0] == 200
        await fake_slack.wait_for_calls("views.publish", 2)
        await slack.adapter.idle()
        rsvp = await Rsvp.get(member__external_id="UBOB")
        assert rsvp.status == "maybe"
        # a success needs no message: the refreshed home shows it
        assert len(fake_slack.posts_to("DUBOB")) == direct_before
        refreshed = fake_slack.calls_to("views.publish")[1].args["view"]
        assert "1 maybe" in block_text(refreshed["blocks"])

        # the messages tab is not the home tab: nothing to publish
        messages_tab = event({"type": "app_home_opened", "user": "UBOB", "tab": "messages"})
        assert (await slack.send(messages_tab))[0] == 200
        await slack.adapter.idle()
        assert len(fake_slack.calls_to("views.publish")) == 2
