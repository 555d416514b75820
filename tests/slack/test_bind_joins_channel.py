"""Issue 12 item 8: on Slack, a community's home channel is one the bot is a member of
(conversations.join, with its scope in the manifest), or Slack sends none of its events."""

from __future__ import annotations

from adapters.slack.manifest import BOT_SCOPES, build_manifest
from bot.kernel.discovery import default_registry
from tests.slack.fake_slack import FakeSlack
from tests.slack.stack import block_text, slack_stack


def test_the_manifest_asks_for_the_join_scope() -> None:
    manifest = build_manifest(default_registry())
    assert "channels:join" in BOT_SCOPES
    assert "channels:join" in manifest["oauth_config"]["scopes"]["bot"]


async def test_bind_and_create_join_the_channel(db: str, fake_slack: FakeSlack) -> None:
    fake_slack.scopes = ",".join(BOT_SCOPES)
    async with slack_stack(fake_slack) as slack:
        created = await slack.command("UADA", "community create python", channel="C1")
        assert "python" in block_text(created.payload["blocks"])
        joins = await fake_slack.wait_for_calls("conversations.join")
        assert [call.args["channel"] for call in joins] == ["C1"]

        await slack.command("UADA", "community create data")
        bound = await slack.command("UADA", "community bind data", channel="C7")
        assert ":warning:" not in block_text(bound.payload["blocks"])
        await fake_slack.wait_until(lambda: "C7" in fake_slack.joined)
        assert fake_slack.joined == {"C1", "C7"}


async def test_a_private_channel_refusing_the_join_still_binds(
    db: str, fake_slack: FakeSlack
) -> None:
    fake_slack.scopes = ",".join(BOT_SCOPES)
    fake_slack.private_channels.add("G9")
    async with slack_stack(fake_slack) as slack:
        created = await slack.command("UADA", "community create secret", channel="G9")
        assert ":warning:" not in block_text(created.payload["blocks"])
        await fake_slack.wait_for_calls("conversations.join")
        assert fake_slack.joined == set()
