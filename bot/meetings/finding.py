"""Finding the meeting a member means: by number (``12``, ``#12``), by the occurrence key a
button carries (``12@20270529T2330Z``) or by title, with "did you mean" on a miss. The
meeting resolver gives handlers a ``MeetingPick``: the meeting, the occurrence when the
reference named one, and the meeting's community (which the declared checks read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from tortoise.queryset import QuerySet

from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import N_
from bot.kernel.lookups import my_communities
from bot.kernel.messages import Choice
from bot.kernel.occurrences import community_id_of, is_number, parse_occurrence_key
from bot.kernel.registry import Arg, Param
from bot.kernel.resolvers.base import Resolver
from bot.kernel.typed_names import Names
from data.meeting_reads import meeting_numbered, meetings_titled
from data.models import Community, Meeting


@dataclass(frozen=True)
class MeetingPick:
    meeting: Meeting
    original: datetime | None  # the occurrence the reference named, if it named one
    community: Community


# how every meeting command names its meeting
MeetingRef = Annotated[
    MeetingPick, Arg(N_("the meeting (title or number)"), kind="meeting", max_length=200)
]


def _label(meeting: Meeting, community_name: str) -> str:
    return f"#{meeting.id} {meeting.title} ({community_name})"


async def _labels(meetings: list[Meeting]) -> str:
    ids = [community_id_of(m) for m in meetings]
    names = {c.id: c.name for c in await Community.filter(id__in=ids)}
    return ", ".join(_label(m, names.get(community_id_of(m), "")) for m in meetings[:5])


async def _pick(meeting: Meeting, original: datetime | None) -> MeetingPick:
    return MeetingPick(meeting, original, await Community.get(id=community_id_of(meeting)))


async def find_meeting(ctx: Ctx, reference: str) -> MeetingPick:
    """A meeting of this workspace by number (``12``, ``#12``), occurrence key
    (``12@20270529T2330Z``, as on buttons) or title; with the occurrence when the key
    names one."""
    text = reference.strip()
    key = parse_occurrence_key(text)
    number = text.lstrip("#")
    if key is not None or is_number(number):
        numbered = await meeting_numbered(ctx.workspace.id, key[0] if key else int(number))
        if numbered is None:
            raise NotFound(
                "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
                name=text[:60],
            )
        return MeetingPick(numbered[0], key[1] if key else None, numbered[1])
    in_workspace = Meeting.filter(community__workspace=ctx.workspace)
    titled = await meetings_titled(ctx.workspace.id, text)
    communities = {meeting.id: community for meeting, community in titled}
    exact = [meeting for meeting, _ in titled]
    if not exact:
        exact = await in_workspace.filter(title__icontains=text, cancelled=False).order_by("-id")
    titles: Names[int] = Names([])
    if not exact:  # compared again as ``bot.kernel.typed_names`` does
        titles = Names(await _titles(in_workspace))
        same = titles.same(text) or titles.containing(text)
        exact = await Meeting.filter(id__in=same).order_by("-id") if same else []
    live = [m for m in exact if not m.cancelled] or exact
    if len(live) > 1:
        mine = {c.id for c in await my_communities(ctx)}
        live = [m for m in live if community_id_of(m) in mine] or live
    if len(live) == 1:
        if live[0].id in communities:
            return MeetingPick(live[0], None, communities[live[0].id])
        return await _pick(live[0], None)
    if len(live) > 1:
        raise UserError(
            "Several meetings are called “{name}”: {options}. Use its number, e.g. `#12`.",
            name=text[:60],
            options=await _labels(live),
        )
    close = titles.close(text, 3, 0.5)
    if close:
        raise NotFound(
            "There is no meeting “{name}”. Did you mean: {options}?",
            name=text[:60],
            options=", ".join(close),
        )
    raise NotFound(
        "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
        name=text[:60],
    )


async def _titles(in_workspace: QuerySet[Meeting]) -> list[tuple[int, str]]:
    """The latest meetings' numbers and titles (those not cancelled), compared here."""
    rows = (
        await in_workspace.filter(cancelled=False)
        .order_by("-id")
        .limit(500)
        .values_list("id", "title")
    )
    return [(int(id_), str(title)) for id_, title in rows]


async def _titled(ctx: Ctx, title: str) -> MeetingPick | None:
    found = await meetings_titled(ctx.workspace.id, title)
    return MeetingPick(found[0][0], None, found[0][1]) if found else None


class MeetingResolver(Resolver):
    kind = "meeting"
    completes = True
    splits = True

    async def resolve(self, ctx: Ctx, text: str, param: Param, label: str) -> MeetingPick:
        return await find_meeting(ctx, text[: param.arg.max_length])

    async def resolve_split(
        self, ctx: Ctx, text: str, rest: str | None, rest_required: bool, param: Param, label: str
    ) -> tuple[MeetingPick, str | None]:
        """``meeting`` and ``rest`` as the parser split them; an unquoted title of several
        words ("Python hour 2027-05-29") is re-split at the longest title that exists, also
        when its first word alone would find it ("python" is in "Python hour")."""
        words = (text + " " + (rest or "")).split()
        named = text.strip().lstrip("#")
        if rest and not is_number(named) and parse_occurrence_key(text.strip()) is None:
            for size in range(len(words), len(text.split()), -1):
                match = await _titled(ctx, " ".join(words[:size]))
                if match is not None:
                    return match, " ".join(words[size:])
        try:
            return await find_meeting(ctx, text), (rest or "").strip()
        except NotFound as first_error:
            for size in range(len(words), 0, -1):
                match = await _titled(ctx, " ".join(words[:size]))
                if match is not None:
                    return match, " ".join(words[size:])
            raise first_error

    async def from_value(self, ctx: Ctx, value: str, param: Param, label: str) -> MeetingPick:
        """A button carries an occurrence key: only that occurrence of that meeting."""
        parsed = parse_occurrence_key(value)
        numbered = await meeting_numbered(ctx.workspace.id, parsed[0]) if parsed else None
        if parsed is None or numbered is None:
            raise UserError("That button no longer works. Try the command again.")
        return MeetingPick(numbered[0], parsed[1], numbered[1])

    async def complete(self, ctx: Ctx, prefix: str) -> list[Choice]:
        query = Meeting.filter(community__workspace=ctx.workspace, cancelled=False)
        text = prefix.strip().lstrip("#")
        if is_number(text):
            query = query.filter(id=int(text))
        elif text:
            query = query.filter(title__icontains=text)
        meetings = await query.order_by("title").limit(25)
        if text and not meetings and not is_number(text):  # as ``find_meeting`` compares
            titles = await _titles(Meeting.filter(community__workspace=ctx.workspace))
            found = Names(titles).containing(text)[:25]
            meetings = await Meeting.filter(id__in=found).order_by("title") if found else []
        ids = [community_id_of(m) for m in meetings]
        names = {c.id: c.name for c in await Community.filter(id__in=ids)}
        return [
            Choice(_label(m, names.get(community_id_of(m), ""))[:100], str(m.id)) for m in meetings
        ]
