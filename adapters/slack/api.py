"""Every Web API call copbot makes goes through ``SlackApi.call``: rate limits first, then
bounded retries on 429 (after ``Retry-After``), 5xx and time-outs (with backoff).

A time-out or a dropped connection *after* the request was sent is ambiguous: Slack may
have acted on it. For calls that must not happen twice (posting a message) the caller
asks for ``AmbiguousResult`` instead of a blind retry and checks first (see ``outbox``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.limits import RateLimiter, SlackLimits

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class SlackCallError(Exception):
    """Slack answered ``ok: false`` with an error code (not retried: it will not change)."""

    def __init__(self, method: str, code: str) -> None:
        super().__init__(f"{method}: {code}")
        self.method = method
        self.code = code


class SlackUnavailable(Exception):
    """Every attempt failed with 429, 5xx or a time-out."""


class AmbiguousResult(Exception):
    """The request was sent but no answer came: it may or may not have been applied."""


def retry_after_seconds(headers: Any, default: float = 1.0) -> float:
    try:
        return max(0.0, float(headers.get("Retry-After", default)))
    except (TypeError, ValueError, AttributeError):
        return default


class SlackApi:
    def __init__(
        self, client: AsyncWebClient, limits: SlackLimits, *, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.client = client
        self.limits = limits
        self.limiter = RateLimiter(limits)
        self._sleep = sleep

    def _backoff(self, attempt: int) -> float:
        delay = min(self.limits.backoff_max, self.limits.backoff_base * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)

    async def call(
        self,
        method: str,
        workspace_id: str,
        *,
        ambiguous_ok: bool = True,
        **args: Any,
    ) -> dict[str, Any]:
        """Call ``method`` (``"chat.postMessage"``) with ``args``; the response's data.
        Pacing is per workspace and method, and per channel for posts (``args["channel"]``).

        ``ambiguous_ok=False``: raise ``AmbiguousResult`` rather than retry a request
        that may already have been applied."""
        request = getattr(self.client, method.replace(".", "_"))
        channel = args.get("channel") if isinstance(args.get("channel"), str) else None
        last_problem = "no attempt"
        for attempt in range(1, self.limits.max_attempts + 1):
            await self.limiter.acquire(workspace_id, method, channel)
            try:
                response = await request(**args)
                return dict(response.data) if isinstance(response.data, dict) else {}
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429:
                    wait = min(
                        retry_after_seconds(error.response.headers), self.limits.max_retry_after
                    )
                    log.info("%s rate limited: retrying after %.1fs", method, wait)
                    self.limiter.pause(workspace_id, method, channel, wait)
                    last_problem = "429"
                    continue
                if status >= 500:
                    last_problem = f"HTTP {status}"
                    log.info("%s failed with %s (attempt %d)", method, last_problem, attempt)
                    await self._sleep(self._backoff(attempt))
                    continue
                data = error.response.data if isinstance(error.response.data, dict) else {}
                raise SlackCallError(method, str(data.get("error") or f"HTTP {status}")) from error
            except aiohttp.ClientConnectorError as error:
                # never reached Slack: safe to retry whatever the method
                last_problem = f"connection: {error}"
            except (TimeoutError, aiohttp.ClientError) as error:
                last_problem = f"{type(error).__name__}: {error}" if str(error) else "time-out"
                if not ambiguous_ok:
                    raise AmbiguousResult(f"{method}: {last_problem}") from error
            log.info("%s failed with %s (attempt %d)", method, last_problem, attempt)
            await self._sleep(self._backoff(attempt))
        raise SlackUnavailable(f"{method} failed {self.limits.max_attempts} times ({last_problem})")

    async def respond(self, response_url: str, payload: dict[str, Any]) -> None:
        """POST to an interaction's ``response_url`` (ephemeral or in-channel replies),
        on the shared session, with the same bounded retries on 5xx and time-outs."""
        session = self.client.session
        if session is None:
            raise RuntimeError("the Slack adapter is not started")
        for attempt in range(1, self.limits.max_attempts + 1):
            try:
                async with session.post(response_url, json=payload) as answer:
                    if answer.status < 500 and answer.status != 429:
                        if answer.status >= 400:
                            log.warning("response_url answered %s", answer.status)
                        return
                    wait = (
                        retry_after_seconds(answer.headers)
                        if answer.status == 429
                        else self._backoff(attempt)
                    )
            except (TimeoutError, aiohttp.ClientError) as error:
                log.info("response_url failed: %r (attempt %d)", error, attempt)
                wait = self._backoff(attempt)
            await self._sleep(wait)
        raise SlackUnavailable("response_url failed every attempt")
