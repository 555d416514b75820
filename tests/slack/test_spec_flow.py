"""SPEC.md's whole flow on Slack, through copbot's HTTP server and the fake Web API:
a newcomer joins the workspace, a community is created, joined with the introduction
modal, a resource shared and found, a meeting scheduled, RSVPed by button, and its
reminder sent by direct message by the scheduler - with Slack failing along the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from data.models import Member
from scheduler.engine import EngineOptions
from scheduler.service import SchedulerService
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import event, view_submission
from tests.slack.stack import SlackStack, block_text, buttons, slack_stack

START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # a Monday


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [block_text(m["blocks"]) for m in messages]


async def run_scheduler_until(slack: SlackStack, service: SchedulerService, end: datetime) -> None:
    while slack.clock.now() < end:
        await service.tick()
        following = await service.engine.next_wake()
        step = slack.clock.now() + timedelta(hours=6)
        if following is not None and following > slack.clock.now():
            step = min(step, following)
        slack.clock.set(min(step, end))
    await service.tick()


async def test_whole_spec_flow_on_slack(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack, start=START) as slack:
        # a person joins the workspace: greeted by direct message, with the intro button
        assert (await slack.send(event({"type": "team_join", "user": fake_slack.users["UBOB"]})))[
            0
        ] == 200
        greeting = (await fake_slack.wait_until(lambda: fake_slack.posts_to("DUBOB")))[0]
        assert "<@UBOB>" in block_text(greeting["blocks"])
        intro_button = buttons(greeting["blocks"])[-1]
        assert intro_button["action_id"].startswith("cop-form|")

        await slack.command(
            "UADA", 'community create python "Python in teaching" #code', channel="C1"
        )

        # joining opens the introduction as a modal (the command's trigger), and says welcome
        joined = await slack.command("UBOB", "join python", channel="C2")
        assert "Welcome" in block_text(joined.payload["blocks"])
        modal = (await fake_slack.wait_for_calls("views.open"))[0].args["view"]
        assert [b["block_id"] for b in modal["blocks"]][:4] == [
            "title",
            "organization",
            "location",
            "interests",
        ]
        status, body = await slack.send(
            view_submission(
                user_id="UBOB",
                view=modal,
                values={
                    "title": "Instructional designer",
                    "organization": "Red River College",
                    "interests": "python, moodle",
                    "networking": "yes",
                },
            )
        )
        assert status == 200 and body == ""
        # the community is asked to welcome Bob, in its channel
        welcome = await fake_slack.wait_until(
            lambda: [t for t in texts(fake_slack.posts_to("C1")) if "Instructional designer" in t]
        )
        assert "<@UBOB>" in welcome[0]
        bob = await Member.get(external_id="UBOB")
        assert bob.title == "Instructional designer" and bob.timezone == "America/Vancouver"

        shared = await slack.command(
            "UBOB", 'https://example.org/rubric "Rubric template" #assessment', command="/share"
        )
        assert "Rubric template" in block_text(shared.payload["blocks"])
        found = await slack.command("UCY", "rubric", command="/resources")
        assert "Rubric template" in block_text(found.payload["blocks"])

        scheduled = await slack.command(
            "UADA", "meeting schedule python next Monday 4:30pm Python hour", channel="C1"
        )
        assert "Python hour" in block_text(scheduled.payload["blocks"]), scheduled.payload

        listing = await slack.command("UBOB", "", command="/meetings")
        assert "<!date^" in block_text(listing.payload["blocks"])
        going = next(b for b in buttons(listing.payload["blocks"]) if b["value"].endswith("going"))
        answered = await slack.press("UBOB", going)
        assert not answered.payload["blocks"][0]["text"]["text"].startswith(":warning:")

        # the reminders go out through Slack, which misbehaves meanwhile
        await slack.adapter.idle()
        before = len(fake_slack.posts_to("DUBOB"))
        fake_slack.fail("chat.postMessage", "429", retry_after=1)
        fake_slack.fail("chat.postMessage", "500")
        fake_slack.fail("chat.postMessage", "timeout_after")
        service = SchedulerService(
            slack.core,
            slack.core.settings,
            slack.clock,
            options=EngineOptions(horizon=timedelta(days=2)),
            worker_id="test",
        )
        await run_scheduler_until(slack, service, datetime(2027, 3, 9, 1, 0, tzinfo=UTC))
        assert not fake_slack.faults
        reminders = [t for t in texts(fake_slack.posts_to("DUBOB")[before:]) if "Python hour" in t]
        assert len(reminders) == 2, reminders  # 24 hours and 15 minutes before, once each
        assert all("<!date^" in t for t in reminders)
        channel_posts = [t for t in texts(fake_slack.posts_to("C1")) if "Python hour" in t]
        assert len([t for t in channel_posts if t.startswith("Upcoming meeting")]) == 1
        assert len([t for t in channel_posts if t.startswith("Reminder")]) == 2
