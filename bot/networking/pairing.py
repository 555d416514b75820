"""Who meets whom in a networking round: a small optimisation over the opted-in members,
pure (no database), so every rule can be tested directly. See ``bot.networking.commands``
for the rules in words."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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
