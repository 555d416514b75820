"""Installation: the shipped manifest matches the commands, and ``copbot check``'s Slack
part tells what works and what is missing, against the fake Web API."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.slack.adapter import SlackAdapter
from adapters.slack.check import check_slack
from adapters.slack.commands import SLACK_RESERVED, direct_command_names
from adapters.slack.manifest import BOT_SCOPES, build_manifest, manifest_yaml
from bot.kernel.clock import SystemClock
from bot.kernel.core import Core
from bot.kernel.discovery import default_registry
from tests.slack.fake_slack import FakeSlack
from tests.support.harness import test_settings as make_settings

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


def test_shipped_manifest_is_up_to_date() -> None:
    expected = manifest_yaml(default_registry())
    assert MANIFEST.read_text() == expected, (
        "slack/manifest.yml is stale: regenerate it with "
        "`.venv/bin/python -m adapters.slack.manifest > slack/manifest.yml`"
    )


def test_manifest_lists_every_command_slack_allows() -> None:
    registry = default_registry()
    manifest = build_manifest(registry, url="https://bot.example/slack/events")
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands[0] == "/cop"
    assert commands[1:] == ["/" + name for name in direct_command_names(registry)]
    assert not {c.lstrip("/") for c in commands} & SLACK_RESERVED
    assert len(commands) <= 50  # Slack's limit per app
    assert all(
        c["url"] == "https://bot.example/slack/events"
        for c in manifest["features"]["slash_commands"]
    )
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) >= {
        "team_join",
        "member_joined_channel",
        "app_home_opened",
    }
    socket = build_manifest(registry, socket_mode=True)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert all("url" not in c for c in socket["features"]["slash_commands"])


async def test_check_reports_a_working_install(fake_slack: FakeSlack) -> None:
    fake_slack.scopes = ",".join(BOT_SCOPES)
    settings = make_settings(
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        SLACK_APP_TOKEN=fake_slack.app_token,
        SLACK_API_URL=fake_slack.api_url,
    )
    findings = await check_slack(settings)
    assert [f.level for f in findings] == ["ok", "ok"]
    assert "Test Team" in findings[0].message


async def test_check_says_what_is_wrong(fake_slack: FakeSlack) -> None:
    fake_slack.scopes = "commands,chat:write"
    settings = make_settings(
        SLACK_BOT_TOKEN=fake_slack.bot_token,
        SLACK_SIGNING_SECRET="not-a-secret",
        SLACK_API_URL=fake_slack.api_url,
    )
    findings = await check_slack(settings)
    assert any(f.level == "warning" and "SLACK_SIGNING_SECRET" in f.message for f in findings)
    scopes = next(f for f in findings if "lacks the scopes" in f.message)
    assert "users:read" in scopes.message and "im:write" in scopes.message
    assert any(f.level == "info" and "/slack/events" in f.message for f in findings)

    refused = make_settings(
        SLACK_BOT_TOKEN="xoxb-wrong",
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        SLACK_API_URL=fake_slack.api_url,
    )
    assert [(f.level, "invalid_auth" in f.message) for f in await check_slack(refused)] == [
        ("error", True)
    ]
    half = make_settings(SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef")
    assert [f.level for f in await check_slack(half)] == ["error"]
    unreachable = make_settings(
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    assert "cannot reach" in (await check_slack(unreachable))[0].message
    assert (await check_slack(make_settings()))[0].level == "info"


async def test_a_refused_token_stops_the_start_with_a_clear_error(fake_slack: FakeSlack) -> None:
    core = Core(make_settings(), SystemClock(), default_registry())
    for overrides in ({"SLACK_BOT_TOKEN": "xoxb-revoked"}, {"SLACK_APP_TOKEN": "xapp-revoked"}):
        values = {
            "SLACK_BOT_TOKEN": fake_slack.bot_token,
            "SLACK_SIGNING_SECRET": "0123456789abcdef0123456789abcdef",
            "SLACK_API_URL": fake_slack.api_url,
            **overrides,
        }
        adapter = SlackAdapter(make_settings(**values), core)
        with pytest.raises(RuntimeError, match="invalid_auth"):
            await adapter.start()
    assert fake_slack.socket_connections == 0
