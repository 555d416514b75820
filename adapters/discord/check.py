"""``copbot check`` for Discord: is the token good, is the members intent on (and the
optional message content intent), and the invite URL with exactly the scopes and
permissions copbot uses.

``copbot/commands/check.py`` calls ``check_discord(settings)`` and prints the findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import aiohttp

from bot.kernel.settings import Settings

SCOPES = ("bot", "applications.commands")
# what each permission is for, so an operator can judge the invite
PERMISSIONS = {
    "View Channels": (1 << 10, "see the channels it posts in"),
    "Send Messages": (1 << 11, "post shared resources, welcomes, announcements, reminders"),
    "Embed Links": (1 << 14, "show resources and meetings as embeds"),
    "Read Message History": (1 << 16, "start threads from its own announcements"),
    "Create Public Threads": (1 << 35, "a thread per meeting and per discussion prompt"),
    "Send Messages in Threads": (1 << 38, "agenda and reminders in meeting threads"),
    "Create Events": (1 << 44, "mirror meetings as Scheduled Events (the Events tab)"),
}
INTENT_MEMBERS = (1 << 14) | (1 << 15)  # GATEWAY_GUILD_MEMBERS, or its "limited" form
INTENT_MESSAGE_CONTENT = (1 << 18) | (1 << 19)  # GATEWAY_MESSAGE_CONTENT, or "limited"


def permissions_value() -> int:
    value = 0
    for bit, _ in PERMISSIONS.values():
        value |= bit
    return value


def invite_url(application_id: str) -> str:
    query = urlencode(
        {
            "client_id": application_id,
            "scope": " ".join(SCOPES),
            "permissions": str(permissions_value()),
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"


@dataclass
class DiscordCheck:
    ok: bool = True
    findings: list[str] = field(default_factory=list)
    invite_url: str | None = None

    def problem(self, text: str) -> None:
        self.ok = False
        self.findings.append("✗ " + text)

    def good(self, text: str) -> None:
        self.findings.append("✓ " + text)


async def check_discord(settings: Settings) -> DiscordCheck:
    result = DiscordCheck()
    if not settings.discord_token:
        result.findings.append("- Discord: off (DISCORD_TOKEN is not set)")
        return result
    _check_settings(settings, result)
    base = settings.discord_api_url.rstrip("/")
    headers = {"Authorization": f"Bot {settings.discord_token}"}
    timeout = aiohttp.ClientTimeout(total=15)
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
            async with session.get(f"{base}/users/@me") as reply:
                if reply.status == 401:
                    result.problem(
                        "DISCORD_TOKEN was refused: copy the bot token again "
                        "(Developer Portal > your application > Bot > Reset Token)"
                    )
                    return result
                reply.raise_for_status()
                me = await reply.json(content_type=None)
            result.good(f"token accepted: bot user {me.get('username')} ({me.get('id')})")
            async with session.get(f"{base}/oauth2/applications/@me") as reply:
                reply.raise_for_status()
                application = await reply.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as error:
        result.problem(f"could not reach Discord at {base}: {error}")
        return result
    if int(application.get("flags") or 0) & INTENT_MEMBERS:
        result.good("Server Members Intent is on (newcomers are greeted when they join)")
    else:
        result.problem(
            "turn on the Server Members Intent (Developer Portal > Bot > "
            "Privileged Gateway Intents): copbot greets people who join a server"
        )
    if int(application.get("flags") or 0) & INTENT_MESSAGE_CONTENT:
        result.good(
            "Message Content Intent is on (optional): links members post in a meeting's "
            "thread are offered for the community's repertoire"
        )
    else:
        result.findings.append(
            "- Message Content Intent is off (optional): replies in copbot's threads are "
            "still counted for the weekly digest; turn it on (Developer Portal > Bot > "
            "Privileged Gateway Intents) to have links posted in a meeting's thread offered "
            "for the repertoire"
        )
    result.invite_url = invite_url(str(application["id"]))
    result.findings.append("  invite copbot to a server with: " + result.invite_url)
    result.findings.append("  scopes: " + ", ".join(SCOPES))
    for name, (_, why) in PERMISSIONS.items():
        result.findings.append(f"  permission {name}: {why}")
    return result


def _check_settings(settings: Settings, result: DiscordCheck) -> None:
    for name, text in (
        ("DISCORD_GUILD_IDS", settings.discord_guild_ids),
        ("DISCORD_SHARD_IDS", settings.discord_shard_ids),
    ):
        if text and not all(p.isdigit() for p in text.replace(",", " ").split()):
            result.problem(f"{name} must be numbers separated by commas, not {text!r}")
    if settings.discord_shard_ids and not settings.discord_shard_count:
        result.problem("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total number of shards)")
    count = settings.discord_shard_count
    if count is not None and settings.discord_shard_ids:
        ids = [int(p) for p in settings.discord_shard_ids.replace(",", " ").split() if p.isdigit()]
        if any(i >= count for i in ids):
            result.problem(f"DISCORD_SHARD_IDS must be below DISCORD_SHARD_COUNT ({count})")
    if settings.discord_guild_ids:
        result.good("commands sync instantly to DISCORD_GUILD_IDS (development mode)")
