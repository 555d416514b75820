"""Telling members about a change to a meeting: the community's channel in the language most
of its members read, then each member who answered going or maybe, by direct message in
their own language and zone; those who refuse direct messages are mentioned in the channel.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.kernel.context import Ctx
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.lookups import community_language
from bot.kernel.messages import Mention, Message, Paragraph, Span, Text
from bot.kernel.occurrences import Upcoming
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


async def channel_translator(ctx: Ctx, community: Community) -> Translator:
    """The community's channel reads the language most of its members read, as the
    scheduled announcements, prompts and digest do."""
    language = await community_language(community, ctx.settings.default_language)
    return translator_for(ctx.settings, language)


async def tell(
    ctx: Ctx, members: list[Member], community: Community, build: MessageBuilder
) -> None:
    """DM each member a message built in their language and zone; members who refuse
    direct messages are mentioned once, together, in the community's channel."""
    blocked: list[Member] = []
    for member in members:
        if not await ctx.direct(member, build(ctx.translator_for(member), ctx.zone_for(member))):
            blocked.append(member)
    if blocked and community.home_channel_id:
        mentions: list[Span] = []
        for index, member in enumerate(blocked):
            mentions += [Text(", ")] if index else []
            mentions.append(Mention(member.external_id, member.display_name))
        channel_tr = await channel_translator(ctx, community)
        notice = Message().add(
            Paragraph(
                (
                    *mentions,
                    Text(" — "),
                    *channel_tr.spans("I couldn't reach you privately: see the notice above."),
                )
            )
        )
        await ctx.post(community.home_channel_id, notice)


async def notify(
    ctx: Ctx, community: Community, members: list[Member], build: MessageBuilder
) -> None:
    """Tell the channel, then each member who answered going or maybe."""
    if community.home_channel_id:
        channel_tr = await channel_translator(ctx, community)
        await ctx.post(community.home_channel_id, build(channel_tr, ctx.settings.default_timezone))
    await tell(ctx, members, community, build)
