"""``copbot check`` for Slack: are the settings complete, does Slack accept the tokens,
does the installed app have the scopes copbot needs. Each finding is one line for the
operator; nothing here changes anything."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.adapter import EVENTS_PATH, api_base_url
from adapters.slack.manifest import BOT_SCOPES
from bot.kernel.settings import Settings

Level = Literal["ok", "info", "warning", "error"]
_SECRET = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Finding:
    level: Level
    message: str


async def check_slack(settings: Settings, *, wait: float = 10.0) -> list[Finding]:
    findings: list[Finding] = []
    bot, secret, app = (
        settings.slack_bot_token,
        settings.slack_signing_secret,
        settings.slack_app_token,
    )
    if not (bot or secret or app):
        return [
            Finding(
                "info",
                "Slack: off. To connect a workspace set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
                "(the app is created from slack/manifest.yml).",
            )
        ]
    if not bot:
        findings.append(Finding("error", "Slack: SLACK_BOT_TOKEN is missing (xoxb-…)."))
    elif not bot.startswith("xoxb-"):
        findings.append(
            Finding(
                "warning", "Slack: SLACK_BOT_TOKEN should be the Bot User OAuth Token (xoxb-…)."
            )
        )
    if not secret:
        findings.append(
            Finding(
                "error",
                "Slack: SLACK_SIGNING_SECRET is missing (Basic Information > App Credentials).",
            )
        )
    elif not _SECRET.match(secret):
        findings.append(
            Finding(
                "warning",
                "Slack: SLACK_SIGNING_SECRET does not look like a signing secret (32 hex digits).",
            )
        )
    if app and not app.startswith("xapp-"):
        findings.append(
            Finding(
                "error",
                "Slack: SLACK_APP_TOKEN must be an app-level token (xapp-…) "
                "with connections:write.",
            )
        )
    if not bot:
        return findings

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=wait)) as session:
        client = AsyncWebClient(
            token=bot,
            base_url=api_base_url(settings.slack_api_url),
            session=session,
            retry_handlers=[],
        )
        try:
            auth = await client.auth_test()
        except SlackApiError as error:
            code = error.response.get("error") if isinstance(error.response.data, dict) else None
            findings.append(
                Finding(
                    "error",
                    f"Slack: the bot token was refused ({code or error.response.status_code}).",
                )
            )
            return findings
        except (aiohttp.ClientError, TimeoutError) as error:
            findings.append(
                Finding(
                    "error",
                    f"Slack: cannot reach {settings.slack_api_url} ({type(error).__name__}).",
                )
            )
            return findings
        findings.append(
            Finding(
                "ok", f"Slack: connected to workspace {auth.get('team')} as @{auth.get('user')}."
            )
        )
        granted = {
            s.strip() for s in str(auth.headers.get("x-oauth-scopes", "")).split(",") if s.strip()
        }
        missing = [scope for scope in BOT_SCOPES if scope not in granted]
        if granted and missing:
            findings.append(
                Finding(
                    "warning",
                    "Slack: the app lacks the scopes "
                    + ", ".join(missing)
                    + ": update it from slack/manifest.yml and reinstall it.",
                )
            )
        if app and app.startswith("xapp-"):
            try:
                await client.apps_connections_open(app_token=app)
                findings.append(Finding("ok", "Slack: Socket Mode app token accepted."))
            except SlackApiError as error:
                code = (
                    error.response.get("error") if isinstance(error.response.data, dict) else None
                )
                findings.append(
                    Finding(
                        "error",
                        f"Slack: the app token was refused ({code}); it needs connections:write "
                        "and Socket Mode turned on.",
                    )
                )
    if not app:
        findings.append(
            Finding(
                "info",
                f"Slack HTTP mode: Slack must reach https://<your host>{EVENTS_PATH} (commands, "
                f"interactivity and events); copbot listens on "
                f"{settings.http_host}:{settings.effective_http_port}.",
            )
        )
    return findings
