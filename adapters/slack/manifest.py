"""The Slack app manifest an operator pastes into "Create an app > From a manifest".

Built from the core's registry, so it lists every command Slack lets an app register;
``slack/manifest.yml`` in the repository is this module's output:

    python -m adapters.slack.manifest [--url https://your.host/slack/events] [--socket-mode]
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from adapters.slack.commands import direct_command_names
from bot.kernel.registry import Registry

PLACEHOLDER_URL = "https://copbot.example.org/slack/events"
BOT_SCOPES = (
    "commands",  # slash commands
    "chat:write",  # posts, thread replies, ephemeral replies
    "chat:write.public",  # post in a community's channel without being invited first
    "im:write",  # open direct messages (greetings, reminders)
    "files:write",  # a calendar file, by direct message, when there is no web address
    "users:read",  # names, time zones, locales, admin flags; team_join
    "channels:read",  # member_joined_channel in public channels
    # `community bind` joins the channel (conversations.join): Slack only sends
    # member_joined_channel and thread replies for channels the bot is a member of
    "channels:join",
    "groups:read",  # ...and private ones
    "channels:history",  # replies in meeting/prompt threads; checking a post that timed out
    "groups:history",
    "im:history",
)
BOT_EVENTS = (
    "app_home_opened",
    "member_joined_channel",
    "team_join",
    "message.channels",
    "message.groups",
)


def _description(registry: Registry, word: str) -> str:
    commands = [c for c in registry.commands.values() if c.words[0] == word and not c.hidden]
    exact = next((c for c in commands if c.name == word), None)
    if exact is not None:
        return exact.help_en[:100]
    subs = ", ".join(sorted(c.words[1] for c in commands if len(c.words) > 1))
    return f"{word}: {subs}"[:100]


def _usage(registry: Registry, word: str) -> str:
    exact = registry.commands.get(word)
    if exact is not None:
        return exact.usage.removeprefix(word).strip()[:100]
    subs = sorted(c.words[1] for c in registry.commands.values() if c.group == word)
    return "|".join(subs)[:100]


def build_manifest(
    registry: Registry,
    *,
    app_command: str = "/cop",
    url: str = PLACEHOLDER_URL,
    socket_mode: bool = False,
) -> dict[str, Any]:
    commands: list[dict[str, Any]] = [
        {
            "command": app_command,
            "description": "Communities of Practice: every copbot command",
            "usage_hint": "help | join <community> | share <url> | meetings",
            "should_escape": True,
        }
    ]
    for word in direct_command_names(registry):
        if "/" + word == app_command:
            continue
        entry: dict[str, Any] = {"command": "/" + word, "description": _description(registry, word)}
        if _usage(registry, word):
            entry["usage_hint"] = _usage(registry, word)
        entry["should_escape"] = True
        commands.append(entry)
    if not socket_mode:
        for entry in commands:
            entry["url"] = url
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": socket_mode,
        "token_rotation_enabled": False,
    }
    if not socket_mode:
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
    return {
        "display_information": {
            "name": "copbot",
            "description": "Communities of Practice: join, share, meet and learn together",
            "background_color": "#1f4e5f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": "copbot", "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """The small YAML subset a manifest needs: maps, lists, strings, booleans."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.append(to_yaml(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
    else:
        for item in value:
            if isinstance(item, dict):
                nested = to_yaml(item, indent + 1).splitlines()
                lines.append(f"{pad}- {nested[0].strip()}")
                lines.extend(nested[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    return "\n".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string


def manifest_yaml(registry: Registry, **options: Any) -> str:
    header = (
        "# copbot's Slack app manifest: paste it into https://api.slack.com/apps >\n"
        "# Create New App > From a manifest. Replace the URLs with your server's\n"
        "# https://<host>/slack/events, or regenerate it:\n"
        "#   python -m adapters.slack.manifest --url https://<host>/slack/events\n"
        "# (add --socket-mode for Socket Mode, which needs no public URL).\n"
    )
    return header + to_yaml(build_manifest(registry, **options)) + "\n"


def main(argv: list[str] | None = None) -> None:
    from bot.kernel.discovery import default_registry

    parser = argparse.ArgumentParser(description="print copbot's Slack app manifest")
    parser.add_argument("--url", default=PLACEHOLDER_URL, help="https://<host>/slack/events")
    parser.add_argument("--command", default="/cop", help="the app command (SLACK_COMMAND)")
    parser.add_argument("--socket-mode", action="store_true")
    args = parser.parse_args(argv)
    print(
        manifest_yaml(
            default_registry(), app_command=args.command, url=args.url, socket_mode=args.socket_mode
        ),
        end="",
    )


if __name__ == "__main__":
    main()
