"""Telling a meeting's people about a change: its channel, then each member who answered
going or maybe, by direct message after the command commits.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.kernel.context import Ctx
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.lookups import community_language
from bot.kernel.messages import Message
from bot.kernel.occurrences import Upcoming
from bot.meetings.effects import queue_tell
from data.models import Community, Member


async def answered(items: list[Upcoming]) -> list[Member]:
    """Members who said going or maybe to any of these occurrences."""
    rows = [item.occurrence for item in items if item.occurrence is not None]
    if not rows:
        return []
    return await Member.filter(
        rsvps__occurrence_id__in=[row.id for row in rows], rsvps__status__in=("going", "maybe")
    ).distinct()


MessageBuilder = Callable[[Translator, str], Message]


async def _channel_translator(ctx: Ctx, community: Community) -> Translator:
    """The community's channel reads the language most of its members read, as the
    scheduled announcements, prompts and digest do."""
    language = await community_language(community, ctx.settings.default_language)
    return translator_for(ctx.settings, language)


async def _tell(
    ctx: Ctx, members: list[Member], community: Community, build: MessageBuilder
) -> None:
    """DM each member a message built in their language and zone, after the command
    commits; members who refuse direct messages are mentioned once, together, in the
    community's channel."""
    if not members:
        return
    messages = [(m, build(ctx.translator_for(m), ctx.zone_for(m))) for m in members]
    channel_tr = await _channel_translator(ctx, community)
    queue_tell(ctx, community, channel_tr.language, messages)


async def notify(
    ctx: Ctx, community: Community, members: list[Member], build: MessageBuilder
) -> None:
    """Tell the channel, then each member who answered going or maybe."""
    if community.home_channel_id:
        channel_tr = await _channel_translator(ctx, community)
        await ctx.post(community.home_channel_id, build(channel_tr, ctx.settings.default_timezone))
    await _tell(ctx, members, community, build)
