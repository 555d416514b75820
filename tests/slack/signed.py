"""Requests as Slack sends them to ``/slack/events``: form-encoded slash commands,
``payload=`` interactivity, JSON events, each signed with the signing secret
(``v0=HMAC-SHA256(secret, "v0:<timestamp>:<body>")``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SlackRequest:
    body: bytes
    content_type: str

    def headers(
        self, secret: str, *, timestamp: int | None = None, retry: int | None = None
    ) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        base = b"v0:" + stamp.encode() + b":" + self.body
        digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": self.content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": "v0=" + digest,
        }
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return headers


def slash_command_fields(
    command: str,
    text: str,
    *,
    user_id: str,
    user_name: str,
    response_url: str,
    channel_id: str = "C1",
    team_id: str = "T1",
) -> dict[str, str]:
    # Slack escapes these three in what the member typed
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "team_domain": "testteam",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": escaped,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "trigger." + uuid.uuid4().hex,
    }


def slash_command(command: str, text: str, **fields: Any) -> SlackRequest:
    body = urlencode(slash_command_fields(command, text, **fields)).encode()
    return SlackRequest(body, FORM)


def block_action(
    *,
    user_id: str,
    action_id: str,
    value: str,
    response_url: str | None,
    channel_id: str | None = "C1",
    team_id: str = "T1",
    container: str = "message",
    selected: bool = False,
) -> SlackRequest:
    element: dict[str, Any] = {
        "type": "static_select" if selected else "button",
        "action_id": action_id,
        "block_id": "b1",
        "action_ts": f"{time.time():.6f}",
    }
    if selected:
        element["selected_option"] = {"text": {"type": "plain_text", "text": value}, "value": value}
    else:
        element["value"] = value
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "testteam"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": "A1",
        "trigger_id": "trigger." + uuid.uuid4().hex,
        "container": {"type": container},
        "actions": [element],
    }
    if container == "view":
        payload["container"]["view_id"] = "VHOME"
        payload["view"] = {"id": "VHOME", "type": "home"}
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": "general"}
        payload["container"].update({"channel_id": channel_id, "message_ts": "1.000001"})
    if response_url is not None:
        payload["response_url"] = response_url
    return interactivity(payload)


def view_submission(
    *, user_id: str, view: dict[str, Any], values: dict[str, str], team_id: str = "T1"
) -> SlackRequest:
    """The submission of ``view`` (as we opened it) with ``values`` typed into its fields."""
    state: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        typed = values.get(block["block_id"])
        if element["type"] == "static_select":
            option = next((o for o in element["options"] if o["value"] == typed), None)
            state[block["block_id"]] = {
                "value": {"type": "static_select", "selected_option": option}
            }
        else:
            state[block["block_id"]] = {"value": {"type": "plain_text_input", "value": typed}}
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "testteam"},
        "user": {"id": user_id, "username": user_id.lower(), "team_id": team_id},
        "api_app_id": "A1",
        "trigger_id": "trigger." + uuid.uuid4().hex,
        "view": {**view, "id": "VMODAL", "team_id": team_id, "state": {"values": state}},
    }
    return interactivity(payload)


def interactivity(payload: dict[str, Any]) -> SlackRequest:
    return SlackRequest(urlencode({"payload": json.dumps(payload)}).encode(), FORM)


def event(
    event: dict[str, Any], *, event_id: str | None = None, team_id: str = "T1"
) -> SlackRequest:
    body = {
        "token": "deprecated-verification-token",
        "team_id": team_id,
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
        "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
    }
    return SlackRequest(json.dumps(body).encode(), "application/json")
