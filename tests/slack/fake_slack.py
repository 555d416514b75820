"""A fake Slack for tests and benchmarks: the Web API, interaction ``response_url``s and a
Socket Mode websocket, on 127.0.0.1 port 0.

It speaks the wire protocol the real clients use: Web API methods as JSON bodies or form
fields (or GET query strings), bearer tokens, ``{"ok": ...}`` answers, 429 with
``Retry-After``; Socket Mode envelopes that the client must acknowledge. Every call is
recorded. Faults can be queued per method: 429, 500, or a time-out before or after the
call takes effect (the client cannot tell those two apart; a correct client still posts
exactly once).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.slack.blockkit import block_problems, view_problems

JSON_FIELDS = ("blocks", "view", "metadata", "attachments", "files")


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)
    fault: str = ""  # the fault injected into this call, if any


@dataclass
class Fault:
    method: str
    kind: str  # "429" | "500" | "timeout_before" | "timeout_after"
    retry_after: int = 1


@dataclass
class Response:
    """A POST to a ``response_url``."""

    token: str
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeSlack:
    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test",
        app_token: str = "xapp-test",
        team_id: str = "T1",
        team_name: str = "Test Team",
        bot_user_id: str = "UBOT",
        hang: float = 1.0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.hang = hang  # how long a "time-out" fault keeps the client waiting
        # seconds a method takes to answer, after it took effect (a slow Slack: a process
        # killed meanwhile has posts Slack received but never confirmed)
        self.latency: dict[str, float] = {}
        self.scopes = "commands,chat:write,im:write,files:write,users:read,channels:history"
        self.calls: list[Call] = []  # calls that took effect
        self.faulted: list[Call] = []  # calls answered with an injected fault
        self.responses: list[Response] = []
        # what Slack would have refused for breaking Block Kit's limits (method, problems)
        self.rejected: list[tuple[str, list[str]]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []  # every chat.postMessage that took effect
        # files shared by files.completeUploadExternal: id, title, filename, content, channel
        self.files: list[dict[str, Any]] = []
        self._uploads: dict[str, dict[str, Any]] = {}  # file id -> what was uploaded so far
        self.faults: list[Fault] = []
        self.dm_refused: dict[str, str] = {}  # user id -> Slack error code
        self.not_in_channel: set[str] = set()
        self.joined: set[str] = set()  # channels the bot joined (conversations.join)
        self.private_channels: set[str] = set()  # conversations.join refuses these
        self.sockets: list[web.WebSocketResponse] = []
        self.socket_connections = 0
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._expected: dict[str, asyncio.Future[Response]] = {}
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- set-up -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self) -> str:
        return f"{self.base_url}/respond/{uuid.uuid4().hex}"

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        tz: str = "America/Toronto",
        locale: str = "en-US",
        is_admin: bool = False,
        is_bot: bool = False,
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "locale": locale,
            "is_admin": is_admin,
            "is_owner": False,
            "is_bot": is_bot,
            "profile": {"display_name": name, "real_name": name},
        }

    def fail(self, method: str, kind: str, *, times: int = 1, retry_after: int = 1) -> None:
        self.faults.extend(Fault(method, kind, retry_after) for _ in range(times))

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{token}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for socket in list(self.sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- looking at what happened --------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["channel"] == channel]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, check: Callable[[], Any], within: float = 10.0) -> Any:
        """Wait until ``check()`` is truthy (re-checked on every call the fake sees)."""

        async def waiting() -> Any:
            async with self._changed:
                while not (result := check()):
                    await self._changed.wait()
                return result

        return await asyncio.wait_for(waiting(), within)

    async def wait_for_calls(self, method: str, count: int = 1, within: float = 10.0) -> list[Call]:
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, within)
        return self.calls_to(method)

    async def wait_for_responses(self, count: int = 1, within: float = 10.0) -> list[Response]:
        await self.wait_until(lambda: len(self.responses) >= count, within)
        return self.responses

    # ---- the Web API ---------------------------------------------------------------

    async def _read_args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for name in JSON_FIELDS:
            if isinstance(args.get(name), str):
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(args[name])
        return args

    def _take_fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method:
                self.faults.remove(fault)
                return fault
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await self._read_args(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token and "token" in args:
            token = str(args.pop("token"))
        fault = self._take_fault(method)
        if fault is not None:
            self.faulted.append(Call(method, args, token, fault=fault.kind))
        if fault is not None and fault.kind == "429":
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(fault.retry_after)},
            )
        if fault is not None and fault.kind == "500":
            return web.json_response({"ok": False, "error": "internal_error"}, status=500)
        if fault is not None and fault.kind == "timeout_before":
            await asyncio.sleep(self.hang)  # the client gives up; nothing happened
            return web.json_response({"ok": False, "error": "timeout"}, status=504)
        self.calls.append(Call(method, args, token))
        answer = self._answer(method, args, token)
        await self._notify()
        if fault is not None and fault.kind == "timeout_after":
            await asyncio.sleep(self.hang)  # it happened, but the answer comes too late
        if self.latency.get(method):
            await asyncio.sleep(self.latency[method])
        return web.json_response(answer, headers={"X-OAuth-Scopes": self.scopes})

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        problems = self._layout_problems(method, args)
        if problems:
            self.rejected.append((method, problems))
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
        result: dict[str, Any] = handler(args)
        return result

    @staticmethod
    def _layout_problems(method: str, args: dict[str, Any]) -> list[str]:
        if method.startswith("views."):
            return view_problems(args.get("view"))
        if method in ("chat.postMessage", "chat.postEphemeral", "chat.update"):
            problems = block_problems(args.get("blocks"))
            if not args.get("blocks") and not str(args.get("text") or "").strip():
                problems.append("no text and no blocks")
            return problems
        return []

    def _next_ts(self) -> str:
        return f"{time.time():.0f}.{next(self._ts):06d}"

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{self.team_name.lower().replace(' ', '')}.slack.com/",
            "team": self.team_name,
            "team_id": self.team_id,
            "user": "copbot",
            "user_id": self.bot_user_id,
            "bot_id": "B" + self.bot_user_id,
        }

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        shown = dict(user)
        if str(args.get("include_locale")).lower() not in ("true", "1"):
            shown.pop("locale", None)
        return {"ok": True, "user": shown}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        if user in self.dm_refused and self.dm_refused[user] != "messages_tab_disabled":
            return {"ok": False, "error": self.dm_refused[user]}
        return {"ok": True, "channel": {"id": "D" + user}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if "files:write" not in self.scopes.split(","):
            return {"ok": False, "error": "missing_scope", "needed": "files:write"}
        file_id = "F" + uuid.uuid4().hex[:10].upper()
        self._uploads[file_id] = {"filename": args.get("filename"), "length": args.get("length")}
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    async def _upload(self, request: web.Request) -> web.Response:
        pending = self._uploads.get(request.match_info["file_id"])
        if pending is None:
            return web.Response(status=404)
        pending["content"] = await request.read()
        return web.Response(text="OK - " + str(len(pending["content"])))

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        shared = []
        for item in args.get("files") or []:
            pending = self._uploads.pop(str(item.get("id")), None)
            if pending is None or "content" not in pending:
                return {"ok": False, "error": "file_not_found"}
            shown = {
                "id": item["id"],
                "title": item.get("title") or pending["filename"],
                "filename": pending["filename"],
                "content": pending["content"],
                "channel": args.get("channel_id"),
            }
            self.files.append(shown)
            shared.append({k: v for k, v in shown.items() if k != "content"})
        return {"ok": True, "files": shared}

    def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if "channels:join" not in self.scopes.split(","):
            return {"ok": False, "error": "missing_scope", "needed": "channels:join"}
        if channel in self.private_channels:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.joined.add(channel)
        self.not_in_channel.discard(channel)
        return {"ok": True, "channel": {"id": channel, "is_member": True}}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if channel in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        if channel.startswith("D") and self.dm_refused.get(channel[1:]) == "messages_tab_disabled":
            return {"ok": False, "error": "messages_tab_disabled"}
        message = {
            "ts": self._next_ts(),
            "channel": channel,
            "thread_ts": args.get("thread_ts"),
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
            "metadata": args.get("metadata"),
        }
        self.messages.append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args.get("channel", "")) in self.not_in_channel:
            return {"ok": False, "error": "not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _view_answer(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V" + uuid.uuid4().hex[:8], **(args.get("view") or {})}}

    _m_views_open = _view_answer
    _m_views_update = _view_answer
    _m_views_push = _view_answer
    _m_views_publish = _view_answer

    def _history(self, channel: str, oldest: float, thread: str | None, with_meta: bool) -> list:
        found = []
        for message in reversed(self.messages):
            if message["channel"] != channel or float(message["ts"]) <= oldest:
                continue
            if thread is None and message["thread_ts"]:
                continue
            if thread is not None and thread not in (message["thread_ts"], message["ts"]):
                continue
            shown = {k: v for k, v in message.items() if k != "metadata" or with_meta}
            found.append(shown)
        return found

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        with_meta = str(args.get("include_all_metadata")).lower() in ("true", "1")
        oldest = float(args.get("oldest") or 0)
        messages = self._history(str(args.get("channel")), oldest, None, with_meta)
        limit = int(args.get("limit") or 100)  # newest first, as Slack pages them
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        with_meta = str(args.get("include_all_metadata")).lower() in ("true", "1")
        oldest = float(args.get("oldest") or 0)
        thread = str(args.get("ts"))
        messages = self._history(str(args.get("channel")), oldest, thread, with_meta)
        return {"ok": True, "messages": list(reversed(messages)), "has_more": False}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket?ticket={uuid.uuid4()}"}

    # ---- response_url --------------------------------------------------------------

    def expect_response(self, url: str) -> asyncio.Future[Response]:
        """A future for the next POST to ``url`` (a response_url from ``response_url()``)."""
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._expected[url.rsplit("/", 1)[1]] = future
        return future

    def forget_response(self, url: str) -> None:
        """Stop waiting for a post to ``url`` (its reply came another way)."""
        self._expected.pop(url.rsplit("/", 1)[1], None)

    async def _respond(self, request: web.Request) -> web.StreamResponse:
        payload = await request.json()
        if not await self.show_response(request.match_info["token"], payload):
            return web.json_response({"ok": False, "error": "invalid_blocks"}, status=400)
        return web.Response(text="ok")

    async def show_ack_reply(self, response_url: str, body: str | dict[str, Any]) -> None:
        """What Slack does with a slash command's acknowledgement that carries a message:
        shows it like a post to the command's response_url (an empty ack shows nothing)."""
        payload = json.loads(body) if isinstance(body, str) and body.strip() else body
        if isinstance(payload, dict) and ("blocks" in payload or "text" in payload):
            await self.show_response(response_url.rsplit("/", 1)[1], payload)

    async def show_response(self, token: str, payload: dict[str, Any]) -> bool:
        problems = self._layout_problems("chat.postMessage", payload)
        if problems:
            self.rejected.append(("response_url", problems))
            await self._notify()
            return False
        response = Response(token, payload)
        self.responses.append(response)
        waiter = self._expected.pop(response.token, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(response)
        await self._notify()
        return True

    # ---- Socket Mode ---------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.sockets.append(socket)
        self.socket_connections += 1
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
        )
        await self._notify()
        try:
            async for frame in socket:
                if frame.type != WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                waiter = self._acks.pop(str(data.get("envelope_id")), None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(data)
        finally:
            self.sockets.remove(socket)
        return socket

    async def socket_send(
        self, kind: str, payload: dict[str, Any], *, within: float = 5.0
    ) -> dict[str, Any]:
        """Send an envelope (``slash_commands``, ``interactive``, ``events_api``) to the
        connected client; returns its acknowledgement."""
        if not self.sockets:
            raise RuntimeError("no Socket Mode client is connected")
        envelope_id = uuid.uuid4().hex
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope_id] = waiter
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        ack = await asyncio.wait_for(waiter, within)
        if kind == "slash_commands" and payload.get("response_url"):
            await self.show_ack_reply(str(payload["response_url"]), ack.get("payload") or {})
        return ack
