"""Networking rounds: members opt in (``networking on``), coordinators set a cadence, and
each round pairs the opted-in members of a community and introduces every pair by direct
message, saying why they were matched.

Pairing is a small optimisation, not a lottery: a pair that has met before costs far
more than any other consideration, so no pair repeats while a round without repeats can
still be made; among the rest, pairs whose 9:00–17:00 working days overlap across time
zones win, and shared interests or "can help with" / "wants to learn" matches break
ties. Small groups are solved exactly (with one round of look-ahead, so a round does not
use up the last way of pairing everyone anew); large ones greedily with swap repairs.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from tortoise.transactions import in_transaction

from bot.kernel.args import CommunityArg
from bot.kernel.context import Ctx
from bot.kernel.i18n import N_, Translator
from bot.kernel.lookups import my_communities
from bot.kernel.messages import (
    BulletList,
    Heading,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    Time,
)
from bot.kernel.people import interest_keys, join_spans, mention, one_line_intro, words_of
from bot.kernel.registry import Arg, command
from bot.kernel.schedules import describe_spans, store_cadence
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from bot.networking.pairing import (
    Candidate,
    Group,
    History,
    make_groups,
    working_overlap,
)
from data.models import (
    Community,
    Member,
    NetworkingPair,
    NetworkingRound,
    NetworkingSchedule,
)

log = logging.getLogger(__name__)

# ---- rounds in the database ---------------------------------------------------------


def candidate_of(member: Member, default_zone: str) -> Candidate:
    return Candidate(
        member_id=member.id,
        zone=member.timezone or default_zone,
        interests=frozenset(interest_keys(member)),
        helps=frozenset(words_of(member.can_help_with)),
        learns=frozenset(words_of(member.wants_to_learn)),
    )


async def opted_in_members(community: Community) -> list[Member]:
    """Current, human members of the community who said ``networking on``."""
    return await Member.filter(
        memberships__community=community,
        memberships__left_at__isnull=True,
        networking_opt_in=True,
        is_bot=False,
    ).order_by("id")


def groups_of(pairs: Sequence[NetworkingPair]) -> list[Group]:
    out = []
    for pair in pairs:
        ids = [pair.member_a_id, pair.member_b_id]  # type: ignore[attr-defined]
        if pair.member_c_id is not None:  # type: ignore[attr-defined]
            ids.append(pair.member_c_id)  # type: ignore[attr-defined]
        out.append(tuple(ids))
    return out


async def past_groups(community: Community, before: datetime) -> list[list[Group]]:
    rounds = await NetworkingRound.filter(community=community, round_at__lt=before).order_by(
        "round_at"
    )
    pairs = await NetworkingPair.filter(round_id__in=[r.id for r in rounds])
    by_round: dict[int, list[NetworkingPair]] = {r.id: [] for r in rounds}
    for pair in pairs:
        by_round[pair.round_id].append(pair)  # type: ignore[attr-defined]
    return [groups_of(by_round[r.id]) for r in rounds]


async def make_round(
    community: Community, round_at: datetime, default_zone: str
) -> tuple[NetworkingRound, list[NetworkingPair]]:
    """The round at ``round_at`` with its pairs, made now if it doesn't exist yet (a retry
    finds the pairs already chosen, so nobody is re-paired differently)."""
    async with in_transaction():
        existing = await NetworkingRound.get_or_none(community=community, round_at=round_at)
        if existing is not None:
            return existing, await NetworkingPair.filter(round=existing).order_by("id")
        members = await opted_in_members(community)
        history = History.from_rounds(await past_groups(community, round_at))
        candidates = [candidate_of(m, default_zone) for m in members]
        groups = make_groups(candidates, history, round_at.date())
        made = await NetworkingRound.create(community=community, round_at=round_at)
        pairs = []
        for group in groups:
            pairs.append(
                await NetworkingPair.create(
                    round=made,
                    member_a_id=group[0],
                    member_b_id=group[1],
                    member_c_id=group[2] if len(group) > 2 else None,
                )
            )
        log.info(
            "networking round for community %s: %d members, %d groups, %d repeats",
            community.id,
            len(members),
            len(groups),
            sum(1 for g in groups for a, b in itertools.combinations(g, 2) if history.met(a, b)),
        )
        return made, pairs


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def introduction(
    tr: Translator,
    community: Community,
    reader: Member,
    partners: Sequence[Member],
    round_at: datetime,
    default_zone: str,
    met_before: set[int],
) -> Message:
    """The direct message introducing ``reader`` to their partners, with why they match.
    ``met_before`` holds the partners paired with the reader in an earlier round."""
    key = (
        N_("This round you are a group of three: meet {partners}.")
        if len(partners) > 1
        else N_("This round, meet {partners}.")
    )
    message = Message().add(
        Heading(tr("Networking: {community}", community=community.name)),
        Paragraph(join_spans(tr, key, "partners", [mention(p) for p in partners])),
    )
    reader_zone = reader.timezone or default_zone
    for partner in partners:
        line: list[Span] = [Strong(partner.display_name)]
        summary = one_line_intro(partner)
        if summary:
            line += [Text(" — "), Text(summary)]
        message.add(Paragraph(tuple(line)))
        reasons: list[tuple[Span, ...]] = []
        theirs, mine = interest_keys(partner), interest_keys(reader)
        shared = sorted(mine[key] for key in theirs.keys() & mine.keys())
        if shared:
            tags = " ".join("#" + tag for tag in shared)
            reasons.append(tr.spans("you share an interest in {tags}", tags=tags))
        if words_of(partner.can_help_with) & words_of(reader.wants_to_learn):
            reasons.append(
                tr.spans(
                    "{name} can help with what you want to learn: {what}",
                    name=Text(partner.display_name),
                    what=Text(_short(partner.can_help_with)),
                )
            )
        if words_of(reader.can_help_with) & words_of(partner.wants_to_learn):
            reasons.append(
                tr.spans(
                    "you can help {name} with what they want to learn: {what}",
                    name=Text(partner.display_name),
                    what=Text(_short(partner.wants_to_learn)),
                )
            )
        window = working_overlap(reader_zone, partner.timezone or default_zone, round_at.date())
        if window is not None:
            start = Time(window[0], "time", reader_zone, tr.language)
            end = Time(window[1], "time", reader_zone, tr.language)
            reasons.append(
                tr.spans("your working days overlap from {start} to {end}", start=start, end=end)
            )
        if partner.id not in met_before:
            reasons.append(tr.spans("you have not been paired before"))
        message.add(Paragraph(tr.spans("Why you were matched:")), BulletList(tuple(reasons)))
        if window is None:
            message.add(
                Note(tr.spans("Your working hours don't overlap: suggest an early or late slot."))
            )
    return message.add(
        Note(tr.spans("Suggest a 30-minute call this week: write to them directly."))
    )


# ---- commands -----------------------------------------------------------------------


@command("networking on", usage="networking on", examples=["networking on"])
async def networking_on(ctx: Ctx) -> Message:
    """Take part in networking rounds: be paired with another member now and then"""
    if ctx.member.networking_opt_in:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("You are already taking part in networking rounds."))
        )
    ctx.member.networking_opt_in = True
    await ctx.member.save(update_fields=["networking_opt_in"])
    reply = Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "You're in. In each networking round of your communities "
                "I'll pair you with another member and introduce you both by "
                "direct message."
            )
        )
    )
    mine = await my_communities(ctx)
    schedules = await NetworkingSchedule.filter(
        community_id__in=[c.id for c in mine], active=True
    ).prefetch_related("community")
    if schedules:
        now = ctx.clock.now()
        lines = []
        for schedule in schedules:
            described = describe_spans(
                schedule.rrule, schedule.start_local, schedule.timezone, ctx.tr, now
            )
            lines.append((Strong(schedule.community.name), Text(": "), *described))
        reply.add(Paragraph(ctx.tr.spans("Rounds in your communities:")), BulletList(tuple(lines)))
    else:
        reply.add(
            Note(
                ctx.tr.spans(
                    "None of your communities has networking rounds yet; a "
                    "coordinator can start them with `networking schedule "
                    "<community> <cadence>`."
                )
            )
        )
    if not (ctx.member.interests or ctx.member.can_help_with or ctx.member.wants_to_learn):
        reply.add(
            Note(
                ctx.tr.spans(
                    "Tip: fill in your interests, what you can help with and "
                    "what you want to learn (`intro`), so I can pair you well "
                    "and say why."
                )
            )
        )
    return reply


@command("networking off", usage="networking off", examples=["networking off"])
async def networking_off(ctx: Ctx) -> Message:
    """Stop taking part in networking rounds"""
    if not ctx.member.networking_opt_in:
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("You are not taking part in networking rounds."))
        )
    ctx.member.networking_opt_in = False
    await ctx.member.save(update_fields=["networking_opt_in"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Done: you won't be paired in networking rounds any more. "
                "`networking on` to come back."
            )
        )
    )


@command(
    "networking schedule",
    usage="networking schedule <community> <cadence>|off",
    examples=[
        "networking schedule python every Wednesday at 10am",
        "networking schedule python every other Monday at 9:00 America/Vancouver",
        "networking schedule python le premier mardi du mois à 12 h",
        "networking schedule python weekly wed 10:00",
        "networking schedule python off",
    ],
    role="coordinator",
)
async def networking_schedule(
    ctx: Ctx,
    community: CommunityArg,
    cadence: Annotated[str, Arg(N_("when, or off"), kind="text", max_length=120)],
) -> Message:
    """How often a community's networking rounds happen (or off)"""
    found = community
    parsed = await store_cadence(NetworkingSchedule, found, cadence, ctx.timezone, ctx.clock.now())
    if isinstance(parsed, Question):
        arguments = {"community": found.name, "cadence": cadence}
        return await ask(ctx, parsed, "networking schedule", arguments, "cadence")
    if parsed is None:
        return Message(ephemeral=True).add(
            Paragraph(
                ctx.tr.spans("Networking rounds for “{community}” are off.", community=found.name)
            )
        )
    described = describe_spans(
        parsed.rrule, parsed.start_local, parsed.timezone, ctx.tr, ctx.clock.now()
    )
    count = len(await opted_in_members(found))
    return Message(ephemeral=True).add(
        Paragraph(
            (
                *ctx.tr.spans("Networking rounds for “{community}”: ", community=found.name),
                *described,
            )
        ),
        Note(
            ctx.tr.nspans(
                "{count} member has opted in so far (`networking on`).",
                "{count} members have opted in so far (`networking on`).",
                count,
                count=count,
            )
        ),
    )


__all__ = [
    "Candidate",
    "Group",
    "History",
    "make_groups",
    "working_overlap",
]  # what the scheduler and tests read from here
