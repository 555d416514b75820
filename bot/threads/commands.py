"""Replies in threads the bot started: links posted in a meeting's thread are offered for
the community's repertoire (the Add button is the resources area's ``share_offer``).
Prompts count the answers in their own threads from the same event."""

from __future__ import annotations

import re

from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.identity import mark_active
from bot.kernel.messages import Button, Buttons, Link, Mention, Message, Paragraph
from bot.kernel.registry import on
from bot.kernel.urls import normalize_url, without_trackers
from data.models import Community, Occurrence, Resource

_URL = re.compile(r"<?(https?://[^\s<>|]+)")
MAX_OFFERS = 3


@on("thread_reply")
async def on_thread_reply(
    ctx: Ctx, thread: str = "", text: str = "", channel_id: str = "", **_: str
) -> None:
    if not thread or ctx.who.is_bot:
        return
    await mark_active(ctx.member, ctx.clock.now())  # answering counts as taking part
    occurrence = await Occurrence.get_or_none(
        thread_ref=thread, meeting__community__workspace=ctx.workspace
    ).prefetch_related("meeting__community")
    if occurrence is None:
        return
    community = occurrence.meeting.community
    where = channel_id or community.home_channel_id
    if not where:
        return
    for url in await _new_links(community, text):
        tr = ctx.translator_for(ctx.member)
        offer = Message().add(
            Paragraph(
                tr.spans(
                    "{member} posted {link} in the meeting thread. Add it to the "
                    "repertoire of {community}?",
                    member=Mention(ctx.member.external_id, ctx.member.display_name),
                    link=Link(url),
                    community=community.name,
                )
            ),
            Buttons((Button(tr("Add to the repertoire"), "share_offer", f"{community.id} {url}"),)),
        )
        await ctx.post(where, offer, thread=thread)


def _trim(url: str) -> str:
    """The link without the sentence's punctuation after it ("see https://x.org/a.")."""
    while url and (
        url[-1] in ".,;:!?'\"»”’" or (url[-1] == ")" and url.count("(") < url.count(")"))
    ):
        url = url[:-1]
    return url


async def _new_links(community: Community, text: str) -> list[str]:
    """http(s) links in ``text`` that are not in the community's repertoire yet."""
    found: list[str] = []
    for url in (without_trackers(_trim(u)) for u in _URL.findall(text)[:MAX_OFFERS]):
        try:
            key = normalize_url(url)
        except UserError:
            continue
        if url not in found and not await Resource.exists(community=community, url_key=key):
            found.append(url)
    return found
