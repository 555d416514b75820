"""The permission checks a command, button or form declares (``role=``), enforced by the
core after the arguments are resolved and before the handler runs, so no handler can
forget one and a refused request changes nothing.

- ``member``: a current member of the community the arguments name;
- ``coordinator``: a coordinator of that community, or a workspace admin;
- ``admin``: a workspace administrator (Slack admin or owner, Discord "Manage Server").

The community is read from the resolved arguments: a ``Community`` itself, or the
community of a meeting, resource or prompt (any value with a ``community`` attribute
holding one). A community role with no community to check is refused, never waved through.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.kernel.context import Ctx
from bot.kernel.errors import PermissionDenied
from bot.kernel.lookups import require_coordinator, require_member
from bot.kernel.registry import Role
from data.models import Community


def community_in(values: Iterable[Any]) -> Community | None:
    """The first community the resolved arguments name, directly or through an object."""
    for value in values:
        if isinstance(value, Community):
            return value
        held = getattr(value, "community", None)
        if isinstance(held, Community):
            return held
    return None


async def enforce(ctx: Ctx, role: Role, values: Iterable[Any]) -> None:
    """Raise ``PermissionDenied`` unless the member may act in ``role``."""
    if role == "anyone":
        return
    if role == "admin":
        if not ctx.member.is_admin:
            raise PermissionDenied("Only workspace administrators can do that here.")
        return
    community = community_in(values)
    if community is None:
        raise PermissionDenied(
            "Name a community (`in <community>`), or join one first: type `communities`."
        )
    if role == "coordinator":
        await require_coordinator(ctx, community)
    else:
        await require_member(ctx, community)
