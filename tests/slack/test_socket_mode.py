"""Socket Mode: apps.connections.open hands the client a ws://127.0.0.1 URL on the fake;
commands, buttons and events arrive as envelopes and are acknowledged on the socket."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from data.models import Community
from tests.slack.fake_slack import FakeSlack
from tests.slack.signed import block_action, event, slash_command_fields
from tests.slack.stack import block_text, buttons, slack_stack


async def test_socket_mode_end_to_end(db: str, fake_slack: FakeSlack) -> None:
    async with slack_stack(fake_slack, socket_mode=True) as slack:
        assert fake_slack.socket_connections == 1
        assert fake_slack.calls_to("apps.connections.open")[0].token == fake_slack.app_token
        # no HTTP endpoint in Socket Mode
        async with slack.http.post(slack.url, data=b"{}") as answer:
            assert answer.status == 404

        url = fake_slack.response_url()
        fields = slash_command_fields(
            "/cop",
            'community create python "Python in teaching"',
            user_id="UADA",
            user_name="ada",
            response_url=url,
            channel_id="C1",
        )
        ack = await fake_slack.socket_send("slash_commands", fields)
        assert "envelope_id" in ack
        created = (await fake_slack.wait_for_responses(1))[0]
        assert "created" in block_text(created.payload["blocks"])
        assert await Community.filter(name_key="python").exists()

        listing_url = fake_slack.response_url()
        await fake_slack.socket_send(
            "slash_commands",
            slash_command_fields(
                "/cop", "communities", user_id="UBOB", user_name="bob", response_url=listing_url
            ),
        )
        listing = (await fake_slack.wait_for_responses(2))[1]
        join = buttons(listing.payload["blocks"])[0]
        press = block_action(
            user_id="UBOB",
            action_id=join["action_id"],
            value=join["value"],
            response_url=fake_slack.response_url(),
        )
        payload = json.loads(dict(parse_qsl(press.body.decode()))["payload"])
        await fake_slack.socket_send("interactive", payload)
        welcome = (await fake_slack.wait_for_responses(3))[2]
        assert "Welcome" in block_text(welcome.payload["blocks"])

        home = json.loads(event({"type": "app_home_opened", "user": "UBOB", "tab": "home"}).body)
        await fake_slack.socket_send("events_api", home)
        published = (await fake_slack.wait_for_calls("views.publish"))[0]
        assert published.args["user_id"] == "UBOB"
        assert "python" in block_text(published.args["view"]["blocks"]).lower()


async def ada_says(fake: FakeSlack, text: str, replies_so_far: int) -> str:
    """A slash command over the socket; the text of the reply it gets."""
    fields = slash_command_fields(
        "/cop", text, user_id="UADA", user_name="ada", response_url=fake.response_url()
    )
    await fake.socket_send("slash_commands", fields)
    reply = (await fake.wait_for_responses(replies_so_far + 1))[replies_so_far]
    return block_text(reply.payload["blocks"])


async def test_without_a_web_address_the_calendar_file_comes_by_direct_message(
    db: str, fake_slack: FakeSlack
) -> None:
    """Socket Mode with no HTTP server: no feed to link to, so `meetings` hands out the
    calendar itself. A Slack reply holds no file: it names it, and the file arrives in
    the member's direct messages with the app."""
    async with slack_stack(fake_slack, socket_mode=True):
        await ada_says(fake_slack, "community create python", 0)
        await ada_says(fake_slack, "meeting schedule python 2027-03-10 16:30 Python hour", 1)
        listing = await ada_says(fake_slack, "meetings", 2)
        assert "Calendar of python, to import into your calendar app (python.ics)" in listing
        await fake_slack.wait_until(lambda: fake_slack.files)
        (shared,) = fake_slack.files
        assert shared["channel"] == "DUADA" and shared["filename"] == "python.ics"
        assert shared["title"] == "Calendar of python, to import into your calendar app"
        assert shared["content"].startswith(b"BEGIN:VCALENDAR")
        assert b"SUMMARY:Python hour" in shared["content"]


async def test_a_missing_files_scope_leaves_the_reply_as_it_is(
    db: str, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.scopes = fake_slack.scopes.replace(",files:write", "")
    async with slack_stack(fake_slack, socket_mode=True):
        await ada_says(fake_slack, "community create python", 0)
        await ada_says(fake_slack, "meeting schedule python 2027-03-10 16:30 Python hour", 1)
        assert "(python.ics)" in await ada_says(fake_slack, "meetings", 2)
        await fake_slack.wait_for_calls("files.getUploadURLExternal")
    assert fake_slack.files == []
    assert "could not send 1 file(s) to UADA" in caplog.text
