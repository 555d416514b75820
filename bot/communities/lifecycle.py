"""No one-way doors: a community's channel language, unarchiving, and a community never left
without anyone able to run it.

When its last coordinator leaves (or erases their data with ``forget-me``), the member who
has been in it longest is offered the role by direct message, with a button, and the
workspace admins are told. A coordinator removed by another is told who did it.
"""

from __future__ import annotations

from typing import Annotated

from bot.kernel.args import AnyCommunityArg
from bot.kernel.context import Ctx
from bot.kernel.errors import UserError
from bot.kernel.i18n import BOTH, N_, language_name
from bot.kernel.lookups import coordinators_of, membership_of
from bot.kernel.messages import Button, Buttons, Mention, Message, Paragraph
from bot.kernel.registry import Arg, button, command, listens
from data.models import Community, Member, Membership

TAKE_ACTION = "take_coordinator"


def _mention(member: Member) -> Mention:
    return Mention(member.external_id, member.display_name)


@command(
    "community language",
    usage="community language <community> en|fr|both",
    examples=["community language python both", "community language pédagogie fr"],
    role="coordinator",
)
async def community_language_command(
    ctx: Ctx,
    community: AnyCommunityArg,
    language: Annotated[str, Arg(N_("a language code, or both"), kind="word", max_length=12)],
) -> Message:
    """Choose the language of a community's channel: en, fr or both (English and French together)"""
    # any language the settings offer (a language is a catalog file), or all of them together
    language = language.lower()
    offered = ctx.settings.language_codes
    if language not in (*offered, BOTH):
        raise UserError(
            "“{value}” is not a channel language. Use one of: {options}.",
            value=language,
            options=", ".join((*offered, BOTH)),
        )
    community.language = language
    await community.save(update_fields=["language"])
    if language == BOTH:
        said = ctx.tr.spans(
            "Posts in the channel of “{name}” are now in every language together ({languages}). "
            "Direct messages stay in each member's own language.",
            name=community.name,
            languages=", ".join(language_name(code, ctx.tr) for code in offered),
        )
    else:
        said = ctx.tr.spans(
            "Posts in the channel of “{name}” are now in {language}.",
            name=community.name,
            language=language_name(language, ctx.tr),
        )
    return Message(ephemeral=True).add(Paragraph(said))


@command(
    "community unarchive",
    usage="community unarchive <community>",
    examples=["community unarchive python"],
    role="coordinator",
)
async def unarchive_community(ctx: Ctx, community: AnyCommunityArg) -> Message:
    """Bring an archived community back"""
    if not community.archived:  # already open: nothing to undo
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("“{name}” is not archived.", name=community.name))
        )
    community.archived = False
    await community.save(update_fields=["archived"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "“{name}” is active again. Run `community bind {name}` in a channel to give it "
                "a home channel.",
                name=community.name,
            )
        )
    )


# ---- a community is never left without a coordinator --------------------------------


async def longest_standing(community: Community, *, leaving: Member) -> Member | None:
    """The active member who has been in the community longest (not the one leaving)."""
    row = await (
        Membership.filter(community=community, left_at__isnull=True, member__is_bot=False)
        .exclude(member_id=leaving.id)
        .order_by("joined_at", "id")
        .prefetch_related("member")
        .first()
    )
    return row.member if row is not None else None


async def hand_over(ctx: Ctx, community: Community, leaving: Member) -> None:
    """``leaving`` was the community's last coordinator: offer the role to the member who
    has been in it longest (a direct message with a button) and tell the workspace admins.
    Call it after the coordinator's membership has changed."""
    if await coordinators_of(community):
        return
    candidate = await longest_standing(community, leaving=leaving)
    if candidate is not None:
        tr = ctx.translator_for(candidate)
        offer = Message().add(
            Paragraph(
                tr.spans(
                    "“{community}” has no coordinator since {member} left. You have been in it "
                    "longest: would you run it? Coordinators schedule meetings, welcome "
                    "newcomers and keep the repertoire tidy.",
                    community=community.name,
                    member=leaving.display_name,
                )
            ),
            Buttons(
                (Button(tr("Become coordinator"), TAKE_ACTION, str(community.id), style="primary"),)
            ),
        )
        await ctx.direct(candidate, offer)
    admins = await Member.filter(workspace=ctx.workspace, is_admin=True, is_bot=False).exclude(
        id=leaving.id
    )
    for admin in admins:
        tr = ctx.translator_for(admin)
        if candidate is not None:
            text = tr.spans(
                "“{community}” has no coordinator since {member} left. I offered the role to "
                "{candidate}, its longest-standing member.",
                community=community.name,
                member=leaving.display_name,
                candidate=_mention(candidate),
            )
        else:
            text = tr.spans(
                "“{community}” has no coordinator and no members since {member} left. You can "
                "archive it, or join it and become its coordinator.",
                community=community.name,
                member=leaving.display_name,
            )
        await ctx.direct(admin, Message().add(Paragraph(text)))


@listens("coordinator.gone")
async def on_coordinator_gone(ctx: Ctx, community: Community, member: Member) -> None:
    """Another area (privacy's forget-me) removed a coordinator."""
    await hand_over(ctx, community, member)


@button(TAKE_ACTION)
async def press_take_coordinator(
    ctx: Ctx,
    community_id: Annotated[int, Arg(N_("the community"), kind="int")],
) -> Message:
    community = await Community.get_or_none(id=community_id, workspace=ctx.workspace)
    if community is None:
        raise UserError("That button no longer works. Try the command again.")
    if await coordinators_of(community):
        raise UserError("“{name}” has a coordinator again: nothing to do.", name=community.name)
    membership = await membership_of(ctx.member, community)
    if membership is None:
        raise UserError("That button no longer works. Try the command again.")
    membership.role = "coordinator"
    await membership.save(update_fields=["role"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "You are now a coordinator of “{name}”. Thank you! `help community` lists what "
                "coordinators can do.",
                name=community.name,
            )
        )
    )


async def tell_removed_coordinator(ctx: Ctx, community: Community, removed: Member) -> None:
    """A coordinator removed by another learns it, and from whom."""
    if removed.id == ctx.member.id:
        return
    tr = ctx.translator_for(removed)
    await ctx.direct(
        removed,
        Message().add(
            Paragraph(
                tr.spans(
                    "{by} removed you as a coordinator of “{community}”. You are still a member.",
                    by=_mention(ctx.member),
                    community=community.name,
                )
            )
        ),
    )
