"""A member of this workspace, from a mention (``<@U123>``, ``@alex``) or a display name."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from bot.kernel.convert import convert
from bot.kernel.errors import NotFound
from bot.kernel.lookups import find_member
from bot.kernel.messages import Choice
from bot.kernel.resolvers.base import Resolver
from data.models import Member

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param

SUGGESTED = 3


class MemberResolver(Resolver):
    kind = "member"
    completes = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Member:
        reference = convert(param, text, label)
        try:
            return await find_member(ctx, reference)
        except NotFound:
            names = await Member.filter(workspace=ctx.workspace, is_bot=False).values_list(
                "display_name", flat=True
            )
            folded = {str(n).casefold(): str(n) for n in names}
            close = difflib.get_close_matches(reference.casefold(), list(folded), SUGGESTED, 0.6)
            if not close:
                raise
            raise NotFound(
                "I don't know anyone called “{name}” here. Did you mean: {options}?",
                name=reference[:60],
                options=", ".join("@" + folded[c] for c in close),
            ) from None

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        wanted = prefix.lstrip("@").strip()
        query = Member.filter(workspace=ctx.workspace, is_bot=False)
        if wanted:
            query = query.filter(display_name__istartswith=wanted)
        rows = await query.order_by("display_name").limit(25)
        return [Choice(m.display_name[:100], m.external_id) for m in rows]
