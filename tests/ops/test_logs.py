"""Structured logs: one JSON object a line, context on the records about it, and never a
token: a full scenario through the core is grepped for every configured secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Message
from bot.kernel.outbox import SendKey
from copbot.logs import configure_logging, log_context, secrets_of
from tests.support.harness import Harness, RecordingOutbox, send_effects
from tests.support.harness import test_settings as make_settings

SLACK_BOT_TOKEN = "xoxb-1111-2222-SlackBotSecret"
SLACK_SIGNING_SECRET = "0123456789abcdef-signing"
SLACK_APP_TOKEN = "xapp-1-A111-333-AppSecret"
DISCORD_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.Discord-Secret_Part"
DB_PASSWORD = "p@ss word"  # written URL-encoded in DATABASE_URL
TOKENS = [SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, DISCORD_TOKEN, DB_PASSWORD]


class LeakyOutbox(RecordingOutbox):
    """An outbox whose platform client fails with the credentials in the error, as HTTP
    client errors that echo request headers do."""

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str:
        raise RuntimeError(f"401 from chat.postMessage (Authorization: Bearer {SLACK_BOT_TOKEN})")

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str:
        raise DirectMessagesBlocked(user_id)


@pytest.fixture
def json_logs(restore_logging: None) -> io.StringIO:
    stream = io.StringIO()
    settings = make_settings(
        SLACK_BOT_TOKEN=SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SIGNING_SECRET,
        SLACK_APP_TOKEN=SLACK_APP_TOKEN,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DATABASE_URL="postgres://copbot:p%40ss%20word@127.0.0.1:5432/copbot",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    configure_logging(settings.log_level, settings.log_format, secrets_of(settings), stream)
    return stream


async def test_a_full_scenario_logs_no_token(db: str, json_logs: io.StringIO) -> None:
    h = Harness.build(
        SLACK_BOT_TOKEN=SLACK_BOT_TOKEN,
        SLACK_SIGNING_SECRET=SLACK_SIGNING_SECRET,
        SLACK_APP_TOKEN=SLACK_APP_TOKEN,
        DISCORD_TOKEN=DISCORD_TOKEN,
        LOG_FORMAT="json",
    )
    h.core = Core(h.core.settings, h.clock, h.core.registry)
    send_effects(h.core, h.clock)
    h.core.attach_outbox(LeakyOutbox())
    for user, line, channel in (
        ("Ada", 'community create python "Python in teaching" #code', "C1"),
        ("Bob", "join python", None),
        ("Bob", "share https://example.org/guide Guide #python", None),  # posting fails
        ("Bob", f"share https://example.org/{SLACK_BOT_TOKEN} Pasted", None),
        ("Cy", "resources python", None),
        ("Cy", "stats python", None),
        ("Cy", "stats", None),
        ("Cy", "joinn python", None),
        ("Cy", f"whois {DISCORD_TOKEN}", None),
        ("Ada", "help", None),
    ):
        # the core tags its records with the workspace and the command by itself
        await h.say(user, line, channel=channel)
    # a library logging a request the way HTTP clients do at DEBUG
    logging.getLogger("slack_sdk.web").debug(
        "Sending a request - headers: %s", {"Authorization": f"Bearer {SLACK_BOT_TOKEN}"}
    )
    logging.getLogger("asyncpg").warning(
        "connection to postgres://copbot:p%%40ss%%20word@db/copbot lost, password %s", DB_PASSWORD
    )
    logging.getLogger("discord.http").debug(
        "login with %s", DISCORD_TOKEN, extra={"platform": f"discord {DISCORD_TOKEN}"}
    )

    output = json_logs.getvalue()
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records) >= 4
    for token in [*TOKENS, "p%40ss%20word"]:
        assert token not in output
    # the records that carried secrets are there, scrubbed - not dropped
    assert output.count("[secret]") >= 4
    failures = [r for r in records if r["message"].startswith("sending effect ")]
    # the newcomer's greeting (join: its fallback in the channel) and the shared resource
    # (share) both failed to post, and wait in the ledger to be retried: warnings
    assert [r["command"] for r in failures][:2] == ["join", "share"]
    for failure in failures:
        assert "RuntimeError: 401" in failure["exception"] and failure["level"] == "WARNING"
        assert failure["workspace"] is not None and failure["delivery"] is not None


async def test_context_tags_every_record_inside_it(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", [], stream)
    log = logging.getLogger("copbot.test")
    with log_context(workspace=7, command="share"):
        log.info("one")
        with log_context(delivery=42):
            log.info("two")
        log.info("three", extra={"command": "override"})
    log.info("four")
    records = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [
        (r["message"], r.get("workspace"), r.get("command"), r.get("delivery")) for r in records
    ] == [
        ("one", 7, "share", None),
        ("two", 7, "share", 42),
        ("three", 7, "override", None),
        ("four", None, None, None),
    ]
    with pytest.raises(ValueError, match="unknown log context fields"), log_context(text="x"):
        pass


async def test_text_format_appends_the_context(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "text", ["supersecret"], stream)
    with log_context(workspace=3, delivery=9):
        logging.getLogger("copbot.test").warning("sent with supersecret")
    line = stream.getvalue().strip()
    assert line.endswith("WARNING copbot.test: sent with [secret] [workspace=3 delivery=9]")
