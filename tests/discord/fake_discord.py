"""A fake Discord on 127.0.0.1 (port 0) that speaks the wire protocols discord.py uses.

REST under ``/api/v10`` and the gateway websocket at ``/gateway``: HELLO, IDENTIFY, READY
(with ``resume_gateway_url``), GUILD_CREATE, heartbeats and their ACKs, RESUME with replay
of what was missed, INTERACTION_CREATE and GUILD_MEMBER_ADD dispatches. REST covers what
copbot calls: login, the gateway URL, application command bulk overwrite (global and per
guild), interaction callbacks and webhooks (follow-ups), channel messages (with nonce
de-duplication), DM channel creation, threads and guild scheduled events.

Faults a test can inject: a global rate limit (429 with ``retry_after``), members whose DMs
are closed (403, code 50007), server errors on chosen routes, and dropping the websocket.
Every request is recorded; every message-creating request is checked for an
``allowed_mentions`` that cannot ping @everyone, @here or a role (``mention_violations``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

API_PREFIX = "/api/v10"
MANAGE_GUILD = 1 << 5
MANAGE_EVENTS = 1 << 33
ADMINISTRATOR = 1 << 3
# application flags (Developer Portal toggles) and the privileged intents they allow
FLAG_MEMBERS = 1 << 15  # GATEWAY_GUILD_MEMBERS_LIMITED
FLAG_MESSAGE_CONTENT = 1 << 19  # GATEWAY_MESSAGE_CONTENT_LIMITED
INTENT_MEMBERS, INTENT_PRESENCES, INTENT_MESSAGE_CONTENT = 1 << 1, 1 << 8, 1 << 15
PRIVILEGED = {
    INTENT_MEMBERS: (1 << 14) | (1 << 15),
    INTENT_PRESENCES: (1 << 12) | (1 << 13),
    INTENT_MESSAGE_CONTENT: (1 << 18) | (1 << 19),
}
BASIC_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 35) | (1 << 38)

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_ids))


@dataclass
class FakeUser:
    id: str
    name: str
    permissions: int = BASIC_PERMISSIONS
    locale: str = "en-US"
    bot: bool = False

    def user_object(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name.lower(),
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }

    def member_object(self) -> dict[str, Any]:
        return {
            "user": self.user_object(),
            "nick": None,
            "roles": [],
            "joined_at": "2027-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(self.permissions),
        }


@dataclass
class FakeGuild:
    id: str
    name: str
    channel_ids: list[str]
    bot_permissions: int = BASIC_PERMISSIONS | MANAGE_EVENTS


@dataclass
class Recorded:
    method: str
    path: str  # without the API prefix, e.g. /channels/123/messages
    query: dict[str, str]
    body: Any
    status: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # attachments, by file name


@dataclass
class Response:
    """What the bot answered to one interaction: the callback, then any follow-ups."""

    interaction_id: str
    type: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    deleted_original: bool = False
    callbacks: int = 0

    @property
    def final(self) -> dict[str, Any]:
        """The message the member ends up seeing (the deferred answer, if deferred)."""
        if self.type == 5:
            return self.followups[-1] if self.followups else (self.edits or [{}])[-1]
        return self.data

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.final.get("flags", 0) or 0) & 64) or (
            self.type == 5
            and bool(int(self.data.get("flags", 0) or 0) & 64)
            and not self.deleted_original
        )

    @property
    def text(self) -> str:
        return message_text(self.final)


def message_text(body: dict[str, Any]) -> str:
    """The visible text of a message body: content, embeds and component labels."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for fld in embed.get("fields") or []:
            parts += [fld.get("name", ""), fld.get("value", "")]
        parts.append((embed.get("footer") or {}).get("text", ""))
    for row in body.get("components") or []:
        for comp in row.get("components") or []:
            parts.append(comp.get("label") or comp.get("placeholder") or "")
    return "\n".join(p for p in parts if p)


def modal_problems(data: dict[str, Any]) -> list[str]:
    """What Discord would refuse in a modal: a pre-filled text input longer than its
    ``max_length`` (or than 4000), a label over 45 characters."""
    problems: list[str] = []

    def visit(component: dict[str, Any]) -> None:
        if component.get("type") == 4:
            value = str(component.get("value") or "")
            limit = min(int(component.get("max_length") or 4000), 4000)
            if len(value) > limit:
                problems.append(f"{component.get('custom_id')}: {len(value)} > {limit}")
        if component.get("type") == 18 and len(str(component.get("label") or "")) > 45:
            problems.append(f"label too long: {component.get('label')}")
        for child in component.get("components", []) or []:
            visit(child)
        if isinstance(component.get("component"), dict):
            visit(component["component"])

    for component in data.get("components", []) or []:
        visit(component)
    return problems


def custom_ids(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, custom_id) of every component in a message body."""
    found = []
    for row in body.get("components") or []:
        for comp in row.get("components") or []:
            if comp.get("custom_id"):
                found.append(
                    (comp.get("label") or comp.get("placeholder") or "", comp["custom_id"])
                )
    return found


@dataclass
class Session:
    session_id: str
    shard: tuple[int, int]
    intents: int
    sequence: int = 0
    # every dispatch with its sequence number, kept for RESUME replay
    sent: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None


class FakeDiscord:
    def __init__(
        self,
        guilds: list[FakeGuild],
        *,
        app_id: str = "1200000000000000001",
        bot: FakeUser | None = None,
        token: str = "test-token",
        heartbeat_ms: int = 41250,
    ) -> None:
        self.guilds = {g.id: g for g in guilds}
        self.rejected_modals: list[list[str]] = []  # modals Discord would have refused
        self.app_id = app_id
        self.bot = bot or FakeUser("1200000000000000002", "copbot", bot=True)
        self.token = token
        self.heartbeat_ms = heartbeat_ms
        self.requests: list[Recorded] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel id -> message objects
        self.dm_channels: dict[str, str] = {}  # user id -> DM channel id
        self.dm_owner: dict[str, str] = {}  # DM channel id -> user id
        # who is in which server: whoever used it or joined it (GET /guilds/…/members/…)
        self.users: dict[str, FakeUser] = {}
        self.guild_members: dict[str, set[str]] = {g.id: set() for g in guilds}
        self.threads: dict[str, str] = {}  # thread id (= starter message id) -> name
        self.thread_parents: dict[str, str] = {}  # thread id -> its channel
        self.app_flags = FLAG_MEMBERS  # the Developer Portal's intent toggles
        self.disallowed_intents: list[int] = []  # privileged intents asked without the flag
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.scheduled_events: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, Response] = {}
        self.mention_violations: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.blocked_dm_users: set[str] = set()
        # (method, path regex) -> list of statuses to answer before handling normally
        self.failures: list[tuple[str, re.Pattern[str], int, bool]] = []
        self.rate_limit: float | None = None  # global requests/second, None = unlimited
        self.rate_burst: float = 1.0
        self._tokens = 0.0
        self._tokens_at = 0.0
        self.rate_limited = 0  # 429s answered
        self.sessions: dict[str, Session] = {}
        # replay this many events the client already had on RESUME (an acknowledgement
        # that raced the disconnect): the bot must not act on them twice
        self.replay_overlap = 0
        # cleared: new gateway connections wait (the network is still down)
        self.gateway_open = asyncio.Event()
        self.gateway_open.set()
        self._nonces: dict[tuple[str, str], dict[str, Any]] = {}
        # seconds a message takes to be answered, after it was stored (a slow Discord: a
        # process killed meanwhile has messages Discord took but never confirmed)
        self.message_latency = 0.0
        self._answered: dict[str, asyncio.Event] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -----------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---- fault injection -----------------------------------------------------------

    def fail(
        self, method: str, path_regex: str, status: int, *, after_effect: bool = False
    ) -> None:
        """Answer the next matching request with ``status``. ``after_effect``: do the work
        first (the message is stored) and still answer the error, as a flaky proxy might."""
        self.failures.append((method, re.compile(path_regex), status, after_effect))

    def enforce_rate_limit(self, per_second: float, burst: float = 1.0) -> None:
        """A global token bucket like Discord's global limit: ``burst`` requests at once,
        refilled at ``per_second``; over it, 429 with ``retry_after`` and ``global``."""
        self.rate_limit = per_second
        self.rate_burst = burst
        self._tokens = burst
        self._tokens_at = time.monotonic()

    async def drop_websocket(self, code: int = 4000) -> None:
        """Close every live gateway connection, as a network blip would."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                ws, session.ws = session.ws, None
                await ws.close(code=code)

    # ---- gateway -------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        await self.gateway_open.wait()
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}}))
        session: Session | None = None
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                session = await self._identify(ws, data)
            elif op == 6:
                session = await self._resume(ws, data)
        if session is not None and session.ws is ws:
            session.ws = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        assert data["token"] == self.token, "IDENTIFY with the wrong token"
        self.identifies.append(data)
        for intent, flags in PRIVILEGED.items():
            if int(data["intents"]) & intent and not self.app_flags & flags:
                self.disallowed_intents.append(intent)
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return None
        shard = tuple(data.get("shard") or (0, 1))
        session = Session(snowflake(), (int(shard[0]), int(shard[1])), int(data["intents"]))
        session.ws = ws
        self.sessions[session.session_id] = session
        mine = [g for g in self.guilds.values() if self.shard_of(g.id) == session.shard]
        await self._send(
            session,
            "READY",
            {
                "v": 10,
                "user": self.bot.user_object(),
                "guilds": [{"id": g.id, "unavailable": True} for g in mine],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "shard": list(session.shard),
                "application": {"id": self.app_id, "flags": 0},
            },
        )
        for guild in mine:
            await self._send(session, "GUILD_CREATE", self.guild_object(guild))
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        self.resumes.append(data)
        session = self.sessions.get(data["session_id"])
        if session is None or data["token"] != self.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return None
        session.ws = ws
        since = int(data.get("seq") or 0) - self.replay_overlap
        for seq, payload in session.sent:
            if seq > since:
                await ws.send_str(json.dumps(payload))
        await self._send(session, "RESUMED", {})
        return session

    def shard_of(self, guild_id: str) -> tuple[int, int]:
        count = next(iter(self.sessions.values())).shard[1] if self.sessions else 1
        return ((int(guild_id) >> 22) % count, count)

    def session_for(self, guild_id: str) -> Session:
        shard = self.shard_of(guild_id)
        candidates = [s for s in self.sessions.values() if s.shard == shard]
        if not candidates:
            raise AssertionError(f"no gateway session for guild {guild_id}")
        return candidates[-1]

    async def _send(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.sequence += 1
        payload = {"op": 0, "t": event, "s": session.sequence, "d": data}
        session.sent.append((session.sequence, payload))
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_str(json.dumps(payload))

    async def dispatch(self, guild_id: str, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to the session holding this guild's shard. While that
        session is disconnected it is only kept, and replayed on RESUME."""
        await self._send(self.session_for(guild_id), event, data)

    def guild_object(self, guild: FakeGuild) -> dict[str, Any]:
        bot_member = self.bot.member_object()
        return {
            "id": guild.id,
            "name": guild.name,
            "unavailable": False,
            "owner_id": "1",
            "member_count": 2,
            "large": False,
            "features": [],
            "roles": [
                {
                    "id": guild.id,
                    "name": "@everyone",
                    "permissions": str(guild.bot_permissions),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "channels": [
                {
                    "id": cid,
                    "type": 0,
                    "guild_id": guild.id,
                    "name": f"channel-{n}",
                    "position": n,
                    "permission_overwrites": [],
                    "nsfw": False,
                    "parent_id": None,
                }
                for n, cid in enumerate(guild.channel_ids)
            ],
            "members": [bot_member],
            "threads": [],
            "voice_states": [],
            "presences": [],
            "emojis": [],
            "stickers": [],
            "joined_at": "2027-01-01T00:00:00+00:00",
            "preferred_locale": "en-US",
        }

    # ---- interactions --------------------------------------------------------------

    def interaction(
        self,
        guild_id: str,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        *,
        channel_id: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        guild = self.guilds[guild_id]
        self.add_member(guild_id, user)
        channel = channel_id or guild.channel_ids[0]
        payload: dict[str, Any] = {
            "id": snowflake(),
            "application_id": self.app_id,
            "type": kind,
            "data": data,
            "guild_id": guild_id,
            "guild": {"id": guild_id, "locale": "en-US", "features": []},
            "channel_id": channel,
            "channel": {
                "id": channel,
                "type": 0,
                "guild_id": guild_id,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": user.member_object(),
            "token": "itoken-" + snowflake(),
            "version": 1,
            "locale": user.locale,
            "guild_locale": "en-US",
            "app_permissions": str(guild.bot_permissions),
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if channel in self.thread_parents:  # a thread: Discord sends it as one
            payload["channel"] = dict(self._thread_object(channel), permissions="0")
        if message is not None:
            payload["message"] = message
        return payload

    def add_member(self, guild_id: str, user: FakeUser) -> None:
        self.users[user.id] = user
        self.guild_members.setdefault(guild_id, set()).add(user.id)

    def dm_interaction(
        self,
        user: FakeUser,
        kind: int,
        data: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An interaction in the bot's direct messages with ``user``: no guild, no member
        (``user`` instead), the DM channel, and the bot-DM context."""
        channel = self.dm_channels.get(user.id) or snowflake()
        self.users.setdefault(user.id, user)
        payload: dict[str, Any] = {
            "id": snowflake(),
            "application_id": self.app_id,
            "type": kind,
            "data": data,
            "channel_id": channel,
            "channel": {
                "id": channel,
                "type": 1,
                "recipients": [user.user_object()],
                "last_message_id": None,
            },
            "user": user.user_object(),
            "token": "itoken-" + snowflake(),
            "version": 1,
            "locale": user.locale,
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = self._as_message(message, channel)
        return payload

    async def press_dm(
        self,
        user: FakeUser,
        message: dict[str, Any],
        custom_id: str,
        *,
        values: list[str] | None = None,
    ) -> Response:
        """Click a button of a direct message the bot sent ``user``."""
        data: dict[str, Any] = {
            "custom_id": custom_id,
            "component_type": 3 if values is not None else 2,
        }
        if values is not None:
            data["values"] = values
        return await self.send_interaction(self.dm_interaction(user, 3, data, message=message))

    async def submit_modal_dm(
        self, user: FakeUser, custom_id: str, values: dict[str, str]
    ) -> Response:
        """Submit a modal that was opened from a direct message."""
        data = {"custom_id": custom_id, "components": _modal_components(values)}
        return await self.send_interaction(self.dm_interaction(user, 5, data))

    async def send_interaction(
        self, payload: dict[str, Any], *, wait: bool = True, session: Session | None = None
    ) -> Response:
        """Dispatch INTERACTION_CREATE and wait for the bot's complete answer (one from a
        direct message goes to shard 0, as Discord sends DMs). ``session``: to that gateway
        session rather than the guild's newest (two bots of one process on one fake, as
        discord.py points every client of a process at one API)."""
        iid = payload["id"]
        self.responses[iid] = Response(iid)
        self._answered[iid] = asyncio.Event()
        if session is not None:
            await self._send(session, "INTERACTION_CREATE", payload)
        elif "guild_id" in payload:
            await self.dispatch(payload["guild_id"], "INTERACTION_CREATE", payload)
        else:
            shard = (0, self.shard_of("0")[1])
            session = [s for s in self.sessions.values() if s.shard == shard][-1]
            await self._send(session, "INTERACTION_CREATE", payload)
        if wait:
            await self.wait_answered(iid)
        return self.responses[iid]

    async def wait_answered(self, interaction_id: str) -> Response:
        await asyncio.wait_for(self._answered[interaction_id].wait(), 10.0)
        return self.responses[interaction_id]

    async def command(
        self,
        guild_id: str,
        user: FakeUser,
        path: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: str | None = None,
        wait: bool = True,
    ) -> Response:
        """A slash command, by path ("community create") and option values. Option types
        come from the registered schema, as Discord would send them."""
        words = path.split()
        schema = self._find_command(guild_id, words[0])
        opts = self._options(schema, words[1:], options or {})
        data = {"id": schema.get("id", "1"), "name": words[0], "type": 1, "options": opts}
        payload = self.interaction(guild_id, user, 2, data, channel_id=channel_id)
        return await self.send_interaction(payload, wait=wait)

    async def autocomplete(
        self,
        guild_id: str,
        user: FakeUser,
        path: str,
        option: str,
        typed: str,
        others: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        words = path.split()
        schema = self._find_command(guild_id, words[0])
        values = dict(others or {})
        values[option] = typed
        opts = self._options(schema, words[1:], values, focused=option)
        data = {"id": schema.get("id", "1"), "name": words[0], "type": 1, "options": opts}
        payload = self.interaction(guild_id, user, 4, data)
        response = await self.send_interaction(payload)
        assert response.type == 8, response
        return list(response.data.get("choices", []))

    async def press(
        self,
        guild_id: str,
        user: FakeUser,
        message: dict[str, Any],
        custom_id: str,
        *,
        values: list[str] | None = None,
        channel_id: str | None = None,
    ) -> Response:
        """Click a button (or pick in a select) of a message the bot sent."""
        component_type = 3 if values is not None else 2
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        full = self._as_message(message, channel_id)
        payload = self.interaction(
            guild_id, user, 3, data, channel_id=channel_id or full["channel_id"], message=full
        )
        return await self.send_interaction(payload)

    async def submit_modal(
        self,
        guild_id: str,
        user: FakeUser,
        custom_id: str,
        values: dict[str, str],
        *,
        channel_id: str | None = None,
    ) -> Response:
        data = {"custom_id": custom_id, "components": _modal_components(values)}
        payload = self.interaction(guild_id, user, 5, data, channel_id=channel_id)
        return await self.send_interaction(payload)

    async def thread_message(
        self, guild_id: str, thread_id: str, user: FakeUser, content: str
    ) -> dict[str, Any]:
        """A member posts in a thread: MESSAGE_CREATE, with no content unless the session
        has the Message Content intent (as Discord does for other people's messages)."""
        session = self.session_for(guild_id)
        readable = session.intents & INTENT_MESSAGE_CONTENT or f"<@{self.bot.id}>" in content
        member = user.member_object()
        member.pop("user")
        member.pop("permissions")
        message = self.message_object(thread_id, {"content": content if readable else ""})
        message.update(author=user.user_object(), member=member, guild_id=guild_id)
        message.pop("allowed_mentions")
        self.messages.setdefault(thread_id, []).append(message)
        await self.dispatch(guild_id, "MESSAGE_CREATE", message)
        return message

    async def announce_thread(self, guild_id: str, thread_id: str) -> None:
        """THREAD_CREATE, as Discord sends it to bots that can see the new thread."""
        await self.dispatch(guild_id, "THREAD_CREATE", self._thread_object(thread_id))

    async def member_joins(self, guild_id: str, user: FakeUser) -> None:
        self.add_member(guild_id, user)
        member = user.member_object()
        member.pop("permissions")
        member["guild_id"] = guild_id
        await self.dispatch(guild_id, "GUILD_MEMBER_ADD", member)

    def _find_command(self, guild_id: str, name: str) -> dict[str, Any]:
        for schema in self.guild_commands.get(guild_id, []) + self.global_commands:
            if schema["name"] == name:
                return schema
        raise AssertionError(f"/{name} was not registered")

    def _options(
        self,
        schema: dict[str, Any],
        subpath: list[str],
        values: dict[str, Any],
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        if subpath:
            sub = next((o for o in schema.get("options", []) if o["name"] == subpath[0]), None)
            assert sub is not None and sub["type"] in (1, 2), f"no sub-command {subpath[0]}"
            return [
                {
                    "name": sub["name"],
                    "type": sub["type"],
                    "options": self._options(sub, subpath[1:], values, focused),
                }
            ]
        declared = {o["name"]: o for o in schema.get("options", [])}
        out = []
        for name, value in values.items():
            option = declared.get(name)
            assert option is not None, f"option {name} not in /{schema['name']}"
            entry: dict[str, Any] = {"name": name, "type": option["type"], "value": value}
            if name == focused:
                entry["focused"] = True
            out.append(entry)
        return out

    def _as_message(self, message: dict[str, Any], channel_id: str | None) -> dict[str, Any]:
        full = dict(message)
        full.setdefault("id", snowflake())
        full.setdefault("channel_id", channel_id or next(iter(self.guilds.values())).channel_ids[0])
        return self.message_object(full["channel_id"], full, message_id=full["id"])

    # ---- REST ----------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            # messages with attachments: the JSON is the payload_json part, files beside it
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.read())
                else:
                    files[part.filename or str(part.name)] = bytes(await part.read())
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        record = Recorded(request.method, path, dict(request.query), body, files=files)
        self.requests.append(record)
        response = await self._answer(request, record)
        record.status = response.status
        if self.message_latency and request.method == "POST" and path.endswith("/messages"):
            await asyncio.sleep(self.message_latency)
        return response

    async def _answer(self, request: web.Request, record: Recorded) -> web.StreamResponse:
        if request.headers.get("Authorization") != f"Bot {self.token}" and not path_is_webhook(
            record.path
        ):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        limited = self._over_rate_limit()
        if limited is not None:
            self.rate_limited += 1
            return _json(
                {"message": "You are being rate limited.", "retry_after": limited, "global": True},
                429,
                {
                    "Retry-After": str(max(1, round(limited))),
                    "X-RateLimit-Global": "true",
                    "X-RateLimit-Scope": "global",
                },
            )
        after_effect_status = 0
        for index, (method, pattern, status, after_effect) in enumerate(self.failures):
            if method == record.method and pattern.search(record.path):
                del self.failures[index]
                if not after_effect:
                    return _json({"message": "injected failure", "code": 0}, status)
                after_effect_status = status
                break
        response = self._route(record)
        if after_effect_status:
            return _json({"message": "injected failure", "code": 0}, after_effect_status)
        return response

    def _over_rate_limit(self) -> float | None:
        if self.rate_limit is None:
            return None
        now = time.monotonic()
        self._tokens = min(
            self.rate_burst, self._tokens + (now - self._tokens_at) * self.rate_limit
        )
        self._tokens_at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self.rate_limit

    def _route(self, record: Recorded) -> web.Response:
        for method, pattern, handler in self._routes():
            match = re.fullmatch(pattern, record.path)
            if method == record.method and match:
                return handler(record, *match.groups())
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _routes(self) -> list[tuple[str, str, Callable[..., web.Response]]]:
        return [
            ("GET", r"/users/@me", lambda r: _json(self.bot.user_object())),
            ("GET", r"/gateway", lambda r: _json({"url": self.gateway_url})),
            ("GET", r"/gateway/bot", self._gateway_bot),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/applications/@me", self._application),
            ("PUT", r"/applications/(\d+)/commands", self._put_global),
            ("GET", r"/applications/(\d+)/commands", lambda r, a: _json(self.global_commands)),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._put_guild),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._edit_original),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/@original", self._delete_original),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._start_thread),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("POST", r"/users/@me/channels", self._open_dm),
            ("GET", r"/guilds/(\d+)/members/(\d+)", self._get_member),
            ("GET", r"/guilds/(\d+)/scheduled-events", self._list_events),
            ("POST", r"/guilds/(\d+)/scheduled-events", self._create_event),
            ("PATCH", r"/guilds/(\d+)/scheduled-events/(\d+)", self._edit_event),
            ("DELETE", r"/guilds/(\d+)/scheduled-events/(\d+)", self._delete_event),
        ]

    def _gateway_bot(self, record: Recorded) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    def _application(self, record: Recorded) -> web.Response:
        return _json(
            {
                "id": self.app_id,
                "name": "copbot",
                "flags": self.app_flags,
                "bot_public": True,
                "bot_require_code_grant": False,
                "description": "",
                "verify_key": "x",
                "icon": None,
                "team": None,
                "owner": self.bot.user_object(),
            }
        )

    def _put_global(self, record: Recorded, app: str) -> web.Response:
        assert app == self.app_id
        self.global_commands = self._with_ids(record.body)
        return _json(self.global_commands)

    def _put_guild(self, record: Recorded, app: str, guild_id: str) -> web.Response:
        assert app == self.app_id
        self.guild_commands[guild_id] = self._with_ids(record.body, guild_id)
        return _json(self.guild_commands[guild_id])

    def _with_ids(
        self, commands: list[dict[str, Any]], guild_id: str | None = None
    ) -> list[dict[str, Any]]:
        out = []
        for command in commands:
            stored = dict(command, id=snowflake(), application_id=self.app_id, version="1")
            if guild_id:
                stored["guild_id"] = guild_id
            out.append(stored)
        return out

    def _check_mentions(self, where: str, body: dict[str, Any]) -> None:
        allowed = body.get("allowed_mentions")
        if allowed is None:
            self.mention_violations.append(f"{where}: no allowed_mentions")
            return
        parse = allowed.get("parse", [])
        if "everyone" in parse or "roles" in parse or allowed.get("roles"):
            self.mention_violations.append(f"{where}: may ping everyone/roles: {allowed}")
        if "users" in parse:
            self.mention_violations.append(f"{where}: may ping any user: {allowed}")

    def _callback(self, record: Recorded, interaction_id: str, token: str) -> web.Response:
        response = self.responses.setdefault(interaction_id, Response(interaction_id))
        response.callbacks += 1
        if response.callbacks > 1:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        kind = int(record.body["type"])
        data = record.body.get("data") or {}
        if kind == 9:
            problems = modal_problems(data)
            if problems:  # Discord refuses the whole modal; the member sees nothing open
                self.rejected_modals.append(problems)
                return _json({"message": "Invalid Form Body", "code": 50035}, 400)
        response.type, response.data = kind, data
        message = None
        if kind == 4:
            self._check_mentions(f"callback {interaction_id}", data)
            message = self.message_object("0", data)
        if kind != 5 and interaction_id in self._answered:
            self._answered[interaction_id].set()
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": 2,
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags", 0) or 0) & 64),
            },
            "resource": {"type": kind},
        }
        if message is not None:
            result["resource"]["message"] = message
        return _json(result)

    def _interaction_by_token(self, token: str) -> Response | None:
        for iid, response in self.responses.items():
            if response.callbacks and any(
                r.path.startswith(f"/interactions/{iid}/{token}/") for r in self.requests
            ):
                return response
        return None

    def _followup(self, record: Recorded, app: str, token: str) -> web.Response:
        response = self._interaction_by_token(token)
        assert response is not None, "follow-up for an unknown interaction token"
        self._check_mentions(f"follow-up {response.interaction_id}", record.body)
        response.followups.append(record.body)
        self._answered[response.interaction_id].set()
        return _json(self.message_object("0", record.body))

    def _edit_original(self, record: Recorded, app: str, token: str) -> web.Response:
        response = self._interaction_by_token(token)
        assert response is not None
        self._check_mentions(f"edit {response.interaction_id}", record.body)
        response.edits.append(record.body)
        self._answered[response.interaction_id].set()
        return _json(self.message_object("0", record.body))

    def _delete_original(self, record: Recorded, app: str, token: str) -> web.Response:
        response = self._interaction_by_token(token)
        assert response is not None
        response.deleted_original = True
        return web.Response(status=204)

    def _create_message(self, record: Recorded, channel_id: str) -> web.Response:
        body = record.body
        self._check_mentions(f"message in {channel_id}", body)
        nonce = body.get("nonce")
        if nonce is not None and len(str(nonce)) > 25:  # as Discord: a nonce is 25 at most
            return _json({"message": "Invalid Form Body", "code": 50035}, 400)
        if nonce and body.get("enforce_nonce"):
            # Discord answers a repeat within minutes with the message it already made
            known = self._nonces.get((channel_id, str(nonce)))
            if known is not None:
                return _json(known)
        if channel_id in self.dm_owner and self.dm_owner[channel_id] in self.blocked_dm_users:
            return _json({"message": "Cannot send messages to this user", "code": 50007}, 403)
        message = self.message_object(channel_id, body)
        self.messages.setdefault(channel_id, []).append(message)
        if nonce:
            self._nonces[(channel_id, str(nonce))] = message
        return _json(message)

    def _start_thread(self, record: Recorded, channel_id: str, message_id: str) -> web.Response:
        if message_id in self.threads:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                400,
            )
        self.threads[message_id] = record.body["name"]
        self.thread_parents[message_id] = channel_id
        return _json(self._thread_object(message_id))

    def open_thread(self, channel_id: str, message_id: str, name: str = "Discussion") -> None:
        """A member starts a thread from a message (the bot is not told)."""
        self.threads[message_id] = name
        self.thread_parents[message_id] = channel_id

    def _get_channel(self, record: Recorded, channel_id: str) -> web.Response:
        if channel_id in self.threads:
            return _json(self._thread_object(channel_id))
        for guild in self.guilds.values():
            if channel_id in guild.channel_ids:
                return _json({"id": channel_id, "type": 0, "guild_id": guild.id, "name": "general"})
        return _json({"message": "Unknown Channel", "code": 10003}, 404)

    def _thread_object(self, thread_id: str) -> dict[str, Any]:
        channel_id = self.thread_parents[thread_id]
        guild_id = next(g.id for g in self.guilds.values() if channel_id in g.channel_ids)
        return {
            "id": thread_id,
            "type": 11,
            "guild_id": guild_id,
            "parent_id": channel_id,
            "name": self.threads[thread_id],
            "owner_id": self.bot.id,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": _now(),
                "locked": False,
            },
            "member_count": 1,
            "message_count": 0,
            "rate_limit_per_user": 0,
        }

    def _get_member(self, record: Recorded, guild_id: str, user_id: str) -> web.Response:
        if guild_id not in self.guilds:
            return _json({"message": "Missing Access", "code": 50001}, 403)
        if user_id not in self.guild_members.get(guild_id, set()):
            return _json({"message": "Unknown Member", "code": 10007}, 404)
        member = self.users[user_id].member_object()
        member.pop("permissions")
        return _json(member)

    def _open_dm(self, record: Recorded) -> web.Response:
        user_id = str(record.body["recipient_id"])
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            channel_id = self.dm_channels[user_id] = snowflake()
            self.dm_owner[channel_id] = user_id
        recipient = {
            "id": user_id,
            "username": f"user{user_id[-4:]}",
            "discriminator": "0",
            "avatar": None,
            "global_name": None,
        }
        return _json(
            {"id": channel_id, "type": 1, "recipients": [recipient], "last_message_id": None}
        )

    def _create_event(self, record: Recorded, guild_id: str) -> web.Response:
        guild = self.guilds[guild_id]
        if not guild.bot_permissions & MANAGE_EVENTS:
            return _json({"message": "Missing Permissions", "code": 50013}, 403)
        event = dict(
            record.body, id=snowflake(), guild_id=guild_id, status=1, creator_id=self.bot.id
        )
        self.scheduled_events[event["id"]] = event
        return _json(event)

    def _list_events(self, record: Recorded, guild_id: str) -> web.Response:
        return _json([e for e in self.scheduled_events.values() if e["guild_id"] == guild_id])

    def _edit_event(self, record: Recorded, guild_id: str, event_id: str) -> web.Response:
        event = self.scheduled_events.get(event_id)
        if event is None:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        event.update(record.body)
        return _json(event)

    def _delete_event(self, record: Recorded, guild_id: str, event_id: str) -> web.Response:
        if self.scheduled_events.pop(event_id, None) is None:
            return _json({"message": "Unknown Guild Scheduled Event", "code": 10070}, 404)
        return web.Response(status=204)

    def message_object(
        self, channel_id: str, body: dict[str, Any], *, message_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "id": message_id or snowflake(),
            "channel_id": channel_id,
            "author": self.bot.user_object(),
            "content": body.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags", 0) or 0),
            "nonce": body.get("nonce"),
            "allowed_mentions": body.get("allowed_mentions"),
        }

    # ---- assertions helpers --------------------------------------------------------

    def calls(self, method: str, path_regex: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and re.fullmatch(path_regex, r.path)]

    def dms_to(self, user_id: str) -> list[dict[str, Any]]:
        channel = self.dm_channels.get(user_id)
        return list(self.messages.get(channel, [])) if channel else []


def _modal_components(values: dict[str, str]) -> list[dict[str, Any]]:
    """A modal submission's components: a label around each text input."""
    return [
        {
            "type": 18,
            "id": n,
            "component": {"type": 4, "id": n + 10, "custom_id": k, "value": v},
        }
        for n, (k, v) in enumerate(values.items())
    ]


def path_is_webhook(path: str) -> bool:
    # interaction callbacks and follow-ups are authorised by the interaction token, and
    # anyone may ask where the gateway is
    return path == "/gateway" or path.startswith(("/interactions/", "/webhooks/"))


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py reads JSON only when Content-Type is exactly application/json; 429s are
    # taken for a Cloudflare ban unless they carry a Via header.
    all_headers = {"Content-Type": "application/json", "Via": "1.1 google"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=all_headers)
