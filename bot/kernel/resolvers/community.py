"""The community an argument names, or the one a command is about when none is named.

The rule lives here once: a community named in the command wins; else the community whose
home is the channel; else the member's only community; with several, the member is asked
which (listing them); with none, told to name or join one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.kernel.convert import clean_text, is_number
from bot.kernel.errors import NotFound, UserError
from bot.kernel.lookups import (
    active_communities,
    channel_community,
    find_community,
    my_communities,
    name_key,
)
from bot.kernel.messages import Choice
from bot.kernel.resolvers.base import Resolver
from data.models import Community

if TYPE_CHECKING:
    from bot.kernel.context import Ctx
    from bot.kernel.registry import Param

MAX_NAME = 80


class UnknownCommunity(NotFound):
    """No community has that name: after "in", the words may have been the member's text
    (the core then reads the line again without "in")."""


class CommunityResolver(Resolver):
    kind = "community"
    completes = True
    splits = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> Community:
        name = clean_text(text)
        if len(name) > MAX_NAME:
            raise UserError(
                "That is too long for {name}: at most {limit} characters.",
                name=label,
                limit=MAX_NAME,
            )
        try:
            return await find_community(ctx, name, allow_archived=param.arg.archived)
        except NotFound as error:
            if param.arg.unknown:  # the command's own explanation, final
                raise NotFound(param.arg.unknown, name=name[:60]) from None
            unknown = UnknownCommunity(error.key)
            unknown.values = error.values
            raise unknown from None

    async def resolve_split(
        self, ctx: Ctx, text: str, rest: str | None, rest_required: bool, param: Param, label: str
    ) -> tuple[Community, str | None]:
        """``community edit Online course design New text``: the longest run of leading
        words that names a community of this workspace is the community."""
        words = (rest or "").split()
        for cut in range(len(words) - int(rest_required), 0, -1):
            name = " ".join([text, *words[:cut]])
            if len(name) <= MAX_NAME and await Community.exists(
                workspace=ctx.workspace, name_key=name_key(name)
            ):
                found = await self.resolve(ctx, name, param, label)
                return found, " ".join(words[cut:]) or None
        return await self.resolve(ctx, text, param, label), rest

    async def implied(self, ctx: Ctx, param: Param, label: str) -> Community:
        home = await channel_community(ctx)
        if home is not None:
            return home
        mine = await my_communities(ctx)
        if len(mine) == 1:
            return mine[0]
        if not mine:
            raise UserError(
                "Name a community (`in <community>`), or join one first: type `communities`."
            )
        raise UserError(
            "Which community? Add `in <community>`; yours are: {options}.",
            options=", ".join(c.name for c in mine),
        )

    async def from_value(self, ctx: Ctx, value: str, param: Param, label: str) -> Community:
        """Buttons carry the community's number: only that one, and only if still open."""
        community = await Community.get_or_none(
            id=int(value) if is_number(value) else -1, workspace=ctx.workspace, archived=False
        )
        if community is None:
            raise UserError("That button no longer works. Try the command again.")
        return community

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        key = name_key(prefix)
        return [
            Choice(c.name, c.name)
            for c in await active_communities(ctx)
            if not key or key in c.name_key
        ]
