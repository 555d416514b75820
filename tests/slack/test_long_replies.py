"""Replies longer than one Slack message (``export-my-data``'s JSON, ``help``) arrive whole
and within Block Kit's limits: the fake refuses what Slack would refuse (``invalid_blocks``,
``msg_blocks_too_long``), and the ``fake_slack`` fixture fails a test that sent any."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from adapters.slack.render import FENCE, message_payloads, render_pages
from bot.kernel.discovery import default_registry
from bot.kernel.messages import Code, Heading, Message, Note, Paragraph, Text
from data.models import Community, Member, Resource
from tests.slack.blockkit import block_problems
from tests.slack.fake_slack import FakeSlack
from tests.slack.stack import block_text, slack_stack


def code_text(payloads: list[dict[str, Any]]) -> str:
    """The code a member reads across the messages, unescaped (what they would copy)."""
    pieces = []
    for payload in payloads:
        for block in payload["blocks"]:
            text = (block.get("text") or {}).get("text", "")
            if text.startswith(FENCE) and text.endswith(FENCE):
                pieces.append(text[len(FENCE) : -len(FENCE)])
    joined = "\n".join(pieces)
    return joined.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_long_code_is_split_into_fenced_blocks_nothing_lost() -> None:
    data = {
        "resources": [
            {"url": f"https://example.org/{i}?a=1&b=2", "title": f"<T{i}> & *{i}* " + "é" * 40}
            for i in range(600)
        ],
        "one_long_line": "&" * 9000,
    }
    text = json.dumps(data, ensure_ascii=False, indent=2)
    message = Message(ephemeral=True).add(
        Heading("Your data"), Note((Text("small print"),)), Paragraph((Code(text),))
    )
    payloads = message_payloads(message)
    assert len(payloads) > 1  # ~100 KB cannot be one Slack message
    for payload in payloads:
        assert block_problems(payload["blocks"]) == []
        assert payload["text"].strip()
    # split between lines, so the JSON reads back as it was, except the line too long for
    # one block, which wraps: no character is lost or added
    assert code_text(payloads).replace("\n", "") == text.replace("\n", "")
    del data["one_long_line"]
    text = json.dumps(data, ensure_ascii=False, indent=2)
    payloads = message_payloads(Message().add(Paragraph((Code(text),))))
    assert json.loads(code_text(payloads)) == data


def test_more_than_the_page_limit_ends_with_an_ellipsis() -> None:
    many = Message().add(*[Paragraph((Text(f"line {i} " + "x" * 2900),)) for i in range(400)])
    pages = render_pages(many, max_pages=3)
    assert len(pages) == 3
    assert all(block_problems(page) == [] for page in pages)
    assert pages[-1][-1] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "…", "verbatim": True}],
    }


async def test_export_my_data_and_help_reach_the_member_whole(
    db: str, fake_slack: FakeSlack
) -> None:
    async with slack_stack(fake_slack) as slack:
        await slack.command("UADA", "community create python", channel="C1")
        await slack.command("UBOB", "join python", channel="C1")
        bob = await Member.get(external_id="UBOB")
        python = await Community.get(name_key="python")
        now = slack.clock.now()
        for i in range(250):
            await Resource.create(
                workspace_id=bob.workspace_id,  # type: ignore[attr-defined]
                community=python,
                url=f"https://example.org/resource/{i}?x=1&y=<2>",
                url_key=f"example.org/resource/{i}",
                title=f"Resource {i}: <!here> & `tick` *bold*",
                description="A long description of the resource. " * 5,
                shared_by=bob,
                shared_at=now - timedelta(days=i),
            )
        fake_slack.responses.clear()
        url = fake_slack.response_url()
        token = url.rsplit("/", 1)[1]
        from tests.slack.signed import slash_command

        status, _ = await slack.send(
            slash_command(
                "/cop",
                "export-my-data",
                user_id="UBOB",
                user_name="bob",
                response_url=url,
                channel_id="C1",
            )
        )
        assert status == 200
        await slack.adapter.idle()
        # Slack takes five posts to one response_url; the rest come as ephemeral messages
        answered = [r.payload for r in fake_slack.responses if r.token == token]
        assert len(answered) == 5
        assert all(p["response_type"] == "ephemeral" for p in answered)
        ephemeral = [c.args for c in fake_slack.calls_to("chat.postEphemeral")]
        assert ephemeral and all(a["user"] == "UBOB" and a["channel"] == "C1" for a in ephemeral)
        assert not fake_slack.posts_to("C1")  # nothing of it was public
        exported = json.loads(code_text(answered + ephemeral))
        shared = exported["resources_shared"]
        assert len(shared) == 250
        assert {r["title"] for r in shared} == {
            f"Resource {i}: <!here> & `tick` *bold*".replace("`", "ˋ") for i in range(250)
        }

        help_reply = await slack.command("UBOB", "help")
        listed = block_text(help_reply.payload["blocks"])
        for command in default_registry().commands.values():
            if not command.hidden:
                assert command.usage.replace("<", "&lt;").replace(">", "&gt;") in listed, command
