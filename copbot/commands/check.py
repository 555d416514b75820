"""copbot check: is this configuration ready to run? Settings, the database (reachable,
migrated), which adapters will start, and what each platform still needs. Exits non-zero
when something is wrong, so it can gate a deployment.

Settings that fail their own validation (a bad time zone, reminder offsets, language)
arrive replaced by their defaults, with the problems (``copbot.cli.lenient_settings``):
each is reported, and the checks that do not depend on them still run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib
import logging
import pkgutil
import re
import sys
from collections.abc import Awaitable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.kernel.settings import Settings

Level = Literal["ok", "info", "warn", "fail"]
MARKS: dict[Level, str] = {"ok": "[ok]  ", "info": "[--]  ", "warn": "[warn]", "fail": "[FAIL]"}
DATABASE_TIMEOUT = 10.0
PLATFORM_TIMEOUT = 20.0
DATABASE_SCHEMES = ("sqlite", "postgres", "asyncpg", "psycopg")
_SLASH_COMMAND = re.compile(r"^/[a-z0-9][a-z0-9_-]{0,31}$")

SLACK_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "channels:read",
    "groups:read",
    "team:read",
)
# View Channels, Send Messages, Embed Links, Read Message History, Manage Events (for
# scheduled events), Create Public Threads, Send Messages in Threads. Not Mention Everyone:
# the bot must never be able to ping everyone.
DISCORD_PERMISSIONS = sum(1 << bit for bit in (10, 11, 14, 16, 33, 35, 38))


@dataclass(frozen=True)
class Finding:
    level: Level
    topic: str
    text: str


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "check", help="check settings, database and platforms; non-zero exit when not ready"
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not contact Slack or Discord (settings and database only)",
    )


# ---- database URLs ---------------------------------------------------------------------


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and for :memory:)."""
    scheme, _, rest = database_url.partition("://")
    if scheme != "sqlite":
        return None
    rest = rest.split("?", 1)[0]
    if rest in ("", ":memory:"):
        return None
    return Path(rest)


def database_label(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(database_url)
    if parts.password:
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        netloc = f"{parts.username}:***@{host}{port}"
        return parts._replace(netloc=netloc).geturl()
    return database_url


# ---- settings ----------------------------------------------------------------------------


def _url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{value!r} is not an http(s) URL"
    return None


def check_settings(settings: Settings, invalid: Collection[str] = ()) -> list[Finding]:
    found: list[Finding] = []
    offsets = ", ".join(part.strip() for part in settings.reminder_offsets.split(","))
    valid = [
        f"{name} {value}"
        for name, value in (
            ("DEFAULT_TIMEZONE", settings.default_timezone),
            ("DEFAULT_LANGUAGE", settings.default_language),
            ("REMINDER_OFFSETS", offsets),
        )
        if name not in invalid
    ]
    if valid:
        found.append(Finding("ok", "settings", ", ".join(valid)))
    scheme = settings.database_url.partition("://")[0]
    if scheme not in DATABASE_SCHEMES or "://" not in settings.database_url:
        found.append(
            Finding(
                "fail",
                "settings",
                f"DATABASE_URL {database_label(settings.database_url)!r} must start with "
                "sqlite:// or postgres://",
            )
        )
    for name, value in (
        ("SLACK_API_URL", settings.slack_api_url),
        ("DISCORD_API_URL", settings.discord_api_url),
    ):
        problem = _url_problem(value)
        if problem:
            found.append(Finding("fail", "settings", f"{name}: {problem}"))
    if not _SLASH_COMMAND.match(settings.slack_command):
        found.append(
            Finding(
                "fail",
                "settings",
                f"SLACK_COMMAND {settings.slack_command!r} must be / then up to 32 lower-case "
                "letters, digits, - or _ (e.g. /cop)",
            )
        )
    if settings.http_port is not None and not 0 < settings.http_port < 65536:
        found.append(Finding("fail", "settings", f"HTTP_PORT {settings.http_port} is not a port"))
    if settings.log_level.upper() not in logging.getLevelNamesMapping():
        found.append(
            Finding("fail", "settings", f"LOG_LEVEL {settings.log_level!r} is not a log level")
        )
    found += _discord_ids(settings)
    found += _credentials(settings)
    return found


def _discord_ids(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    guilds = [g.strip() for g in (settings.discord_guild_ids or "").split(",") if g.strip()]
    bad = [g for g in guilds if not g.isdigit()]
    if bad:
        found.append(
            Finding(
                "fail",
                "settings",
                f"DISCORD_GUILD_IDS must be server ids (digits), not {', '.join(bad)}",
            )
        )
    count = settings.discord_shard_count
    if count is not None and count < 1:
        found.append(Finding("fail", "settings", "DISCORD_SHARD_COUNT must be at least 1"))
    shard_ids = [s.strip() for s in (settings.discord_shard_ids or "").split(",") if s.strip()]
    if shard_ids:
        if count is None:
            found.append(Finding("fail", "settings", "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT"))
        elif not all(s.isdigit() and int(s) < count for s in shard_ids):
            found.append(
                Finding(
                    "fail",
                    "settings",
                    f"DISCORD_SHARD_IDS must be numbers from 0 to {count - 1}, "
                    f"not {settings.discord_shard_ids}",
                )
            )
    return found


def _credentials(settings: Settings) -> list[Finding]:
    found: list[Finding] = []
    token, secret, app = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
    )
    if bool(token) != bool(secret):
        have, missing = (
            ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
            if token
            else ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN")
        )
        found.append(
            Finding(
                "fail",
                "slack",
                f"Slack is half-configured: {have} is set but {missing} is missing "
                "(Slack needs both; unset both to run without Slack)",
            )
        )
    if app and not (token and secret):
        found.append(
            Finding(
                "fail",
                "slack",
                "SLACK_APP_TOKEN is set but Slack is off: Socket Mode also needs "
                "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
            )
        )
    if token and not token.startswith("xoxb-"):
        found.append(
            Finding("warn", "slack", "SLACK_BOT_TOKEN does not look like a bot token (xoxb-...)")
        )
    if app and not app.startswith("xapp-"):
        found.append(
            Finding(
                "warn", "slack", "SLACK_APP_TOKEN does not look like an app-level token (xapp-...)"
            )
        )
    discord_token = settings.discord_token
    if discord_token and discord_token.count(".") != 2:
        found.append(
            Finding("warn", "discord", "DISCORD_TOKEN does not look like a bot token (three parts)")
        )
    return found


# ---- the database --------------------------------------------------------------------------


def known_migrations() -> set[str]:
    import data.migrations

    return {
        name
        for _, name, is_package in pkgutil.iter_modules(data.migrations.__path__)
        if not is_package and name[0] not in "_~"
    }


async def check_database(settings: Settings) -> list[Finding]:
    url = settings.database_url
    label = database_label(url)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not path.parent.exists():
            return [
                Finding("fail", "database", f"{label}: the folder {path.parent} does not exist")
            ]
        return [
            Finding(
                "warn",
                "database",
                f"{label} does not exist yet: copbot run (or copbot migrate) creates it",
            )
        ]
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            applied = await _applied_migrations(url)
    except TimeoutError:
        return [
            Finding("fail", "database", f"{label} did not answer within {DATABASE_TIMEOUT:.0f} s")
        ]
    except Exception as error:
        return [Finding("fail", "database", f"cannot reach {label}: {_short(error)}")]
    found = [Finding("ok", "database", f"{label} is reachable")]
    known = known_migrations()
    pending = sorted(known - applied)
    unknown = sorted(applied - known)
    if unknown:
        found.append(
            Finding(
                "fail",
                "database",
                f"the schema is newer than this copbot (migrations {', '.join(unknown)}): "
                "run the copbot version that made it",
            )
        )
    elif pending:
        found.append(
            Finding(
                "warn",
                "database",
                f"not migrated: {len(pending)} migration(s) pending ({', '.join(pending)}); "
                "copbot run applies them at start, or run copbot migrate",
            )
        )
    else:
        found.append(Finding("ok", "database", f"migrated ({len(applied)} migrations applied)"))
    return found


async def _applied_migrations(database_url: str) -> set[str]:
    from tortoise.migrations.recorder import MigrationRecorder

    from data.db import close_database, connection, init_database

    await init_database(database_url)
    try:
        await connection().execute_query("SELECT 1")
        rows = await MigrationRecorder(connection()).applied_migrations()
        return {key.name for key in rows if key.app_label == "models"}
    finally:
        await close_database()


def _short(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:300]


# ---- adapters and platforms ------------------------------------------------------------------


def check_adapters(settings: Settings, invalid: Collection[str] = ()) -> list[Finding]:
    found: list[Finding] = []
    base = f"http://{settings.http_host}:{settings.effective_http_port}"
    if settings.slack_enabled:
        mode = "Socket Mode" if settings.slack_socket_mode else f"HTTP, at {base}/slack/events"
        found.append(Finding("ok", "adapters", f"Slack will start ({mode})"))
    if settings.discord_enabled:
        found.append(Finding("ok", "adapters", "Discord will start"))
    if settings.console_enabled:
        found.append(
            Finding("info", "adapters", "no platform configured: the console adapter will start")
        )
    if "HTTP_PORT" in invalid:
        pass  # reported with the settings; where the server listens is not known
    elif settings.http_enabled:
        found.append(Finding("ok", "adapters", f"HTTP server on {base} (/healthz, /metrics)"))
    else:
        found.append(
            Finding("info", "adapters", "no HTTP server: set HTTP_PORT for /healthz and /metrics")
        )
    return found


def platform_checks(platform: str) -> ModuleType | None:
    """The platform's own checks (adapters/<platform>/check.py), imported only when that
    platform is configured; None when this copbot has none."""
    name = f"adapters.{platform}.check"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name in (name, f"adapters.{platform}"):
            return None
        raise


def slack_needs(settings: Settings) -> list[Finding]:
    """What a Slack app needs, without contacting Slack."""
    if not settings.slack_enabled:
        if settings.slack_bot_token or settings.slack_signing_secret or settings.slack_app_token:
            return []  # half-configured: reported with the settings
        return [
            Finding(
                "info",
                "slack",
                "not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
                "(and SLACK_APP_TOKEN for Socket Mode) to turn it on",
            )
        ]
    try:
        from adapters.slack.manifest import BOT_SCOPES

        scopes: tuple[str, ...] = tuple(BOT_SCOPES)
    except ImportError:
        scopes = SLACK_SCOPES
    found = [
        Finding("info", "slack", "bot token scopes: " + ", ".join(scopes)),
        Finding(
            "info", "slack", f"slash command {settings.slack_command}, interactivity turned on"
        ),
    ]
    if settings.slack_socket_mode:
        found.append(
            Finding("info", "slack", "Socket Mode on; the app-level token needs connections:write")
        )
    else:
        found.append(
            Finding(
                "info",
                "slack",
                "Request URL for the slash command, interactivity and events: "
                "https://<your public host>/slack/events (proxied to "
                f"{settings.http_host}:{settings.effective_http_port})",
            )
        )
    return found


def discord_application_id(token: str) -> str | None:
    """A Discord bot token starts with its application's id, base64-encoded."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(head + "=" * (-len(head) % 4), validate=False).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def discord_invite_url(application_id: str) -> str:
    module = platform_checks("discord")
    if module is not None and hasattr(module, "invite_url"):
        return str(module.invite_url(application_id))
    return (
        f"https://discord.com/oauth2/authorize?client_id={application_id}"
        f"&scope=bot+applications.commands&permissions={DISCORD_PERMISSIONS}"
    )


def discord_needs(settings: Settings) -> list[Finding]:
    """What a Discord bot needs, without contacting Discord."""
    if not settings.discord_enabled:
        return [Finding("info", "discord", "not configured: set DISCORD_TOKEN to turn it on")]
    found = [
        Finding(
            "info",
            "discord",
            "gateway intents: Guilds, Guild Messages, Server Members (privileged: turn it "
            "on in the Developer Portal, Bot page) for newcomer greetings; Message Content "
            "(privileged) is optional: with it, links posted in meeting threads are offered "
            "for the repertoire",
        )
    ]
    app_id = discord_application_id(settings.discord_token or "")
    if app_id:
        found.append(Finding("info", "discord", "invite URL: " + discord_invite_url(app_id)))
    return found


SLACK_LEVELS: dict[str, Level] = {"ok": "ok", "info": "info", "warning": "warn", "error": "fail"}
DISCORD_MARKS: dict[str, Level] = {"✓": "ok", "✗": "fail", "-": "info"}


async def verify_slack(settings: Settings) -> list[Finding] | None:
    """Slack's own verdict (auth.test, scopes, the app token); None when unavailable."""
    module = platform_checks("slack")
    if module is None or not hasattr(module, "check_slack"):
        return None
    found = await _guarded("slack", module.check_slack(settings))
    if found is None:
        return [Finding("fail", "slack", f"no answer within {PLATFORM_TIMEOUT:.0f} s")]
    if isinstance(found, Finding):
        return [found]
    return [
        Finding(SLACK_LEVELS.get(f.level, "info"), "slack", f.message.removeprefix("Slack: "))
        for f in found
    ]


async def verify_discord(settings: Settings) -> list[Finding] | None:
    """Discord's own verdict (the token, the members intent, the invite); None when
    unavailable."""
    module = platform_checks("discord")
    if module is None or not hasattr(module, "check_discord"):
        return None
    result = await _guarded("discord", module.check_discord(settings))
    if result is None:
        return [Finding("fail", "discord", f"no answer within {PLATFORM_TIMEOUT:.0f} s")]
    if isinstance(result, Finding):
        return [result]
    found = []
    for line in result.findings:
        mark, _, text = line.strip().partition(" ")
        level = DISCORD_MARKS.get(mark)
        found.append(
            Finding(level, "discord", text) if level else Finding("info", "discord", line.strip())
        )
    if not result.ok and not any(f.level == "fail" for f in found):
        found.append(Finding("fail", "discord", "the Discord check failed"))
    return found


async def _guarded(platform: str, work: Awaitable[Any]) -> Any:
    """The helper's result; None on timeout; a failing Finding if it raised."""
    try:
        async with asyncio.timeout(PLATFORM_TIMEOUT):
            return await work
    except TimeoutError:
        return None
    except Exception as error:
        return Finding("fail", platform, f"verification failed: {_short(error)}")


# ---- putting it together ------------------------------------------------------------------


async def run_checks(
    settings: Settings,
    *,
    offline: bool = False,
    problems: Sequence[tuple[str, str]] = (),
) -> list[Finding]:
    """``problems``: the settings that failed validation (replaced by their defaults in
    ``settings``); each is a failure, and what depends on it is not checked."""
    invalid = {name for name, _ in problems}
    found = [Finding("fail", "settings", f"{name}: {problem}") for name, problem in problems]
    found += check_settings(settings, invalid)
    if "DATABASE_URL" in invalid:
        found.append(Finding("info", "database", "not checked: DATABASE_URL is invalid"))
    else:
        found += await check_database(settings)
    found += check_adapters(settings, invalid)
    # online, a platform's own check says more than the static list (and contacts it)
    verified = await verify_slack(settings) if settings.slack_enabled and not offline else None
    found += verified if verified is not None else slack_needs(settings)
    verified = await verify_discord(settings) if settings.discord_enabled and not offline else None
    found += verified if verified is not None else discord_needs(settings)
    return found


def render(findings: list[Finding]) -> str:
    lines = [f"{MARKS[f.level]} {f.topic}: {f.text}" for f in findings]
    failures = sum(1 for f in findings if f.level == "fail")
    warnings = sum(1 for f in findings if f.level == "warn")
    if failures:
        lines.append(f"NOT READY: {failures} problem(s), {warnings} warning(s)")
    else:
        lines.append(f"ready ({warnings} warning(s))")
    return "\n".join(lines)


def exit_status(findings: list[Finding]) -> int:
    return 1 if any(f.level == "fail" for f in findings) else 0


def main(args: argparse.Namespace, settings: Settings) -> int:
    problems = getattr(args, "settings_problems", [])
    findings = asyncio.run(run_checks(settings, offline=args.offline, problems=problems))
    print(render(findings))
    if exit_status(findings):
        print("copbot check: not ready", file=sys.stderr)
    return exit_status(findings)
