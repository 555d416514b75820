"""copbot check: non-zero with the reason for what would break a deployment, zero for a
good configuration."""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web

from copbot.commands import check
from tests.support.harness import test_settings as make_settings

PROJECT = Path(__file__).resolve().parents[2]
DISCORD_TOKEN = (
    "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz"  # app 123456789012345678
)


def run_check(capsys: pytest.CaptureFixture[str], **settings: object) -> tuple[int, str]:
    code = check.main(argparse.Namespace(offline=True), make_settings(**settings))
    return code, capsys.readouterr().out


def copbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in a folder without a .env, with only these settings."""
    clean = {k: v for k, v in os.environ.items() if not k.isupper() or k in ("PATH", "HOME")}
    return subprocess.run(
        [sys.executable, "-m", "copbot.cli", *args],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(PROJECT), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_good_configuration_passes(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_check(
        capsys,
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN="xoxb-1-2-abc",
        SLACK_SIGNING_SECRET="signing-secret",
        DISCORD_TOKEN=DISCORD_TOKEN,
        HTTP_PORT=8080,
    )
    assert code == 0, out
    assert "[FAIL]" not in out and out.strip().endswith("ready (0 warning(s))")
    assert "is reachable" in out and "migrated (" in out
    assert "Slack will start (HTTP, at http://127.0.0.1:8080/slack/events)" in out
    assert "Discord will start" in out
    assert "client_id=123456789012345678&scope=bot+applications.commands" in out
    assert "bot token scopes: commands, chat:write" in out


def test_console_only_configuration_passes(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run_check(capsys, DATABASE_URL=database_url)
    assert code == 0
    assert "the console adapter will start" in out
    assert "slack: not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" in out


def test_bad_time_zone_fails_with_the_reason(tmp_path: Path) -> None:
    result = copbot(tmp_path, "check", "--offline", DEFAULT_TIMEZONE="Mars/Olympus_Mons")
    assert result.returncode == 1
    assert "[FAIL] settings: DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus_Mons'" in (
        result.stdout
    )


def test_check_reports_every_invalid_setting_and_still_checks_the_rest(tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'copbot.sqlite3'}"
    assert copbot(tmp_path, "migrate", DATABASE_URL=database).returncode == 0
    result = copbot(
        tmp_path,
        "check",
        "--offline",
        DATABASE_URL=database,
        DEFAULT_TIMEZONE="Mars/Olympus_Mons",
        REMINDER_OFFSETS="soon",
        HTTP_PORT="eighty",
        SLACK_BOT_TOKEN="xoxb-1",
    )
    assert result.returncode == 1
    out = result.stdout
    assert "[FAIL] settings: DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus_Mons'" in out
    assert "[FAIL] settings: REMINDER_OFFSETS: bad reminder offset 'soon'" in out
    assert "[FAIL] settings: HTTP_PORT:" in out
    # the checks that do not depend on them still run: a half-configured Slack, the database
    assert "Slack is half-configured" in out
    assert "migrated (" in out
    assert "DEFAULT_LANGUAGE en" in out and "DEFAULT_TIMEZONE America" not in out
    assert "HTTP server" not in out  # where it would listen is not known
    assert "NOT READY: 4 problem(s)" in out


def test_run_with_invalid_settings_lists_every_problem(tmp_path: Path) -> None:
    result = copbot(tmp_path, "migrate", DEFAULT_TIMEZONE="Mars/Olympus_Mons", LOG_FORMAT="xml")
    assert result.returncode == 1
    assert "copbot: invalid settings (2):" in result.stderr
    assert "  DEFAULT_TIMEZONE: unknown time zone 'Mars/Olympus_Mons'" in result.stderr
    assert "  LOG_FORMAT: LOG_FORMAT must be text or json" in result.stderr
    assert "Value error" not in result.stderr


def test_good_configuration_through_the_command_line(tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'copbot.sqlite3'}"
    assert copbot(tmp_path, "migrate", DATABASE_URL=database).returncode == 0
    result = copbot(tmp_path, "check", DATABASE_URL=database)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ready (0 warning(s))" in result.stdout


def test_run_with_a_missing_sqlite_folder_says_why_and_stops(tmp_path: Path) -> None:
    """It hung before: the failed open kept tortoise's connection lock, and the
    migrations' next statement waited on it forever."""
    database = f"sqlite://{tmp_path / 'nope' / 'copbot.sqlite3'}"
    result = copbot(tmp_path, "run", DATABASE_URL=database)
    assert result.returncode == 1
    assert f"copbot: cannot open the database {database}: unable to open database file" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_run_with_its_http_port_taken_says_why_and_stops(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = copbot(
            tmp_path,
            "run",
            DATABASE_URL=f"sqlite://{tmp_path / 'copbot.sqlite3'}",
            HTTP_HOST="127.0.0.1",
            HTTP_PORT=str(port),
        )
    assert result.returncode == 1
    assert f"copbot: cannot listen on 127.0.0.1:{port} (HTTP_HOST, HTTP_PORT)" in result.stderr
    assert "address already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_database_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_check(capsys, DATABASE_URL="postgres://postgres:hunter22@127.0.0.1:1/copbot")
    assert code == 1
    assert "[FAIL] database: cannot reach postgres://postgres:***@127.0.0.1:1/copbot" in out
    assert "hunter22" not in out
    assert "NOT READY: 1 problem(s)" in out


def test_missing_sqlite_folder_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_check(capsys, DATABASE_URL=f"sqlite://{tmp_path / 'nope' / 'db.sqlite3'}")
    assert code == 1 and "the folder" in out and "does not exist" in out


@pytest.mark.parametrize(
    ("settings", "reason"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-1-2-abc"},
            "Slack is half-configured: SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is missing",
        ),
        (
            {"SLACK_SIGNING_SECRET": "signing-secret"},
            "Slack is half-configured: SLACK_SIGNING_SECRET is set but SLACK_BOT_TOKEN is missing",
        ),
        (
            {"SLACK_APP_TOKEN": "xapp-1-abc"},
            "SLACK_APP_TOKEN is set but Slack is off",
        ),
        ({"SLACK_API_URL": "ftp://files.example"}, "SLACK_API_URL: 'ftp://files.example'"),
        ({"DISCORD_API_URL": "discord.com/api"}, "DISCORD_API_URL: 'discord.com/api'"),
        ({"SLACK_COMMAND": "cop"}, "SLACK_COMMAND 'cop' must be / then"),
        ({"HTTP_PORT": 70000}, "HTTP_PORT 70000 is not a port"),
        ({"DISCORD_GUILD_IDS": "123,abc"}, "DISCORD_GUILD_IDS must be server ids"),
        ({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"),
        (
            {"DISCORD_SHARD_IDS": "0,2", "DISCORD_SHARD_COUNT": 2},
            "DISCORD_SHARD_IDS must be numbers from 0 to 1",
        ),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL 'LOUD' is not a log level"),
    ],
)
def test_bad_settings_fail_with_the_reason(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    settings: dict[str, object],
    reason: str,
) -> None:
    code, out = run_check(capsys, DATABASE_URL=database_url, **settings)
    assert code == 1
    assert reason in out
    assert out.strip().splitlines()[-1].startswith("NOT READY: 1 problem(s)")


def test_migration_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()  # a database with no schema yet
    code, out = run_check(capsys, DATABASE_URL=f"sqlite://{path}")
    assert code == 0  # copbot run migrates at start: a warning, not a failure
    pending = sorted(check.known_migrations())
    assert "0001_initial" in pending
    assert (
        f"[warn] database: not migrated: {len(pending)} migration(s) pending "
        f"({', '.join(pending)})" in out
    )

    assert copbot(tmp_path, "migrate", DATABASE_URL=f"sqlite://{path}").returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO tortoise_migrations (app, name, applied_at) "
            "VALUES ('models', '9999_from_the_future', '2030-01-01 00:00:00')"
        )
    code, out = run_check(capsys, DATABASE_URL=f"sqlite://{path}")
    assert code == 1
    assert "the schema is newer than this copbot (migrations 9999_from_the_future)" in out


@asynccontextmanager
async def fake_platforms(intents: int, scopes: str) -> AsyncIterator[str]:
    """Slack's auth.test and Discord's two REST routes that the platform checks call."""
    calls: list[str] = []

    async def auth_test(request: web.Request) -> web.Response:
        calls.append("slack auth.test")
        body = {"ok": True, "team": "Acme", "user": "copbot", "team_id": "T1", "user_id": "U1"}
        return web.json_response(body, headers={"x-oauth-scopes": scopes})

    async def me(request: web.Request) -> web.Response:
        calls.append("discord me")
        return web.json_response({"id": "42", "username": "copbot"})

    async def application(request: web.Request) -> web.Response:
        return web.json_response({"id": "123456789012345678", "flags": intents})

    app = web.Application()
    app.add_routes(
        [
            web.post("/api/auth.test", auth_test),
            web.get("/api/v10/users/@me", me),
            web.get("/api/v10/oauth2/applications/@me", application),
        ]
    )
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
    assert calls == ["slack auth.test", "discord me"]


async def test_platforms_are_verified_by_their_own_checks(database_url: str) -> None:
    from adapters.slack.manifest import BOT_SCOPES

    members_intent = 1 << 15
    async with fake_platforms(members_intent, ",".join(BOT_SCOPES[1:])) as base:
        settings = make_settings(
            DATABASE_URL=database_url,
            SLACK_BOT_TOKEN="xoxb-1-2-abc",
            SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
            SLACK_API_URL=base + "/api/",
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=base + "/api/v10",
        )
        findings = await check.run_checks(settings)
    out = check.render(findings)
    assert check.exit_status(findings) == 0, out
    assert "[ok]   slack: connected to workspace Acme as @copbot." in out
    assert f"[warn] slack: the app lacks the scopes {BOT_SCOPES[0]}" in out
    assert "[ok]   discord: token accepted: bot user copbot (42)" in out
    assert "[ok]   discord: Server Members Intent is on" in out
    assert "client_id=123456789012345678" in out


async def test_a_platform_refusal_fails_the_check(database_url: str) -> None:
    async with fake_platforms(0, "") as base:
        settings = make_settings(
            DATABASE_URL=database_url,
            SLACK_BOT_TOKEN="xoxb-1-2-abc",
            SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
            SLACK_API_URL=base + "/api/",
            DISCORD_TOKEN=DISCORD_TOKEN,
            DISCORD_API_URL=base + "/api/v10",
        )
        findings = await check.run_checks(settings)
    out = check.render(findings)
    assert check.exit_status(findings) == 1
    assert "[FAIL] discord: turn on the Server Members Intent" in out
    assert out.endswith("NOT READY: 1 problem(s), 0 warning(s)")


async def test_an_unreachable_platform_fails_the_check(database_url: str) -> None:
    settings = make_settings(
        DATABASE_URL=database_url,
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_URL="http://127.0.0.1:1/api/v10",
    )
    findings = await check.run_checks(settings)
    assert check.exit_status(findings) == 1
    assert "[FAIL] discord: could not reach Discord at http://127.0.0.1:1/api/v10" in check.render(
        findings
    )


def test_a_language_without_a_catalog_fails_the_check(tmp_path: Path) -> None:
    result = copbot(tmp_path, "check", "--offline", LANGUAGES="en,fr,de")
    assert result.returncode != 0
    assert "[FAIL] settings: LANGUAGES: no catalog at " in result.stdout
    assert "de/LC_MESSAGES/copbot.po" in result.stdout
