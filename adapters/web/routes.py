"""The web front's HTTP routes, added to copbot's aiohttp server.

HTTP in, core data out: each handler works out who is looking (a session cookie),
in which language and time zone, asks ``bot.web.pages`` for what that person may see,
and renders a Jinja2 template (autoescaped). Every page carries a strict
Content-Security-Policy: scripts and styles only from /static, no inline code, no
other origin; the pages work without JavaScript, which only detects the time zone and
makes the repertoire search live.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import available_timezones

import jinja2
from aiohttp import web

from adapters.web.dashboard import figures_csv, sections
from adapters.web.forms import (
    FORM_COOKIE,
    FORM_FIELD,
    form_token,
    from_this_site,
    new_form_secret,
    token_matches,
)
from adapters.web.words import Words, from_accept_language
from bot.kernel.clock import Clock
from bot.kernel.settings import Settings
from bot.meetings.calendar_ics import community_calendar
from bot.meetings.listing import calendar_url, ensure_calendar_token
from bot.stats.figures import CommunityStats, community_stats
from bot.web import pages as web_pages
from bot.web.access import (
    LINK_MINUTES,
    SESSION_DAYS,
    Viewer,
    end_session,
    redeem_link,
    session_viewer,
)
from data.models import Community

log = logging.getLogger(__name__)

FIGURES_FRESH = timedelta(minutes=1)
FIGURES_CACHED = 256

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "copbot_session"
# what each form's token is for (adapters/web/forms.py)
SIGNOUT = "signout"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    # sign-in links carry a token in their path: never send it on to another site. Not
    # "no-referrer": with it a browser sends "Origin: null" on this site's own form posts,
    # and the forms check their Origin (adapters/web/forms.py)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "private, no-store",
}
# offered in the time-zone switch; the visitor's own zone is added when it is not here
ZONES = (
    "America/Vancouver", "America/Edmonton", "America/Winnipeg", "America/Toronto",
    "America/Halifax", "America/St_Johns", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Mexico_City", "America/Sao_Paulo",
    "Europe/London", "Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Berlin",
    "Africa/Dakar", "Africa/Abidjan", "Africa/Kinshasa", "Africa/Casablanca", "Asia/Beirut",
    "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Pacific/Noumea", "UTC",
)  # fmt: skip


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def join_link(platform: str, workspace_id: str, channel_id: str | None) -> str | None:
    """A link that opens the community's home channel in its platform's app."""
    if not channel_id:
        return None
    if platform == "slack":
        return "https://slack.com/app_redirect?" + urlencode(
            {"channel": channel_id, "team": workspace_id}
        )
    if platform == "discord":
        return f"https://discord.com/channels/{workspace_id}/{channel_id}"
    return None


class WebFront:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        self.secure_cookies = (settings.public_url or "").startswith("https://")
        self._figures_cache: dict[tuple[int, str], tuple[CommunityStats, datetime]] = {}
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )

    def routes(self) -> list[web.AbstractRouteDef]:
        return [
            web.get("/", self.directory),
            web.get(r"/communities/{id:\d{1,9}}", self.community),
            web.get(r"/communities/{id:\d{1,9}}/resources", self.repertoire),
            web.get(r"/communities/{id:\d{1,9}}/calendar.ics", self.calendar),
            web.get(r"/communities/{id:\d{1,9}}/dashboard", self.dashboard),
            web.get(r"/communities/{id:\d{1,9}}/dashboard.csv", self.dashboard_csv),
            web.get("/signin/{token}", self.signin_page),
            web.post("/signin/{token}", self.signin),
            web.post("/signout", self.signout),
            web.static("/static", HERE / "static", append_version=False),
        ]

    # ---- who, which language, which zone ------------------------------------------

    async def _viewer(self, request: web.Request) -> Viewer | None:
        return await session_viewer(request.cookies.get(SESSION_COOKIE), self.clock.now())

    def _language(self, request: web.Request, viewer: Viewer | None) -> str:
        offered = self.settings.language_codes
        for choice in (request.query.get("lang"), request.cookies.get("lang")):
            if choice in offered:
                return str(choice)
        if viewer is not None and viewer.language in offered:
            return str(viewer.language)
        asked = from_accept_language(request.headers.get("Accept-Language", ""), offered)
        return asked or self.settings.default_language

    def _zone(self, request: web.Request, viewer: Viewer | None) -> str:
        for choice in (request.query.get("tz"), request.cookies.get("tz")):
            if choice and choice in _known_zones():
                return choice
        if viewer is not None and viewer.timezone in _known_zones():
            return str(viewer.timezone)
        return self.settings.default_timezone

    async def _state(self, request: web.Request) -> tuple[Viewer | None, Words]:
        viewer = await self._viewer(request)
        words = Words(
            self._language(request, viewer),
            self._zone(request, viewer),
            self.settings.language_codes,
            self.settings.locale_dir,
        )
        return viewer, words

    # ---- responses ----------------------------------------------------------------

    def _render(self, name: str, request: web.Request, words: Words, **values: Any) -> str:
        def switch(**changes: str) -> str:
            query = {**request.query, **changes}
            return request.path + "?" + urlencode(query)

        zones = list(ZONES) if words.zone in ZONES else [words.zone, *ZONES]
        return self.templates.get_template(name).render(
            _=words,
            ngettext=words.ngettext,  # a name of its own, so the extractor finds plurals
            words=words,
            lang=words.language,
            zone=words.zone,
            zones=zones,
            switch=switch,
            path=request.path,
            query=request.query,
            form_field=FORM_FIELD,
            signout_token=self._signout_token(request),
            **values,
        )

    @staticmethod
    def _signout_token(request: web.Request) -> str:
        session = request.cookies.get(SESSION_COOKIE)
        return form_token(session, SIGNOUT) if session else ""

    def _html(
        self, request: web.Request, words: Words, name: str, status: int = 200, **values: Any
    ) -> web.Response:
        response = web.Response(
            text=self._render(name, request, words, **values),
            status=status,
            content_type="text/html",
            charset="utf-8",
        )
        return self._finish(request, words, response)

    def _finish(self, request: web.Request, words: Words, response: web.Response) -> web.Response:
        response.headers.update(SECURITY_HEADERS)
        response.headers["Content-Language"] = words.language
        response.headers["Vary"] = "Accept-Language, Cookie"
        year = 365 * 24 * 3600
        if request.query.get("lang") in self.settings.language_codes:
            self._cookie(response, "lang", words.language, year, http_only=False)
        if request.query.get("tz") == words.zone:
            self._cookie(response, "tz", words.zone, year, http_only=False)
        return response

    def _cookie(
        self, response: web.StreamResponse, name: str, value: str, max_age: int, *, http_only: bool
    ) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            httponly=http_only,
            secure=self.secure_cookies,
            samesite="Lax",
        )

    def _not_found(self, request: web.Request, words: Words) -> web.Response:
        return self._html(request, words, "not_found.html", status=404, viewer=None)

    # ---- pages --------------------------------------------------------------------

    async def directory(self, request: web.Request) -> web.Response:
        viewer, words = await self._state(request)
        cards = await web_pages.directory(viewer)
        return self._html(request, words, "directory.html", viewer=viewer, cards=cards)

    async def _page(self, request: web.Request) -> tuple[Viewer | None, Words, Any]:
        viewer, words = await self._state(request)
        community = await web_pages.visible_community(viewer, int(request.match_info["id"]))
        return viewer, words, community

    def _wanted(self, request: web.Request) -> web_pages.RepertoireQuery:
        return web_pages.RepertoireQuery(
            text=request.query.get("q", "")[:200],
            tag=request.query.get("tag", "")[:50].lstrip("#").lower(),
            kind=request.query.get("kind", "")[:16],
        )

    async def community(self, request: web.Request) -> web.Response:
        viewer, words, community = await self._page(request)
        if community is None:
            return self._not_found(request, words)
        wanted = self._wanted(request)
        page = await web_pages.community_page(viewer, community, self.clock.now(), wanted)
        if community.visibility == "public":
            calendar = f"/communities/{community.id}/calendar.ics"
        else:
            token = await ensure_calendar_token(community.workspace)
            calendar = calendar_url(self.settings, token, community)
        return self._html(
            request,
            words,
            "community.html",
            viewer=viewer,
            community=community,
            page=page,
            wanted=wanted,
            calendar=calendar,
            join=join_link(page.platform, page.workspace_external_id, community.home_channel_id),
        )

    async def repertoire(self, request: web.Request) -> web.Response:
        """The repertoire alone, for the live search to swap in."""
        _viewer, words, community = await self._page(request)
        if community is None:
            return self._not_found(request, words)
        wanted = self._wanted(request)
        resources = await web_pages.repertoire(community, wanted)
        response = web.Response(
            text=self.templates.get_template("_repertoire.html").render(
                _=words,
                ngettext=words.ngettext,
                words=words,
                resources=resources,
                wanted=wanted,
            ),
            content_type="text/html",
            charset="utf-8",
        )
        return self._finish(request, words, response)

    async def calendar(self, request: web.Request) -> web.Response:
        """A public community's calendar feed; members-only ones have the token feed."""
        _viewer, words, community = await self._page(request)
        if community is None or community.visibility != "public":
            return self._not_found(request, words)
        return web.Response(
            body=await community_calendar(community),
            headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Disposition": f'inline; filename="community-{community.id}.ics"',
                "Cache-Control": "public, max-age=300",
            },
        )

    async def _dashboard(
        self, request: web.Request
    ) -> tuple[Words, tuple[Community, CommunityStats, datetime] | None]:
        viewer, words = await self._state(request)
        community = await web_pages.coordinated_community(viewer, int(request.match_info["id"]))
        if community is None:
            return words, None
        return words, (community, *await self._figures(community, words.zone))

    async def _figures(self, community: Community, zone: str) -> tuple[CommunityStats, datetime]:
        """The community's figures, computed at most once a minute per time zone. Computing
        them is fast (the database counts, data/stats_sql.py: about 40 ms for 5,000
        members and 20,000 resources), but a coordinator reloading the page or taking the
        CSV needs no fresher ones. The page says when they were computed."""
        now = self.clock.now()
        key = (community.id, zone)
        cached = self._figures_cache.get(key)
        if cached is not None and now - cached[1] < FIGURES_FRESH:
            return cached
        # the figures of `stats`: one computation for chat and web
        figures = await community_stats(community, now, zone)
        if len(self._figures_cache) >= FIGURES_CACHED:
            self._figures_cache.pop(next(iter(self._figures_cache)))
        self._figures_cache[key] = (figures, now)
        return figures, now

    async def dashboard(self, request: web.Request) -> web.Response:
        words, found = await self._dashboard(request)
        if found is None:
            return self._not_found(request, words)
        community, figures, computed = found
        viewer = await self._viewer(request)
        return self._html(
            request,
            words,
            "dashboard.html",
            viewer=viewer,
            community=community,
            now=computed,
            sections=sections(words, figures, computed),
        )

    async def dashboard_csv(self, request: web.Request) -> web.Response:
        words, found = await self._dashboard(request)
        if found is None:
            return self._not_found(request, words)
        community, figures, computed = found
        response = web.Response(
            text=figures_csv(figures, computed, words.zone),
            content_type="text/csv",
            charset="utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="community-{community.id}-stats.csv"'
            },
        )
        return self._finish(request, words, response)

    # ---- signing in and out -------------------------------------------------------

    async def signin_page(self, request: web.Request) -> web.Response:
        """A button, not an automatic sign-in: link previews (chat unfurlers) fetch the
        link with GET, and must not use up its single use. The button's form token is
        keyed by a cookie this page sets, and bound to this link."""
        viewer, words = await self._state(request)
        token = request.match_info["token"]
        secret = request.cookies.get(FORM_COOKIE) or new_form_secret()
        response = self._html(
            request,
            words,
            "signin.html",
            viewer=viewer,
            token=token,
            signin_token=form_token(secret, _signin_purpose(token)),
        )
        self._cookie(response, FORM_COOKIE, secret, LINK_MINUTES * 60, http_only=True)
        return response

    async def _forged(
        self, request: web.Request, browser_secret: str | None, purpose: str
    ) -> web.Response | None:
        """The refusal of a form that did not come from this site's page in this browser,
        or None when it did. Nothing has been changed when it is refused."""
        offered = (await request.post()).get(FORM_FIELD)
        if from_this_site(request, self.settings.public_url) and token_matches(
            browser_secret, purpose, offered if isinstance(offered, str) else None
        ):
            return None
        log.info("web form refused: cross-site or without a valid token (%s)", request.path)
        viewer, words = await self._state(request)
        return self._html(request, words, "form_refused.html", status=403, viewer=viewer)

    async def signin(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        refused = await self._forged(
            request, request.cookies.get(FORM_COOKIE), _signin_purpose(token)
        )
        if refused is not None:
            return refused
        viewer, words = await self._state(request)
        session = await redeem_link(token, self.clock.now())
        if session is None:
            log.info("web sign-in refused: unknown, expired or used link")
            return self._html(request, words, "signin_refused.html", status=403, viewer=viewer)
        response = web.Response(status=303, headers={"Location": "/", **SECURITY_HEADERS})
        self._cookie(response, SESSION_COOKIE, session, SESSION_DAYS * 24 * 3600, http_only=True)
        response.del_cookie(FORM_COOKIE, path="/")
        return response

    async def signout(self, request: web.Request) -> web.Response:
        session = request.cookies.get(SESSION_COOKIE, "")
        refused = await self._forged(request, session, SIGNOUT)
        if refused is not None:
            return refused
        await end_session(session)
        response = web.Response(status=303, headers={"Location": "/", **SECURITY_HEADERS})
        response.del_cookie(SESSION_COOKIE, path="/")
        return response


def _signin_purpose(link_token: str) -> str:
    return "signin:" + link_token


def web_routes(settings: Settings, clock: Clock) -> list[web.AbstractRouteDef]:
    return WebFront(settings, clock).routes()
