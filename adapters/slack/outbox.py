"""How the core and the scheduler post to Slack: channel posts (and thread replies),
direct messages, ephemeral messages.

Exactly once, as far as Slack lets us: every post carries an invisible metadata key.
When a post times out after it was sent, we look for that key in the channel (or thread)
before trying again, so a slow Slack does not make a reminder arrive twice. A scheduled
post's key comes from its ledger row (``SendKey``), so when a process dies with the post
in flight, the one that claims it again looks for that key before posting it.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from adapters.slack.api import AmbiguousResult, SlackApi, SlackCallError, SlackUnavailable
from adapters.slack.render import message_payloads
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import Message
from bot.kernel.outbox import SendKey, refuse_inside_transaction

log = logging.getLogger(__name__)

METADATA_EVENT = "copbot_post"
# errors that mean "this person cannot get a direct message from the bot"
DM_BLOCKED = frozenset(
    {
        "cannot_dm_bot",
        "user_not_found",
        "not_allowed_token_type",
        "messages_tab_disabled",
        "user_disabled",
        "user_not_visible",
    }
)
# how far back (seconds) to look for a post whose answer got lost
LOOKBACK = 120.0
MAX_LOOKUPS = 3
# how far back (seconds) a post claimed again looks for its key before posting: past the
# engine's longest retry back-off; and how many recent messages it reads there
AGAIN_LOOKBACK = 3 * 3600.0
AGAIN_LIMIT = 200


class SlackOutbox:
    platform = "slack"

    def __init__(self, api: SlackApi) -> None:
        self.api = api
        self._dm_channels: dict[tuple[str, str], str] = {}

    async def post(
        self,
        workspace_id: str,
        channel_id: str,
        message: Message,
        *,
        thread: str | None = None,
        key: SendKey | None = None,
    ) -> str | None:
        """Post to a channel or, with ``thread`` (a message ts), in its thread. Returns the
        posted message's ts, usable as ``thread`` later. A message too long for one Slack
        message goes out as several, in order; the first one's ts is returned."""
        return await self.post_payloads(
            workspace_id, channel_id, message_payloads(message), thread, key=key
        )

    async def post_payloads(
        self,
        workspace_id: str,
        channel_id: str,
        payloads: list[dict[str, Any]],
        thread: str | None = None,
        *,
        key: SendKey | None = None,
    ) -> str | None:
        refuse_inside_transaction("a Slack post")
        first: str | None = None
        for index, payload in enumerate(payloads):
            part = key.part(f".{index}") if key is not None and index else key
            ts = await self._post_once(workspace_id, channel_id, payload, thread, part)
            if index == 0:
                first = ts
        return first

    async def direct(
        self, workspace_id: str, user_id: str, message: Message, *, key: SendKey | None = None
    ) -> str | None:
        return await self.direct_payloads(workspace_id, user_id, message_payloads(message), key=key)

    async def direct_payloads(
        self,
        workspace_id: str,
        user_id: str,
        payloads: list[dict[str, Any]],
        *,
        key: SendKey | None = None,
    ) -> str | None:
        refuse_inside_transaction("a Slack direct message")
        channel = await self.dm_channel(workspace_id, user_id)
        try:
            return await self.post_payloads(workspace_id, channel, payloads, key=key)
        except SlackCallError as error:
            if error.code in DM_BLOCKED or error.code == "channel_not_found":
                self._dm_channels.pop((workspace_id, user_id), None)
                raise DirectMessagesBlocked(user_id) from error
            raise

    async def join_channel(self, workspace_id: str, channel_id: str) -> bool:
        """Make the bot a member of a public channel (conversations.join), so Slack sends
        its member_joined_channel events and thread replies. False where Slack refuses
        (a private channel: a member has to /invite the bot there)."""
        try:
            await self.api.call("conversations.join", workspace_id, channel=channel_id)
        except SlackCallError as error:
            log.warning("could not join channel %s: %s", channel_id, error.code)
            return False
        return True

    async def ephemeral(
        self, workspace_id: str, channel_id: str, user_id: str, message: Message
    ) -> None:
        """Visible only to ``user_id`` in ``channel_id`` (chat.postEphemeral)."""
        await self.ephemeral_payloads(workspace_id, channel_id, user_id, message_payloads(message))

    async def ephemeral_payloads(
        self, workspace_id: str, channel_id: str, user_id: str, payloads: list[dict[str, Any]]
    ) -> None:
        refuse_inside_transaction("a Slack ephemeral message")
        for payload in payloads:
            await self.api.call(
                "chat.postEphemeral", workspace_id, channel=channel_id, user=user_id, **payload
            )

    async def dm_channel(self, workspace_id: str, user_id: str) -> str:
        """The bot's direct-message channel with a member (conversations.open, cached)."""
        key = (workspace_id, user_id)
        cached = self._dm_channels.get(key)
        if cached:
            return cached
        try:
            data = await self.api.call("conversations.open", workspace_id, users=user_id)
        except SlackCallError as error:
            if error.code in DM_BLOCKED:
                raise DirectMessagesBlocked(user_id) from error
            raise
        channel = str((data.get("channel") or {}).get("id") or "")
        if not channel:
            raise SlackUnavailable("conversations.open returned no channel")
        self._dm_channels[key] = channel
        return channel

    async def _post_once(
        self,
        workspace_id: str,
        channel: str,
        payload: dict[str, Any],
        thread: str | None,
        once: SendKey | None = None,
    ) -> str | None:
        key = once.key if once is not None else uuid.uuid4().hex
        if once is not None and once.again:
            # claimed again after a process stopped: it may have posted this already
            since = time.time() - AGAIN_LOOKBACK
            found = await self._find_posted(
                workspace_id, channel, thread, key, since, limit=AGAIN_LIMIT
            )
            if found is not None:
                log.info("post %s was already in %s: not posting it again", key, channel)
                return found
        args: dict[str, Any] = {
            "channel": channel,
            **payload,
            "unfurl_links": False,
            "unfurl_media": False,
            "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": key}},
        }
        if thread:
            args["thread_ts"] = thread
        # a lower bound for the ts Slack gives our message, allowing for clock skew
        sent_after = time.time() - LOOKBACK
        for _ in range(MAX_LOOKUPS + 1):
            try:
                data = await self.api.call(
                    "chat.postMessage", workspace_id, ambiguous_ok=False, **args
                )
                return str(data.get("ts") or "") or None
            except AmbiguousResult:
                log.info("post to %s timed out: checking whether it arrived", channel)
                found = await self._find_posted(workspace_id, channel, thread, key, sent_after)
                if found is not None:
                    return found
        raise SlackUnavailable(f"post to {channel} timed out {MAX_LOOKUPS + 1} times")

    async def _find_posted(
        self,
        workspace_id: str,
        channel: str,
        thread: str | None,
        key: str,
        sent_after: float,
        *,
        limit: int = 100,
    ) -> str | None:
        """The ts of our message carrying ``key`` if Slack has it, else None."""
        method = "conversations.replies" if thread else "conversations.history"
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": f"{sent_after:.6f}",
            "limit": limit,
            "include_all_metadata": True,
        }
        if thread:
            args["ts"] = thread
        data = await self.api.call(method, workspace_id, **args)
        for item in data.get("messages") or []:
            metadata = item.get("metadata") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT
                and (metadata.get("event_payload") or {}).get("key") == key
            ):
                return str(item.get("ts"))
        return None
