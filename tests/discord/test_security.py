"""Member text can never ping: it is escaped, and every message the bot sends carries
allowed_mentions that only let explicit member mentions through."""

from __future__ import annotations

import re
from typing import Any

from tests.discord.conftest import ADA, BOB, CHANNEL, Bed
from tests.discord.fake_discord import message_text

HOSTILE = "@everyone @here <@&1300000000000000999> <@1100000000000000003> **bold** [x](https://evil.example)"
_RAW_PING = re.compile(r"(?<!\\)<@[!&]?\d+>|@(everyone|here)")


def _message_bodies(bed: Bed) -> list[dict[str, Any]]:
    """Every message-creating request the bot made: channel posts, DMs, interaction
    answers, follow-ups and edits."""
    bodies = []
    for record in bed.fake.requests:
        creates_message = (
            (record.method == "POST" and record.path.endswith("/messages"))
            or (record.method == "POST" and record.path.startswith("/webhooks/"))
            or (record.method == "PATCH" and record.path.startswith("/webhooks/"))
            or (record.path.endswith("/callback") and record.body["type"] in (4, 7))
        )
        if creates_message:
            body = record.body if "/callback" not in record.path else record.body["data"]
            bodies.append(body)
    return bodies


async def test_member_text_pings_no_one(bed: Bed) -> None:
    await bed.cmd(ADA, "community create", {"name": "Python", "description": HOSTILE})
    await bed.cmd(BOB, "join", {"community": "Python"})
    listing = await bed.cmd(BOB, "communities")
    text = message_text(listing.final)
    assert "everyone" in text and "1300000000000000999" in text  # shown, as typed...
    for match in _RAW_PING.finditer(text):  # ...but not as a working mention
        raise AssertionError(f"live mention {match.group(0)!r} in {text!r}")
    assert "\\*\\*bold\\*\\*" in text and "\\[x\\]" in text

    before = len(bed.fake.messages.get(CHANNEL, []))
    await bed.cmd(BOB, "share", {"url": "https://example.org/a", "title": HOSTILE})
    post = bed.fake.messages[CHANNEL][before]
    posted = message_text(post)
    live = [m.group(0) for m in _RAW_PING.finditer(posted)]
    assert set(live) == {f"<@{BOB.id}>"}  # only the sharer's explicit mention
    assert post["allowed_mentions"] == {"parse": [], "users": [int(BOB.id)]}

    bodies = _message_bodies(bed)
    assert len(bodies) >= 6
    for body in bodies:
        allowed = body["allowed_mentions"]
        assert allowed["parse"] == [], body
        assert "roles" not in allowed or allowed["roles"] == []
        users = {str(u) for u in allowed.get("users", [])}
        assert users <= {ADA.id, BOB.id}, body
