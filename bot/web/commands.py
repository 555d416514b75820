"""The web front, seen from chat: ``web`` hands a member a personal sign-in link, and
``community visibility`` lets coordinators list a community in the public directory.

The pages themselves are served by ``adapters/web``; what they show is read by
``bot.web.pages``. A community is ``members`` (only its signed-in members see its page)
until a coordinator makes it ``public``.
"""

from __future__ import annotations

from typing import Annotated

from bot.kernel.args import CommunityArg
from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import N_
from bot.kernel.messages import Heading, Link, Message, Note, Paragraph
from bot.kernel.registry import Arg, command, listens
from bot.web.access import LINK_MINUTES, create_link, end_member_sessions
from data.models import VISIBILITIES, Member

SIGNIN_PATH = "/signin/"


@command("web", usage="web", examples=["web"])
async def web(ctx: Ctx) -> Message:
    """A personal link that signs you in to the community web pages"""
    if not ctx.settings.http_enabled:
        raise UserError("The web pages are not served here: the operator sets HTTP_PORT first.")
    token = await create_link(ctx.member, ctx.workspace, ctx.clock.now())
    url = ctx.settings.public_base_url + SIGNIN_PATH + token
    return Message(ephemeral=True).add(
        Heading(ctx.tr("Your web link")),
        Paragraph(ctx.tr.spans("Open {link} to sign in.", link=Link(url, url))),
        Note(
            ctx.tr.spans(
                "It works once, within {minutes} minutes, and only for you: do not share it.",
                minutes=LINK_MINUTES,
            )
        ),
    )


@command(
    "community visibility",
    usage="community visibility <community> public|members",
    examples=["community visibility python public"],
    role="coordinator",
)
async def visibility(
    ctx: Ctx,
    community: CommunityArg,
    level: Annotated[str, Arg(N_("public or members"), kind="choice", choices=VISIBILITIES)],
) -> Message:
    """Show a community in the public web directory, or to its members only"""
    community.visibility = level
    await community.save(update_fields=["visibility"])
    if level == "public":
        said = ctx.tr.spans(
            "“{name}” is now in the public web directory: anyone can see its page.",
            name=community.name,
        )
    else:
        said = ctx.tr.spans(
            "“{name}” is now visible on the web to its members only.", name=community.name
        )
    return Message(ephemeral=True).add(Paragraph(said))


@listens("member.forgotten")
async def forget_web_sessions(ctx: Ctx, member: Member) -> list[object]:
    """``forget-me``: the member's sign-in links and sessions open nothing any more."""
    await end_member_sessions(member)
    return []
