"""Argument types handlers share, declared once. A handler writes ``community:
CommunityArg`` and receives a ``Community``: the resolver of its kind reads it from the
member's text (``bot.kernel.resolvers``) and explains a miss.

    async def bind(ctx: Ctx, community: CommunityArg) -> Message            # required
    async def members(ctx: Ctx, community: InCommunity = IMPLIED) -> ...    # named or implied
    async def search(ctx: Ctx, community: MaybeCommunity = None) -> ...     # None: everywhere
"""

from __future__ import annotations

from typing import Annotated

from bot.kernel.i18n import N_
from bot.kernel.registry import IMPLIED, Arg
from data.models import Community, Member

__all__ = [
    "IMPLIED",
    "AnyCommunityArg",
    "CommunityArg",
    "InCommunity",
    "MaybeAnyCommunity",
    "MaybeCommunity",
    "MemberArg",
]

_THE_COMMUNITY = N_("the community")
MAX_NAME = 80

# a community named as the first argument ("join python")
CommunityArg = Annotated[Community, Arg(_THE_COMMUNITY, kind="community", max_length=MAX_NAME)]
# the same, archived ones included (leaving one, its statistics)
AnyCommunityArg = Annotated[
    Community, Arg(_THE_COMMUNITY, kind="community", max_length=MAX_NAME, archived=True)
]
# "in <community>" anywhere in the line; give it the default IMPLIED to get the channel's
# community or the member's only one when none is named
InCommunity = Annotated[
    Community, Arg(_THE_COMMUNITY, kind="community", max_length=MAX_NAME, via_in=True)
]
# "in <community>", or None when none is named
MaybeCommunity = Annotated[
    Community | None, Arg(_THE_COMMUNITY, kind="community", max_length=MAX_NAME, via_in=True)
]
# the same, archived ones included (statistics)
MaybeAnyCommunity = Annotated[
    Community | None,
    Arg(_THE_COMMUNITY, kind="community", max_length=MAX_NAME, via_in=True, archived=True),
]
MemberArg = Annotated[Member, Arg(N_("the member"), kind="member")]
