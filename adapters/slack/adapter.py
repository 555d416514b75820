"""The Slack adapter: slack-bolt's ``AsyncApp`` receives slash commands, button presses,
modal submissions and events (over HTTP at ``POST /slack/events`` or over Socket Mode),
and this turns each into one core call, then renders the core's reply as Block Kit.

Slack wants every request acknowledged within 3 seconds. Listeners acknowledge first and
do the work in a background task (``process_before_response=True`` makes bolt answer as
soon as the listener returns, instead of polling for the ack every 10 ms). Two kinds
wait for the core a little: a slash command whose ephemeral reply is ready within
``SlackLimits.reply_in_ack`` answers in the acknowledgement itself (one HTTP exchange
instead of two; slower ones go to the response_url), and a modal submission, whose
acknowledgement *is* where validation errors go, waits up to ``view_deadline`` and falls
back to a message.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.actions import Pressed, decode_action, decode_form
from adapters.slack.api import SlackApi, SlackCallError, SlackUnavailable
from adapters.slack.commands import command_line
from adapters.slack.dedup import RecentIds
from adapters.slack.files import attachments_of, send_files
from adapters.slack.forms import Submission, errors_for_view, modal_view, read_submission
from adapters.slack.home import home_view
from adapters.slack.limits import SlackLimits
from adapters.slack.outbox import SlackOutbox
from adapters.slack.people import People, Profile
from adapters.slack.render import message_payloads
from bot.kernel.core import Core
from bot.kernel.errors import DirectMessagesBlocked
from bot.kernel.messages import FormRequest, Message, Paragraph, message_text
from bot.kernel.outbox import Outbox
from bot.kernel.settings import Settings
from bot.kernel.who import Who

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
EVENTS_PATH = "/slack/events"
# Slack accepts at most five posts to one interaction's response_url
RESPONSE_URL_USES = 5


def api_base_url(url: str) -> str:
    """slack_sdk joins method names onto the base URL: it must end with a slash."""
    return url if url.endswith("/") else url + "/"


def _is_thread_reply(event: dict[str, Any]) -> bool:
    """A member's reply in a thread (not the thread's first message, an edit or a bot)."""
    thread = event.get("thread_ts")
    return bool(
        thread
        and thread != event.get("ts")
        and event.get("user")
        and not event.get("subtype")
        and not event.get("bot_id")
    )


def _ack_page(reply: Message) -> dict[str, Any] | None:
    """The reply as an acknowledgement body, if it can be one: ephemeral, one page, no
    form (a modal needs views.open with the trigger, after the ack)."""
    if not reply.parts or not reply.ephemeral or reply.form_request is not None:
        return None
    pages = message_payloads(reply)
    return pages[0] if len(pages) == 1 else None


def _without_form(message: Message) -> Message:
    return Message(
        parts=[p for p in message.parts if not isinstance(p, FormRequest)],
        ephemeral=message.ephemeral,
        is_error=message.is_error,
        field_errors=message.field_errors,
    )


def _too_late(answer: asyncio.Future[Any]) -> None:
    """The acknowledgement's budget is spent: it goes without the reply."""
    if not answer.done():
        answer.set_result(None)


class SlackAdapter:
    name = "slack"

    def __init__(
        self, settings: Settings, core: Core, *, limits: SlackLimits | None = None
    ) -> None:
        if not (settings.slack_bot_token and settings.slack_signing_secret):
            raise ValueError("the Slack adapter needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
        self.settings = settings
        self.core = core
        self.limits = limits or SlackLimits()
        self.client = AsyncWebClient(
            token=settings.slack_bot_token,
            base_url=api_base_url(settings.slack_api_url),
            timeout=math.ceil(self.limits.timeout),
            retry_handlers=[],  # SlackApi retries, knowing which calls are safe to repeat
        )
        self.api = SlackApi(self.client, self.limits)
        self.slack_outbox = SlackOutbox(self.api)
        self.outbox: Outbox = self.slack_outbox  # what the core and the scheduler post through
        self.people = People(self.api)
        self.seen_events = RecentIds()
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.slack_signing_secret,
            process_before_response=True,
            name="copbot",
            logger=logging.getLogger("adapters.slack.bolt"),
        )
        self.app.command(re.compile(r"^/"))(self._on_command)
        self.app.action(re.compile(r".*"))(self._on_action)
        self.app.view(re.compile(r".*"))(self._on_view_submission)
        self.app.event(re.compile(r".*"))(self._on_event)
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots: asyncio.Semaphore | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._team_id = ""
        self._team_name = ""
        self._ready = False

    # ---- life cycle -----------------------------------------------------------------

    async def start(self) -> None:
        # one session for every Web API call and response_url post
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.limits.timeout)
        )
        self.client.session = self._session
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        try:
            auth = await self.api.call("auth.test", "")
            self._team_id = str(auth.get("team_id") or "")
            self._team_name = str(auth.get("team") or "")
            if self.settings.slack_socket_mode:
                await self._connect_socket_mode()
        except (SlackCallError, SlackUnavailable, TimeoutError) as error:
            await self._session.close()
            raise RuntimeError(f"Slack refused to connect: {error or 'time-out'}") from error
        self._ready = True
        log.info(
            "Slack: workspace %s (%s), %s mode",
            self._team_name,
            self._team_id,
            "Socket" if self._socket else "HTTP",
        )

    async def health(self) -> bool:
        """Up once started; in Socket Mode, only while the websocket is connected."""
        if not self._ready:
            return False
        return self._socket is None or await self._socket.client.is_connected()

    async def _connect_socket_mode(self) -> None:
        token = self.settings.slack_app_token or ""
        # asked here first so a bad app token is a clear error, not an endless reconnect loop
        opened = await self.api.call("apps.connections.open", self._team_id, app_token=token)
        self._socket = AsyncSocketModeHandler(
            self.app,
            token,
            logger=logging.getLogger("adapters.slack.socket"),
            web_client=self.client,
        )
        self._socket.client.wss_uri = str(opened.get("url") or "") or None
        await asyncio.wait_for(self._socket.connect_async(), timeout=30)

    async def stop(self) -> None:
        self._ready = False
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._tasks:
            _, unfinished = await asyncio.wait(self._tasks, timeout=self.limits.drain_timeout)
            for task in unfinished:
                task.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def http_routes(self) -> list[web.RouteDef]:
        if self.settings.slack_socket_mode:
            return []
        return [web.post(EVENTS_PATH, self._http)]

    async def _http(self, request: web.Request) -> web.StreamResponse:
        if not self._ready:
            return web.json_response({"error": "starting"}, status=503)
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    # ---- background work --------------------------------------------------------------

    def _spawn(self, work: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None]:
        task = asyncio.create_task(self._guarded(work, what))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, work: Coroutine[Any, Any, None], what: str) -> None:
        assert self._slots is not None
        try:
            async with self._slots:
                await work
        except Exception:
            log.exception("Slack %s failed", what)

    async def idle(self) -> None:
        """Wait until every acknowledged request has been worked on (tests, shutdown)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    # ---- who is asking ----------------------------------------------------------------

    async def who(
        self,
        team_id: str,
        user_id: str,
        *,
        channel_id: str | None = None,
        fallback_name: str = "",
        event_id: str | None = None,
    ) -> Who:
        profile = await self.people.get(team_id, user_id) or Profile(
            fallback_name or user_id, None, None, False, False
        )
        # a direct message with the app is not a channel a community could live in
        channel = channel_id if channel_id and not channel_id.startswith("D") else None
        return Who(
            platform="slack",
            workspace_id=team_id,
            user_id=user_id,
            user_name=profile.name or fallback_name or user_id,
            channel_id=channel,
            workspace_name=self._team_name if team_id == self._team_id else "",
            locale=profile.locale,
            timezone=profile.timezone,
            is_admin=profile.is_admin,
            is_bot=profile.is_bot,
            event_id=event_id,
        )

    # ---- slash commands ---------------------------------------------------------------

    async def _on_command(self, ack: Ack, body: dict[str, Any]) -> None:
        """One exchange where one suffices: when the reply is ready within
        ``limits.reply_in_ack`` and fits the acknowledgement (one ephemeral page, no form),
        it *is* the acknowledgement; otherwise ack at once and deliver it afterwards.

        One future carries the reply, or ``None`` once a timer says the budget is spent
        (the command's task then delivers the reply itself): waiting on it alone costs a
        turn of the event loop less than ``asyncio.wait`` with a timeout, ~10 µs of the
        ~560 µs a command takes in benchmarks/slack_commands.py."""
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[tuple[Who, Message] | None] = loop.create_future()
        timer = loop.call_later(self.limits.reply_in_ack, _too_late, answer)
        self._spawn(self._run_command(body, answer), f"command {body.get('command')}")
        try:
            ready = await answer
        except asyncio.CancelledError:
            _too_late(answer)  # the request is gone: the reply goes to the response_url
            raise
        except Exception:  # the command failed (its task logs it): acknowledge, no reply
            ready = None
        finally:
            timer.cancel()
        if ready is None:
            await ack()
            return
        who, reply = ready
        page = _ack_page(reply)
        if page is None:
            await ack()
            self._spawn(self._reply_later(reply, who, body), "command reply")
            return
        await ack(response_type="ephemeral", **page)
        if attachments_of(reply):  # the reply names them: they follow by DM
            self._spawn(self._send_files(reply, who), "command files")

    async def _run_command(
        self, body: dict[str, Any], answer: asyncio.Future[tuple[Who, Message] | None]
    ) -> None:
        try:
            who = await self.who(
                str(body.get("team_id", "")),
                str(body.get("user_id", "")),
                channel_id=body.get("channel_id"),
                fallback_name=str(body.get("user_name", "")),
            )
            line = command_line(
                str(body.get("command", "")),
                str(body.get("text", "")),
                self.settings.slack_command,
            )
            reply = await self.core.handle_text(who, line)
        except Exception as error:
            if not answer.done():
                answer.set_exception(error)
            raise
        if not answer.done():
            answer.set_result((who, reply))  # the listener acknowledges with it
            return
        await self._reply_later(reply, who, body)  # acknowledged already: past the budget

    async def _reply_later(self, reply: Message, who: Who, body: dict[str, Any]) -> None:
        await self.deliver(
            reply, who, response_url=body.get("response_url"), trigger_id=body.get("trigger_id")
        )

    # ---- buttons and selects ----------------------------------------------------------

    async def _on_action(self, ack: Ack, body: dict[str, Any]) -> None:
        await ack()
        self._spawn(self._run_action(body), "button")

    async def _run_action(self, body: dict[str, Any]) -> None:
        user = body.get("user") or {}
        team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        channel = (body.get("channel") or {}).get("id")
        from_home = (body.get("container") or {}).get("type") == "view"
        who = await self.who(
            team_id, str(user.get("id", "")), channel_id=channel, fallback_name=user.get("name", "")
        )
        for element in body.get("actions") or []:
            pressed: Pressed = decode_action(element)
            if pressed.kind == "form":
                await self._open_form_button(pressed, who, body)
            elif pressed.kind == "action":
                reply = await self.core.press(who, pressed.action, pressed.value)
                if from_home and not reply.is_error:
                    # the refreshed App Home shows the outcome; only a form needs showing
                    reply = Message(parts=[p for p in reply.parts if isinstance(p, FormRequest)])
                await self.deliver(
                    reply,
                    who,
                    response_url=body.get("response_url"),
                    trigger_id=body.get("trigger_id"),
                )
        if from_home:
            await self.publish_home(who)

    async def _open_form_button(self, pressed: Pressed, who: Who, body: dict[str, Any]) -> None:
        form = decode_form(pressed.value)
        if form is None:
            tr = self.core.translator(None)
            stale = Message(ephemeral=True, is_error=True)
            stale.add(Paragraph(tr.spans("That button no longer works. Try the command again.")))
            await self.deliver(stale, who, response_url=body.get("response_url"))
            return
        form = await self.core.prefill(who, form)  # what the member typed before is kept
        await self.api.call(
            "views.open",
            who.workspace_id,
            trigger_id=body.get("trigger_id"),
            view=modal_view(form, channel_id=who.channel_id),
        )

    # ---- modal submissions ------------------------------------------------------------

    async def _on_view_submission(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any]
    ) -> None:
        submission = read_submission(view)
        if submission is None:
            await ack()
            return
        user = body.get("user") or {}
        team_id = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
        outcome: asyncio.Future[tuple[Who, Message]] = asyncio.get_running_loop().create_future()
        self._spawn(self._submit(team_id, user, submission, outcome), "form")
        done, _ = await asyncio.wait({outcome}, timeout=self.limits.view_deadline)
        if not done:
            # too slow for the acknowledgement: close the modal, answer with a message
            await ack()
            self._spawn(self._deliver_late(outcome), "form reply")
            return
        if outcome.exception() is not None:
            await ack()
            return
        who, reply = outcome.result()
        if reply.field_errors or reply.is_error:
            general = None if reply.field_errors else message_text(reply)
            errors = errors_for_view(reply.field_errors, submission.field_names, general)
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        form = reply.form_request
        if form is not None:
            await ack(
                response_action="update", view=modal_view(form.form, channel_id=who.channel_id)
            )
            reply = _without_form(reply)
        else:
            await ack()
        self._spawn(self.deliver(reply, who), "form reply")

    async def _submit(
        self,
        team_id: str,
        user: dict[str, Any],
        submission: Submission,
        outcome: asyncio.Future[tuple[Who, Message]],
    ) -> None:
        try:
            who = await self.who(
                team_id,
                str(user.get("id", "")),
                channel_id=submission.channel_id,
                fallback_name=str(user.get("name", "")),
            )
            reply = await self.core.submit_form(
                who, submission.form_id, submission.values, submission.context
            )
        except Exception as error:
            outcome.set_exception(error)
            raise
        outcome.set_result((who, reply))

    async def _deliver_late(self, outcome: asyncio.Future[tuple[Who, Message]]) -> None:
        who, reply = await outcome
        await self.deliver(reply, who)

    # ---- events -----------------------------------------------------------------------

    async def _on_event(self, ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        event_id = str(body.get("event_id") or "") or None
        if event_id is not None and not self.seen_events.first_time(event_id):
            log.info("event %s already taken: ignoring Slack's retry", event_id)
            return
        self._spawn(self._run_event(body, event, event_id), f"event {event.get('type')}")

    async def _run_event(
        self, body: dict[str, Any], event: dict[str, Any], event_id: str | None
    ) -> None:
        kind = event.get("type")
        team_id = str(body.get("team_id") or event.get("team") or "")
        if kind == "team_join":
            user = event.get("user") or {}
            who = await self.who(
                team_id,
                str(user.get("id", "")),
                fallback_name=str(user.get("name", "")),
                event_id=event_id,
            )
            if who.is_bot or user.get("is_bot"):
                return
            reply = await self.core.event(who, "member_joined_workspace")
            await self._event_reply(reply, who)
        elif kind == "member_joined_channel":
            channel = str(event.get("channel", ""))
            who = await self.who(
                team_id, str(event.get("user", "")), channel_id=channel, event_id=event_id
            )
            if who.is_bot:
                return
            reply = await self.core.event(who, "member_joined_channel", channel_id=channel)
            await self._event_reply(reply, who)
        elif (
            kind == "message"
            and _is_thread_reply(event)
            and "thread_reply" in self.core.registry.event_handlers
        ):
            who = await self.who(
                team_id,
                str(event.get("user", "")),
                channel_id=str(event.get("channel", "")),
                event_id=event_id,
            )
            if not who.is_bot:
                await self.core.event(
                    who,
                    "thread_reply",
                    thread=str(event["thread_ts"]),
                    channel_id=str(event.get("channel", "")),
                    text=str(event.get("text", "")),
                )
        elif kind == "app_home_opened" and event.get("tab", "home") == "home":
            who = await self.who(team_id, str(event.get("user", "")))
            await self.publish_home(who)

    async def _event_reply(self, reply: Message | None, who: Who) -> None:
        """Show what the core answered to an event. An error is not shown: the member did
        not ask for anything, and the usual one is losing the race against Slack's retry of
        the same event in another process (which did the work); the core has logged it."""
        if reply is None or not reply.parts:
            return
        if reply.is_error:
            log.info("event for %s answered with an error: not shown", who.user_id)
            return
        await self.deliver(reply, who)

    async def publish_home(self, who: Who) -> None:
        view = await home_view(self.core, who, self.settings.slack_command)
        await self.api.call("views.publish", who.workspace_id, user_id=who.user_id, view=view)

    # ---- replies ----------------------------------------------------------------------

    async def deliver(
        self,
        reply: Message,
        who: Who,
        *,
        response_url: str | None = None,
        trigger_id: str | None = None,
    ) -> None:
        """Show the core's reply to the member who asked: a form opens as a modal (when a
        trigger allows), ephemeral replies only to them, public ones in the channel."""
        form = reply.form_request
        if form is not None and trigger_id:
            try:
                await self.api.call(
                    "views.open",
                    who.workspace_id,
                    trigger_id=trigger_id,
                    view=modal_view(form.form, channel_id=who.channel_id),
                )
                reply = _without_form(reply)
            except SlackCallError as error:  # expired trigger: the form stays a button
                log.info("could not open the form as a modal: %s", error.code)
        if not reply.parts:
            return
        pages = message_payloads(reply)
        if reply.ephemeral:
            await self._to_member(pages, who, response_url)
        else:
            await self._to_channel(pages, who, response_url)
        await self._send_files(reply, who)

    async def _send_files(self, reply: Message, who: Who) -> None:
        if self._session is not None:  # a reply without files sends nothing
            await send_files(self.api, self._session, who.workspace_id, who.user_id, reply)

    async def _respond(
        self, response_url: str, pages: list[dict[str, Any]], response_type: str
    ) -> list[dict[str, Any]]:
        """Send what a response_url takes of ``pages``; returns the pages left over."""
        payload = {"response_type": response_type, "replace_original": False}
        for page in pages[:RESPONSE_URL_USES]:
            await self.api.respond(response_url, {**payload, **page})
        return pages[RESPONSE_URL_USES:]

    async def _to_member(
        self, pages: list[dict[str, Any]], who: Who, response_url: str | None
    ) -> None:
        if response_url:
            pages = await self._respond(response_url, pages, "ephemeral")
            if not pages:
                return
        if who.channel_id:
            try:
                await self.slack_outbox.ephemeral_payloads(
                    who.workspace_id, who.channel_id, who.user_id, pages
                )
                return
            except SlackCallError as error:  # the bot is not in that channel, say
                log.info("ephemeral reply failed (%s): sending it directly", error.code)
        try:
            await self.slack_outbox.direct_payloads(who.workspace_id, who.user_id, pages)
        except DirectMessagesBlocked:
            log.info("could not reply to %s: direct messages refused", who.user_id)

    async def _to_channel(
        self, pages: list[dict[str, Any]], who: Who, response_url: str | None
    ) -> None:
        if who.channel_id:
            try:
                await self.slack_outbox.post_payloads(who.workspace_id, who.channel_id, pages)
                return
            except SlackCallError as error:
                log.info("public reply failed (%s)", error.code)
        if response_url:
            pages = await self._respond(response_url, pages, "in_channel")
            if pages:
                await self._to_member(pages, who, None)
        else:
            await self._to_member(pages, who, None)
