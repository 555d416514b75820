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
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

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
from bot.kernel.people import join_spans, mention, one_line_intro, words_of
from bot.kernel.registry import Arg, command
from bot.kernel.schedules import describe_spans, store_cadence
from bot.kernel.timewords import Question
from bot.kernel.timewords.ask import ask
from data.models import (
    Community,
    Member,
    NetworkingPair,
    NetworkingRound,
    NetworkingSchedule,
)

log = logging.getLogger(__name__)

WORK_START, WORK_END = time(9, 0), time(17, 0)
WORKDAY = timedelta(hours=8)
# costs: a repeated pair outweighs everything else put together
REPEAT_COST = 100_000
RECENT_COST = 1_000  # divided by rounds since they last met: older repeats first
ZONE_COST = 100  # no working-hours overlap at all
INTEREST_BONUS = 5  # per shared interest, at most three
HELP_BONUS = 10  # one can help with what the other wants to learn
EXACT_LIMIT = 11  # up to this many members, every grouping is tried
SWAP_PASSES = 6
ANEW_STEPS = 5_000  # search steps for an all-new round when greedy pairing repeats

Group = tuple[int, ...]


# ---- pairing (pure) -----------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    member_id: int
    zone: str
    interests: frozenset[str]
    helps: frozenset[str]  # words of "can help with"
    learns: frozenset[str]  # words of "wants to learn"


@dataclass
class History:
    """Who met whom in earlier rounds: how often, and how many rounds ago (1 = last)."""

    times: Counter[frozenset[int]]
    rounds_ago: dict[frozenset[int], int]

    @classmethod
    def from_rounds(cls, rounds: Sequence[Sequence[Group]]) -> History:
        """``rounds`` oldest first, each a list of groups (pairs or a trio)."""
        times: Counter[frozenset[int]] = Counter()
        ago: dict[frozenset[int], int] = {}
        for index, groups in enumerate(rounds):
            for group in groups:
                for a, b in itertools.combinations(group, 2):
                    key = frozenset((a, b))
                    times[key] += 1
                    ago[key] = len(rounds) - index
        return cls(times, ago)

    def met(self, a: int, b: int) -> bool:
        return self.times[frozenset((a, b))] > 0


def working_overlap(zone_a: str, zone_b: str, day: date) -> tuple[datetime, datetime] | None:
    """The longest stretch where both 9:00–17:00 working days overlap, around ``day``
    (the neighbouring days count too, for zones on either side of the date line)."""
    best: tuple[datetime, datetime] | None = None

    def hours(zone: str, on: date) -> tuple[datetime, datetime]:
        tz = ZoneInfo(zone)
        return (
            datetime.combine(on, WORK_START, tz).astimezone(ZoneInfo("UTC")),
            datetime.combine(on, WORK_END, tz).astimezone(ZoneInfo("UTC")),
        )

    for shift_a, shift_b in itertools.product((-1, 0, 1), repeat=2):
        a = hours(zone_a, day + timedelta(days=shift_a))
        b = hours(zone_b, day + timedelta(days=shift_b))
        start, end = max(a[0], b[0]), min(a[1], b[1])
        if end > start and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    return best


class Costs:
    """Pair costs for one round, computed once."""

    def __init__(self, candidates: Sequence[Candidate], history: History, day: date) -> None:
        self.history = history
        self.by_id = {c.member_id: c for c in candidates}
        self._cache: dict[frozenset[int], float] = {}
        self._overlap: dict[tuple[str, str], float] = {}
        self.day = day

    def overlap_hours(self, a: Candidate, b: Candidate) -> float:
        key = (a.zone, b.zone) if a.zone <= b.zone else (b.zone, a.zone)
        if key not in self._overlap:
            window = working_overlap(key[0], key[1], self.day)
            self._overlap[key] = (window[1] - window[0]) / timedelta(hours=1) if window else 0.0
        return self._overlap[key]

    def pair(self, a_id: int, b_id: int) -> float:
        key = frozenset((a_id, b_id))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        a, b = self.by_id[a_id], self.by_id[b_id]
        cost = 0.0
        times = self.history.times[key]
        if times:
            cost += REPEAT_COST * times + RECENT_COST / self.history.rounds_ago[key]
        workday_hours = WORKDAY / timedelta(hours=1)
        cost += ZONE_COST * (1 - min(self.overlap_hours(a, b), workday_hours) / workday_hours)
        cost -= INTEREST_BONUS * min(len(a.interests & b.interests), 3)
        if a.helps & b.learns:
            cost -= HELP_BONUS
        if b.helps & a.learns:
            cost -= HELP_BONUS
        self._cache[key] = cost
        return cost

    def group(self, group: Group) -> float:
        return sum(self.pair(a, b) for a, b in itertools.combinations(group, 2))

    def repeats(self, groups: Sequence[Group]) -> int:
        return sum(
            1
            for group in groups
            for a, b in itertools.combinations(group, 2)
            if self.history.met(a, b)
        )


def _groupings(ids: list[int]) -> Iterator[list[Group]]:
    """Every way to split ``ids`` into pairs, plus one trio when the count is odd."""
    if not ids:
        yield []
        return
    first, rest = ids[0], ids[1:]
    if len(ids) % 2 == 1:
        if len(ids) == 1:
            return
        for second, third in itertools.combinations(rest, 2):
            remaining = [i for i in rest if i not in (second, third)]
            for tail in _groupings(remaining):
                yield [(first, second, third), *tail]
    for index, second in enumerate(rest):
        remaining = rest[:index] + rest[index + 1 :]
        for tail in _groupings(remaining):
            yield [(first, second), *tail]


def _can_pair_anew(ids: list[int], met: set[frozenset[int]]) -> bool:
    """Whether these members can all be grouped without anyone meeting again."""
    if not ids:
        return True
    first, rest = ids[0], ids[1:]
    if len(ids) % 2 == 1:
        if len(ids) == 1:
            return False
        for second, third in itertools.combinations(rest, 2):
            trio = ((first, second), (first, third), (second, third))
            if any(frozenset(p) in met for p in trio):
                continue
            if _can_pair_anew([i for i in rest if i not in (second, third)], met):
                return True
    for index, second in enumerate(rest):
        remaining = rest[:index] + rest[index + 1 :]
        if frozenset((first, second)) in met:
            continue
        if _can_pair_anew(remaining, met):
            return True
    return False


def _exact(ids: list[int], costs: Costs) -> list[Group]:
    scored = sorted(
        (
            (costs.repeats(grouping), sum(costs.group(g) for g in grouping), index, grouping)
            for index, grouping in enumerate(_groupings(ids))
        ),
        key=lambda item: (item[0], item[1], item[2]),
    )
    fewest = scored[0][0]
    if fewest == 0:
        # look one round ahead: prefer a grouping after which everyone can still meet
        # someone new, so a lucky order doesn't strand the last unused pairs
        met = {key for key, count in costs.history.times.items() if count}
        for repeats, _, _, grouping in scored:
            if repeats:
                break
            used = met | {
                frozenset(p) for group in grouping for p in itertools.combinations(group, 2)
            }
            if _can_pair_anew(ids, used):
                return grouping
    return scored[0][3]


def _greedy(ids: list[int], costs: Costs) -> list[Group]:
    edges = sorted(
        ((costs.pair(a, b), a, b) for a, b in itertools.combinations(ids, 2)),
        key=lambda edge: edge[0],
    )
    free = set(ids)
    groups: list[Group] = []
    for _, a, b in edges:
        if a in free and b in free:
            groups.append((a, b))
            free -= {a, b}
    if free:
        (odd,) = free
        best = min(
            range(len(groups)),
            key=lambda i: costs.pair(odd, groups[i][0]) + costs.pair(odd, groups[i][1]),
        )
        groups[best] = (*groups[best], odd)
    # repair: swapping partners between two pairs often removes a repeat or a zone clash
    for _ in range(SWAP_PASSES):
        improved = False
        for i, j in itertools.combinations(range(len(groups)), 2):
            if len(groups[i]) != 2 or len(groups[j]) != 2:
                continue
            (a, b), (c, d) = groups[i], groups[j]
            now = costs.pair(a, b) + costs.pair(c, d)
            for first, second in (((a, c), (b, d)), ((a, d), (b, c))):
                if costs.pair(*first) + costs.pair(*second) < now - 1e-9:
                    groups[i], groups[j] = first, second
                    improved = True
                    break
        if not improved:
            break
    return groups


def _anew(ids: list[int], costs: Costs, budget: int = ANEW_STEPS) -> list[Group] | None:
    """A grouping where nobody meets again, found by a bounded search (the member with the
    fewest new partners left goes first, cheapest partners tried first); None when there is
    none or the search ran out of steps. Greedy matching can strand the last new pairs."""
    met = {key for key, count in costs.history.times.items() if count}
    unmet = {m: {o for o in ids if o != m and frozenset((m, o)) not in met} for m in ids}
    steps = [budget]

    def new(a: int, b: int) -> bool:
        return b in unmet[a]

    def search(free: list[int]) -> list[Group] | None:
        steps[0] -= 1
        if not free:
            return []
        if steps[0] < 0:
            return None
        here = set(free)
        options = {m: unmet[m] & here for m in free}
        first = min(free, key=lambda m: (len(options[m]), m))
        ranked = sorted(options[first], key=lambda o: (costs.pair(first, o), o))
        groups: list[Group] = []
        if len(free) != 3:
            groups += [(first, partner) for partner in ranked]
        if len(free) % 2:  # an odd count: somebody is in the one trio, maybe ``first``
            groups += [(first, b, c) for b, c in itertools.combinations(ranked, 2) if new(b, c)]
        for group in groups:
            rest = search([m for m in free if m not in group])
            if rest is not None:
                return [group, *rest]
            if steps[0] < 0:
                return None
        return None

    return search(list(ids))


def make_groups(candidates: Sequence[Candidate], history: History, day: date) -> list[Group]:
    """This round's pairs (and one trio for an odd count), each sorted, in a stable order.
    Nobody is grouped when fewer than two take part."""
    ids = sorted(c.member_id for c in candidates)
    if len(ids) < 2:
        return []
    costs = Costs(candidates, history, day)
    if len(ids) <= EXACT_LIMIT:
        grouping = _exact(ids, costs)
    else:
        grouping = _greedy(ids, costs)
        if costs.repeats(grouping):
            # a repeat only when no all-new round can be found
            grouping = _anew(ids, costs) or grouping
    return sorted(tuple(sorted(group)) for group in grouping)


# ---- rounds in the database ---------------------------------------------------------


def candidate_of(member: Member, default_zone: str) -> Candidate:
    return Candidate(
        member_id=member.id,
        zone=member.timezone or default_zone,
        interests=frozenset(member.interests or ()),
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
        shared = sorted(set(partner.interests or ()) & set(reader.interests or ()))
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
