"""Links members share: only http(s), and one normal form so the same link is stored once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.kernel.errors import UserError

MAX_URL_LENGTH = 2000
# tracking parameters that make the same page look like another link
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref_src")


def clean_url(text: str) -> str:
    """The URL as shared (Slack's ``<url|label>`` wrapper removed), refused unless it is a
    well-formed http(s) link."""
    url = text.strip().strip("<>").split("|", 1)[0].strip()
    if len(url) > MAX_URL_LENGTH:
        raise UserError("That link is too long: at most {limit} characters.", limit=MAX_URL_LENGTH)
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError as error:
        raise UserError(
            "“{url}” is not a web link I can share: use a full http:// or https:// address.",
            url=url[:100],
        ) from error
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in url:
        raise UserError(
            "“{url}” is not a web link I can share: use a full http:// or https:// address.",
            url=url[:100],
        )
    del port
    return url


def normalize_url(url: str) -> str:
    """The key that decides "already shared": scheme and host lower-cased, default port,
    fragment, tracking parameters and a trailing slash dropped, ``www.`` ignored."""
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(_TRACKING)
        )
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, query, ""))[:500]
