"""Cross-site request forgery: every form the web front takes by POST carries a token
that only a page of this site, in this browser, could have put there.

The token is an HMAC keyed by a secret the browser holds in an HttpOnly cookie and
another site can neither read nor choose: the session token for a signed-in form
(signing out), and a random form cookie set by the sign-in page for the sign-in button,
whose token is also bound to that one link. So no secret has to be shared between copbot
processes, and a token taken from one session or link opens nothing in another.

Beside the token, a browser's ``Origin`` (or, without it, ``Referer``) must be this
site: ``PUBLIC_URL`` when it is set, else the host the request came to. SameSite=Lax
cookies already keep most cross-site posts from carrying a session; these two checks
also cover a sibling subdomain (same site, other origin) and login forgery (a visitor
signed in to someone else's account), which SameSite does not.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web

FORM_FIELD = "form_token"
# the browser secret of the sign-in page (no session exists yet)
FORM_COOKIE = "copbot_form"
MAX_SECRET_LENGTH = 100


def form_token(browser_secret: str, purpose: str) -> str:
    """The token a form for ``purpose`` carries in the browser holding ``browser_secret``."""
    return hmac.new(browser_secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


def token_matches(browser_secret: str | None, purpose: str, offered: str | None) -> bool:
    if not browser_secret or len(browser_secret) > MAX_SECRET_LENGTH or not offered:
        return False
    return hmac.compare_digest(form_token(browser_secret, purpose), offered)


def new_form_secret() -> str:
    return secrets.token_urlsafe(32)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def from_this_site(request: web.Request, public_url: str | None) -> bool:
    """Whether the browser says the form was on this site. A request with neither
    header (a client that is not a browser) is left to the token; ``Origin: null`` (a
    sandboxed frame, a redirect from elsewhere) is refused."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if claimed is None:
        return True
    expected = _origin(public_url) if public_url else f"{request.scheme}://{request.host}".lower()
    return claimed != "null" and _origin(claimed) == expected
