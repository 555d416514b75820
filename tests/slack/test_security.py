"""Requests that are not Slack's never reach a handler; retries do nothing twice; member
text can never ping or disguise a link."""

from __future__ import annotations

import json
import time
from typing import Any

from data.models import Community, Member
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import SlackRequest, event, slash_command
from tests.slack.stack import SlackStack, block_text, slack_stack

SPOOFS = "<!channel> <!here> <!everyone> <@U999> <!subteam^S123|@team> <http://x.example|spoof>"


def create_request(fake: FakeSlack) -> Any:
    return slash_command(
        "/cop",
        "community create python",
        user_id="UADA",
        user_name="ada",
        response_url=fake.response_url(),
    )


async def assert_nothing_happened(slack: SlackStack) -> None:
    await slack.adapter.idle()
    assert slack.handled.names == []
    assert slack.fake.responses == []
    assert [c.method for c in slack.fake.calls] == ["auth.test"]
    assert await Community.all().count() == 0
    assert await Member.all().count() == 0


async def test_forged_requests_get_401_and_reach_no_handler(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        request = create_request(fake_slack)
        # unsigned
        async with slack.http.post(
            slack.url, data=request.body, headers={"Content-Type": request.content_type}
        ) as answer:
            assert answer.status == 401
        # signed with another secret
        assert (await slack.send(request, secret="f" * 32))[0] == 401
        # signed, then the body changed on the way
        tampered = request.body.replace(b"python", b"pythox")
        assert (await slack.send(request, body=tampered))[0] == 401
        # a genuine signature, replayed six minutes later
        assert (await slack.send(request, timestamp=int(time.time()) - 360))[0] == 401
        # a timestamp from the future is no better
        assert (await slack.send(request, timestamp=int(time.time()) + 360))[0] == 401
        # events and interactivity go through the same check
        assert (await slack.send(event({"type": "app_home_opened", "user": "UADA"}), secret="x"))[
            0
        ] == 401
        await assert_nothing_happened(slack)

        # the control: the same request, correctly signed now, does get through
        assert (await slack.send(request))[0] == 200
        await slack.adapter.idle()
        assert await Community.all().count() == 1


async def test_slack_retry_of_a_handled_event_does_nothing_twice(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack) as slack:
        opened = event({"type": "app_home_opened", "user": "UBOB", "tab": "home"}, event_id="Ev1")
        assert (await slack.send(opened))[0] == 200
        # Slack thought we were late: it retries, same event id, while we may still be busy
        assert (await slack.send(opened, retry=1))[0] == 200
        assert (await slack.send(opened, retry=2))[0] == 200
        await slack.adapter.idle()
        assert len(fake_slack.calls_to("views.publish")) == 1
        # a new event (new id) is handled again
        again = event({"type": "app_home_opened", "user": "UBOB", "tab": "home"}, event_id="Ev2")
        assert (await slack.send(again))[0] == 200
        await slack.adapter.idle()
        assert len(fake_slack.calls_to("views.publish")) == 2


def mrkdwn_objects(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            found.append(node)
        for value in node.values():
            found.extend(mrkdwn_objects(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(mrkdwn_objects(item))
    return found


def assert_inert(payload: dict[str, Any]) -> None:
    raw = json.dumps(payload, ensure_ascii=False)
    for dangerous in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam", "<http://x"):
        assert dangerous not in raw, dangerous
    assert all(obj["verbatim"] is True for obj in mrkdwn_objects(payload["blocks"]))


async def test_member_text_arrives_escaped(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        await slack.command("UADA", f'community create python "{SPOOFS} *bold*"', channel="C1")
        listing = await slack.command("UBOB", "communities")
        assert_inert(listing.payload)
        text = block_text(listing.payload["blocks"])
        assert "&lt;!channel&gt;" in text and "&lt;!here&gt;" in text
        assert "&lt;@U999&gt;" in text and "&lt;http://x.example|spoof&gt;" in text
        assert "&lt;!channel&gt;" in listing.payload["text"]

        await slack.command("UBOB", "join python")
        await slack.command(
            "UBOB", f'https://example.org/a "<!here> free {SPOOFS}" #x', command="/share"
        )
        post = (await fake_slack.wait_until(lambda: fake_slack.posts_to("C1")))[0]
        assert_inert(post)
        assert "&lt;!here&gt; free" in block_text(post["blocks"])
        # ...while the bot's own mention of the sharer is a real one
        assert "<@UBOB>" in block_text(post["blocks"])


async def test_url_verification_answers_the_challenge(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack) as slack:
        challenge = {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
        request = SlackRequest(json.dumps(challenge).encode(), "application/json")
        status, body = await slack.send(request)
        assert status == 200 and "3eZbrw1aBm2rZgRNFdxV" in body
        assert (await slack.send(request, secret="wrong" * 6))[0] == 401
