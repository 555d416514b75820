"""A test-only area that declares every role on every kind of entry point the real areas
may not all use yet (an admin command, member and coordinator buttons and forms), so the
declared-checks test covers each combination. ``RAN`` records every handler that ran."""

from __future__ import annotations

from bot.kernel.args import CommunityArg
from bot.kernel.context import Ctx
from bot.kernel.messages import Message
from bot.kernel.registry import button, command, form

RAN: list[str] = []


@command("checked admin", usage="checked admin", role="admin", hidden=True)
async def checked_admin(ctx: Ctx) -> Message:
    """Only for workspace admins"""
    RAN.append("checked admin")
    return Message(ephemeral=True).paragraph("admin done")


@button("checked_member", role="member")
async def checked_member(ctx: Ctx, community: CommunityArg) -> Message:
    RAN.append("checked_member")
    return Message(ephemeral=True).paragraph("member done")


@button("checked_coordinator", role="coordinator")
async def checked_coordinator(ctx: Ctx, community: CommunityArg) -> Message:
    RAN.append("checked_coordinator")
    return Message(ephemeral=True).paragraph("coordinator done")


@form("checked_member_form", role="member")
async def checked_member_form(ctx: Ctx, values: dict[str, str], community: CommunityArg) -> Message:
    RAN.append("checked_member_form")
    return Message(ephemeral=True).paragraph("member form done")


@form("checked_coordinator_form", role="coordinator")
async def checked_coordinator_form(
    ctx: Ctx, values: dict[str, str], community: CommunityArg
) -> Message:
    RAN.append("checked_coordinator_form")
    return Message(ephemeral=True).paragraph("coordinator form done")


@form("checked_admin_form", role="admin")
async def checked_admin_form(ctx: Ctx, values: dict[str, str]) -> Message:
    RAN.append("checked_admin_form")
    return Message(ephemeral=True).paragraph("admin form done")
