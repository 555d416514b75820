"""Shared set-up for the security tests: a populated workspace, table snapshots, span walks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise
from tortoise.models import Model

from bot.kernel.messages import (
    BulletList,
    ChannelRef,
    Fields,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Span,
    message_text,
)
from data.models import Confirmation, Meeting, Occurrence, Prompt, Resource
from tests.support.harness import Harness


def all_models() -> list[type[Model]]:
    return [m for app in Tortoise.apps.values() for m in app.values()]


async def snapshot() -> dict[str, dict[Any, dict[str, Any]]]:
    """Every row of every table, by primary key."""
    tables: dict[str, dict[Any, dict[str, Any]]] = {}
    for model in all_models():
        rows = await model.all().values()
        tables[model._meta.db_table] = {row["id"]: row for row in rows}
    return tables


def changed_rows(
    before: dict[str, dict[Any, dict[str, Any]]],
    after: dict[str, dict[Any, dict[str, Any]]],
    ignore: tuple[str, ...] = ("processed_event",),
) -> list[str]:
    """Rows of ``before`` that changed or disappeared, and rows that appeared."""
    problems = []
    for table, rows in before.items():
        if table in ignore:
            continue
        for key, row in rows.items():
            if after[table].get(key) != row:
                problems.append(f"{table}#{key}: {row} -> {after[table].get(key)}")
        for key in after[table].keys() - rows.keys():
            problems.append(f"{table}#{key} new: {after[table][key]}")
    return problems


def references_to(
    owned: dict[str, set[Any]],
    before: dict[str, dict[Any, dict[str, Any]]],
    after: dict[str, dict[Any, dict[str, Any]]],
) -> list[str]:
    """New rows (absent from ``before``) whose foreign keys point at ``owned`` rows."""
    problems = []
    for model in all_models():
        table = model._meta.db_table
        for fk in model._meta.fk_fields | model._meta.o2o_fields:
            target = model._meta.fields_map[fk].related_model._meta.db_table  # type: ignore[attr-defined]
            column = f"{fk}_id"
            for key, row in after[table].items():
                if key in before[table]:
                    continue
                if row.get(column) is not None and row[column] in owned.get(target, set()):
                    problems.append(f"new {table}#{key} points at {target}#{row[column]}")
    return problems


@dataclass
class Populated:
    """What one workspace holds, with the values an attacker from elsewhere could use."""

    harness: Harness
    coordinator: str
    member: str
    community: str
    channel: str
    community_id: int = 0
    resource_ids: list[int] = field(default_factory=list)
    meeting_ids: list[int] = field(default_factory=list)
    occurrence_keys: list[str] = field(default_factory=list)
    prompt_ids: list[int] = field(default_factory=list)
    member_ids: list[int] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    thread_refs: list[str] = field(default_factory=list)
    replies: list[Message] = field(default_factory=list)


async def populate(h: Harness, names: dict[str, str]) -> Populated:
    """A community with members, a resource, a weekly meeting with an RSVP and an agenda item,
    a custom prompt and a pending suggestion, networking opt-ins and a forget-me token.

    ``names`` gives every member-visible string (so a test can look for them elsewhere)."""
    from bot.kernel.occurrences import occurrence_key
    from data.models import Community, Member

    coord, member, channel = names["coordinator"], names["member"], names["channel"]
    community = names["community"]
    out = Populated(h, coord, member, community, channel)

    async def say(user: str, line: str, channel: str | None = None) -> None:
        reply = await h.say(user, line, channel)
        assert not reply.is_error, (line, message_text(reply))
        out.replies.append(reply)

    await say(coord, f'community create {community} "{names["description"]}"', channel=channel)
    await say(member, f"join {community}")
    await say(
        member,
        f"intro title: {names['intro_title']}; org: {names['org']}; networking: yes",
    )
    await say(coord, "networking on")
    await say(
        coord, f'share {names["url"]} "{names["resource_title"]}" #{names["tag"]} in {community}'
    )
    await say(
        coord,
        f"meeting schedule {community} 2027-03-10 16:30 every week at {names['location']} "
        f"{names['meeting_title']}",
    )
    await say(coord, f'prompt add "{names["prompt"]}" in {community}')
    await say(member, f'prompt suggest "{names["suggestion"]}" in {community}')
    await say(coord, f"networking schedule {community} weekly on Wednesday at 10:00")
    found = await Community.get(workspace__external_id=h.workspace, name=community)
    out.community_id = found.id
    meeting = await Meeting.get(community=found)
    out.meeting_ids = [meeting.id]
    await say(member, f"rsvp {meeting.id} going")
    await say(member, f"agenda {meeting.id} {names['agenda']}")
    await say(member, f"upvote {(await Resource.get(community=found)).id}")
    occurrence = await Occurrence.get(meeting=meeting)
    out.occurrence_keys = [occurrence_key(meeting.id, occurrence.original_start)]
    thread = f"{channel}-thread"
    await Occurrence.filter(id=occurrence.id).update(thread_ref=thread)
    await Prompt.filter(community=found, source="custom").update(thread_ref=thread + "-p")
    out.thread_refs = [thread, thread + "-p"]
    out.resource_ids = [r.id for r in await Resource.filter(community=found)]
    out.prompt_ids = [p.id for p in await Prompt.filter(community=found)]
    out.member_ids = [m.id for m in await Member.filter(workspace=found.workspace_id)]  # type: ignore[attr-defined]
    await say(member, "forget-me")
    out.tokens = [
        c.token for c in await Confirmation.filter(member__workspace__external_id=h.workspace)
    ]
    return out


def walk_spans(message: Message) -> Iterator[Span]:
    for part in message.parts:
        if isinstance(part, Paragraph | Note):
            yield from part.spans
        elif isinstance(part, Fields):
            for f in part.fields:
                yield from f.value
        elif isinstance(part, BulletList):
            for item in part.items:
                yield from item


def typed_spans(message: Message) -> list[Mention | ChannelRef | Link]:
    return [s for s in walk_spans(message) if isinstance(s, Mention | ChannelRef | Link)]
