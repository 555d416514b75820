"""Newcomers: greeting, the introduction, "Please welcome ...", and suggested members."""

from __future__ import annotations

from bot.context import Ctx
from bot.messages import Part
from data.models import Community, Member

TEXTS: dict[str, tuple[str, str]] = {}


async def on_joined_community(ctx: Ctx, community: Community) -> list[Part]:
    """Called by ``join`` once the membership is saved: greets, asks for an introduction or
    posts the existing one, suggests members. Returns parts for the joiner's reply."""
    return []


def one_line_intro(member: Member) -> str:
    """A member's profile in one line (title, organization, interests)."""
    bits = [b for b in (member.title, member.organization) if b]
    if member.interests:
        bits.append(" ".join("#" + tag for tag in member.interests))
    return ", ".join(bits)
