"""Who a Slack user is: name, locale, time zone and admin flag from ``users.info``.

Looked up once and cached (one lookup at a time per user), because every command,
button and event needs them and ``users.info`` is rate limited. A failed lookup is not
fatal: the request goes on with what the payload said.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from adapters.slack.api import SlackApi, SlackCallError, SlackUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Profile:
    name: str
    locale: str | None
    timezone: str | None
    is_admin: bool
    is_bot: bool


def profile_from_user(user: dict[str, Any]) -> Profile:
    """A ``users.info`` user object (or the one a ``team_join`` event carries)."""
    details = user.get("profile") or {}
    name = (
        details.get("display_name")
        or details.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or str(user.get("id", ""))
    )
    return Profile(
        name=str(name),
        locale=user.get("locale") or None,
        timezone=user.get("tz") or None,
        is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        is_bot=bool(user.get("is_bot") or user.get("id") == "USLACKBOT"),
    )


class People:
    def __init__(
        self, api: SlackApi, *, ttl: float = 3600.0, failure_ttl: float = 60.0, size: int = 20_000
    ) -> None:
        self.api = api
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self.size = size
        self._cache: OrderedDict[tuple[str, str], tuple[float, Profile | None]] = OrderedDict()
        self._pending: dict[tuple[str, str], asyncio.Future[Profile | None]] = {}

    def remember(self, workspace_id: str, user: dict[str, Any]) -> None:
        if user.get("id"):
            self._store((workspace_id, str(user["id"])), profile_from_user(user), self.ttl)

    def _store(self, key: tuple[str, str], profile: Profile | None, ttl: float) -> None:
        self._cache[key] = (time.monotonic() + ttl, profile)
        self._cache.move_to_end(key)
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)

    async def get(self, workspace_id: str, user_id: str) -> Profile | None:
        key = (workspace_id, user_id)
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Profile | None] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            profile = await self._lookup(workspace_id, user_id)
            future.set_result(profile)
            return profile
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: waiters get it, nobody is warned twice
            raise
        finally:
            del self._pending[key]

    async def _lookup(self, workspace_id: str, user_id: str) -> Profile | None:
        try:
            data = await self.api.call(
                "users.info", workspace_id, user=user_id, include_locale=True
            )
        except (SlackCallError, SlackUnavailable) as error:
            log.warning("users.info for %s failed: %s", user_id, error)
            self._store((workspace_id, user_id), None, self.failure_ttl)
            return None
        profile = profile_from_user(data.get("user") or {"id": user_id})
        self._store((workspace_id, user_id), profile, self.ttl)
        return profile
