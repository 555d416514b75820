"""A member of this workspace, from a mention (``<@U123>``, ``@alex``) or a display name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.convert import convert
from bot.kernel.lookups import find_member
from bot.kernel.messages import Choice
from bot.kernel.resolvers.base import Resolver
from bot.kernel.typed_names import Names
from data.models import Member

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param

COMPLETIONS = 25  # what a platform's autocomplete shows at most


class MemberResolver(Resolver):
    kind = "member"
    completes = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Member:
        return await find_member(ctx, convert(param, text, label))

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        wanted = prefix.lstrip("@").strip()
        query = Member.filter(workspace=ctx.workspace, is_bot=False).order_by("display_name")
        if wanted:
            query = query.filter(display_name__istartswith=wanted)
        rows = [(m.display_name, m.external_id) for m in await query.limit(COMPLETIONS)]
        if wanted and not rows:  # SQLite's LIKE folds ASCII only: "élo", "elo" for Élodie
            named = await Member.filter(workspace=ctx.workspace, is_bot=False).values_list(
                "display_name", "external_id"
            )
            rows = sorted(Names((row, str(row[0])) for row in named).starting(wanted))
        return [Choice(str(name)[:100], str(id_)) for name, id_ in rows[:COMPLETIONS]]
