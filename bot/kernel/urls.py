"""Links members share: only http(s), and one normal form so the same link is stored once."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.kernel.errors import UserError

MAX_URL_LENGTH = 2000
# tracking parameters (prefixes): they make the same page look like another link, and tell
# the advertiser who shared it with whom; removed from what is stored and shown
_TRACKING = (
    "utm_",
    "fbclid",
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "ref_src",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_enc_id",
    "oly_anon_id",
    "vero_id",
)


def _is_tracker(name: str) -> bool:
    return name.lower().startswith(_TRACKING)


def without_trackers(url: str) -> str:
    """The link with its tracking parameters removed, everything else exactly as written
    (order, encoding, fragment), so the page it opens is the same."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    kept = [
        piece
        for piece in parts.query.split("&")
        if piece and not _is_tracker(piece.split("=", 1)[0])
    ]
    return urlunsplit(parts._replace(query="&".join(kept)))


def clean_url(text: str) -> str:
    """The URL as shared (Slack's ``<url|label>`` wrapper and tracking parameters removed),
    refused unless it is a well-formed http(s) link."""
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
    return without_trackers(url)


def normalize_url(url: str) -> str:
    """The key that decides "already shared": scheme and host lower-cased, default port,
    fragment, tracking parameters and a trailing slash dropped, ``www.`` ignored."""
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracker(k)
        )
    )
    path = parts.path.rstrip("/")
    return urlunsplit(("https", host, path, query, ""))[:500]
