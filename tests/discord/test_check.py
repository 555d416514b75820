from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from adapters.discord.check import check_discord
from tests.discord.fake_discord import FLAG_MESSAGE_CONTENT, FakeDiscord
from tests.support.harness import test_settings

EXPECTED_PERMISSIONS = (
    (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 35) | (1 << 38) | (1 << 44)
)


async def test_check_accepts_the_token_and_prints_the_invite() -> None:
    fake = await FakeDiscord([]).start()
    try:
        result = await check_discord(
            test_settings(DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.api_url)
        )
    finally:
        await fake.close()
    assert result.ok, result.findings
    assert result.invite_url is not None
    url = urlparse(result.invite_url)
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    query = parse_qs(url.query)
    assert query == {
        "client_id": [fake.app_id],
        "scope": ["bot applications.commands"],
        "permissions": [str(EXPECTED_PERMISSIONS)],
    }
    assert any("Server Members Intent is on" in f for f in result.findings)


async def test_check_reports_a_bad_token_and_bad_settings() -> None:
    fake = await FakeDiscord([]).start()
    try:
        result = await check_discord(
            test_settings(
                DISCORD_TOKEN="wrong", DISCORD_API_URL=fake.api_url, DISCORD_SHARD_IDS="0,x"
            )
        )
    finally:
        await fake.close()
    assert not result.ok and result.invite_url is None
    text = "\n".join(result.findings)
    assert "DISCORD_TOKEN was refused" in text
    assert "DISCORD_SHARD_IDS must be numbers" in text
    assert "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT" in text


async def test_check_without_a_token_says_discord_is_off() -> None:
    result = await check_discord(test_settings())
    assert result.ok and result.findings == ["- Discord: off (DISCORD_TOKEN is not set)"]


async def test_check_says_the_message_content_intent_is_optional() -> None:
    fake = await FakeDiscord([]).start()
    settings = test_settings(DISCORD_TOKEN=fake.token, DISCORD_API_URL=fake.api_url)
    try:
        without = await check_discord(settings)
        fake.app_flags |= FLAG_MESSAGE_CONTENT
        with_it = await check_discord(settings)
    finally:
        await fake.close()
    assert without.ok and with_it.ok  # optional: never a failure
    (off,) = [f for f in without.findings if "Message Content Intent" in f]
    assert off.startswith("- Message Content Intent is off (optional)")
    assert "still counted" in off and "links posted in a meeting's thread" in off
    (on,) = [f for f in with_it.findings if "Message Content Intent" in f]
    assert on.startswith("✓ Message Content Intent is on (optional)")
