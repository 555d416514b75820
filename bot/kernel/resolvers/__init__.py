"""One resolver per argument kind: what turns a member's text into the object a handler
receives (see ``base.Resolver``).

The kernel resolves the kinds every area shares: the simple ones (``simple``), a community
(``community``), a member (``member``), a time zone (``timezone``), an offered language
(``language``). An area adds a kind of
its own (a meeting, a resource, a prompt) by defining a ``Resolver`` subclass with that
``kind`` in one of its modules; the registry finds it like it finds commands.
"""

from __future__ import annotations

from bot.kernel.resolvers.base import Resolver
from bot.kernel.resolvers.community import CommunityResolver
from bot.kernel.resolvers.language import LanguageResolver
from bot.kernel.resolvers.member import MemberResolver
from bot.kernel.resolvers.simple import SIMPLE_KINDS, Checked
from bot.kernel.resolvers.timezone import TimezoneResolver


def kernel_resolvers() -> dict[str, Resolver]:
    table: dict[str, Resolver] = {kind: Checked(kind) for kind in SIMPLE_KINDS}
    for resolver in (CommunityResolver(), MemberResolver(), TimezoneResolver(), LanguageResolver()):
        table[resolver.kind] = resolver
    return table
