"""The meeting look-ups every listing of upcoming meetings makes, as fixed SQL
(``data.fixed_sql``): meetings by number or title with their community, the meetings of
some communities, and their stored occurrences with the members' answers and agendas."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from data.db import dialect, quick_rows
from data.fixed_sql import column_names, load, mark, marks
from data.models import AgendaItem, Community, Meeting, Occurrence, Rsvp


@cache
def _workspace_meeting_sql(by_title: bool, dialect: str) -> str:
    meeting = ", ".join(f'm."{c}" AS "m_{c}"' for c in column_names(Meeting))
    community = ", ".join(f'c."{c}" AS "c_{c}"' for c in column_names(Community))
    which = (  # the comparison tortoise's ``title__iexact`` makes
        f"UPPER(m.title) = UPPER({mark(dialect, 2)}) ORDER BY m.cancelled, m.id DESC"
        if by_title
        else f"m.id = {mark(dialect, 2)}"
    )
    return (
        f"SELECT {meeting}, {community} FROM meeting m JOIN community c ON c.id = m.community_id"
        f" WHERE c.workspace_id = {mark(dialect, 1)} AND {which}"
    )


async def _workspace_meetings(
    workspace_id: int, by_title: bool, key: int | str
) -> list[tuple[Meeting, Community]]:
    sql = _workspace_meeting_sql(by_title, dialect())
    rows = await quick_rows(sql, [workspace_id, key])
    return [(load(Meeting, row, "m_"), load(Community, row, "c_")) for row in rows]


async def meeting_numbered(workspace_id: int, meeting_id: int) -> tuple[Meeting, Community] | None:
    """The workspace's meeting with this number, and its community."""
    found = await _workspace_meetings(workspace_id, False, meeting_id)
    return found[0] if found else None


async def meetings_titled(workspace_id: int, title: str) -> list[tuple[Meeting, Community]]:
    """The workspace's meetings with this title, case aside, each with its community:
    those still on first, then the newest."""
    return await _workspace_meetings(workspace_id, True, title)


@cache
def _meetings_sql(count: int, dialect: str) -> str:
    columns = ", ".join(f'"{c}"' for c in column_names(Meeting))
    return (
        f"SELECT {columns} FROM meeting"
        f" WHERE NOT cancelled AND community_id IN ({marks(dialect, count)})"
    )


async def meetings_of(community_ids: list[int]) -> list[Meeting]:
    """The meetings (not cancelled) of these communities: a workspace has tens, not more."""
    if not community_ids:
        return []
    rows = await quick_rows(_meetings_sql(len(community_ids), dialect()), community_ids)
    return [load(Meeting, row) for row in rows]


@cache
def _occurrences_sql(count: int, dialect: str) -> str:
    columns = ", ".join(f'"{c}"' for c in column_names(Occurrence))
    a, b, c, d = (mark(dialect, count + i) for i in (1, 2, 3, 4))
    return (
        f"SELECT {columns} FROM {Occurrence._meta.db_table}"
        f" WHERE meeting_id IN ({marks(dialect, count)})"
        f" AND ((starts_at >= {a} AND starts_at < {b})"
        f" OR (original_start >= {c} AND original_start < {d}))"
    )


async def occurrences_in(
    meeting_ids: list[int], start: datetime, end: datetime
) -> list[Occurrence]:
    """The stored occurrences of these meetings (moved, cancelled, answered...) that start,
    or were meant to start, in [start, end): a listing reads this once per window it looks
    ahead, so it is fixed SQL rather than a query built each time (~0.15 ms each)."""
    if not meeting_ids:
        return []
    field = Occurrence._meta.fields_map["starts_at"]
    low, high = field.to_db_value(start, Occurrence), field.to_db_value(end, Occurrence)
    sql = _occurrences_sql(len(meeting_ids), dialect())
    rows = await quick_rows(sql, [*meeting_ids, low, high, low, high])
    return [load(Occurrence, row) for row in rows]


@cache
def _answers_sql(count: int, dialect: str) -> str:
    return (
        f"SELECT occurrence_id, status, count(*) AS members FROM {Rsvp._meta.db_table}"
        f" WHERE occurrence_id IN ({marks(dialect, count)}) GROUP BY occurrence_id, status"
    )


async def answer_counts(occurrence_ids: list[int]) -> list[tuple[int, str, int]]:
    """How many members gave each answer (going, maybe, no) to each of these occurrences."""
    if not occurrence_ids:
        return []
    sql = _answers_sql(len(occurrence_ids), dialect())
    rows = await quick_rows(sql, occurrence_ids)  # a few members' answers per occurrence
    return [(int(row["occurrence_id"]), str(row["status"]), int(row["members"])) for row in rows]


@cache
def _agenda_sql(count: int, dialect: str) -> str:
    return (
        f'SELECT occurrence_id, "text" FROM {AgendaItem._meta.db_table}'
        f" WHERE occurrence_id IN ({marks(dialect, count)}) ORDER BY at, id"
    )


async def agenda_texts(occurrence_ids: list[int]) -> list[tuple[int, str]]:
    """The agenda items added to these occurrences, oldest first."""
    if not occurrence_ids:
        return []
    sql = _agenda_sql(len(occurrence_ids), dialect())
    rows = await quick_rows(sql, occurrence_ids)
    return [(int(row["occurrence_id"]), str(row["text"])) for row in rows]
