"""Web sign-in: a personal link made in chat opens a browser session.

A link is a random 256-bit token; only its SHA-256 is stored (``WebToken``), so the
database cannot be used to forge one and a guessed token matches nothing. The link
works once, for ``LINK_MINUTES``; redeeming it is one conditional UPDATE, so two
browsers racing with the same link open one session between them. The session is
another such token, carried by a cookie, tied to the member and so to one workspace.
``forget-me`` (and signing out) deletes the rows: the cookie then opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from data.models import Member, WebToken, Workspace

LINK_MINUTES = 10
SESSION_DAYS = 7
# a token longer than this is not ours: refused before any hashing or lookup
MAX_TOKEN_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a web page: a signed-in member of one workspace."""

    member_id: int
    workspace_id: int
    is_admin: bool
    display_name: str
    language: str | None
    timezone: str | None


async def create_link(member: Member, workspace: Workspace, now: datetime) -> str:
    """A fresh single-use sign-in token for ``member``."""
    token = secrets.token_urlsafe(32)
    await WebToken.create(
        workspace=workspace,
        member=member,
        kind="link",
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + timedelta(minutes=LINK_MINUTES),
    )
    return token


async def redeem_link(token: str, now: datetime) -> str | None:
    """Use a sign-in link: the new session's token, or None when the link is unknown,
    expired or already used."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    won = await WebToken.filter(
        token_hash=digest, kind="link", used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if won != 1:
        return None
    link = await WebToken.get(token_hash=digest)
    session = secrets.token_urlsafe(32)
    await WebToken.create(
        workspace_id=link.workspace_id,  # type: ignore[attr-defined]
        member_id=link.member_id,  # type: ignore[attr-defined]
        kind="session",
        token_hash=token_hash(session),
        created_at=now,
        expires_at=now + timedelta(days=SESSION_DAYS),
    )
    # spent and stale links are of no use to anyone: clear this member's
    await WebToken.filter(
        member_id=link.member_id,  # type: ignore[attr-defined]
        kind="link",
        expires_at__lte=now,
    ).delete()
    return session


async def session_viewer(token: str | None, now: datetime) -> Viewer | None:
    """The member a session cookie belongs to, or None (no cookie, unknown, expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = (
        await WebToken.filter(token_hash=token_hash(token), kind="session", expires_at__gt=now)
        .select_related("member")
        .first()
    )
    if row is None:
        return None
    member = row.member
    return Viewer(
        member_id=member.id,
        workspace_id=row.workspace_id,  # type: ignore[attr-defined]
        is_admin=member.is_admin,
        display_name=member.display_name,
        language=member.language,
        timezone=member.timezone,
    )


async def end_session(token: str) -> None:
    if token and len(token) <= MAX_TOKEN_LENGTH:
        await WebToken.filter(token_hash=token_hash(token), kind="session").delete()


async def end_member_sessions(member: Member) -> None:
    """Every link and session of the member (``forget-me``)."""
    await WebToken.filter(member=member).delete()
