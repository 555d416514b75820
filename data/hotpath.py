"""The look-ups every command makes, as SQL written once (issue 14; the machinery is in
``data.fixed_sql``, the meetings' look-ups in ``data.meeting_reads``): who is asking, the
community a command is about with the asker's membership, members by id or name, the
resources a listing shows, and the inserts of a command's rows. Nothing is cached across
requests here: every call reads the database, so a permission or setting changed by
another process is seen at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple

from tortoise.models import Model

from data.db import dialect, quick_rows, quick_write
from data.fixed_sql import column_names, load, mark, marks, one
from data.models import (
    Community,
    Member,
    Membership,
    Resource,
    Workspace,
)


@cache
def _member_sql(dialect: str) -> str:
    member = ", ".join(f'm."{c}" AS "m_{c}"' for c in column_names(Member))
    workspace = ", ".join(f'w."{c}" AS "w_{c}"' for c in column_names(Workspace))
    places = [mark(dialect, i) for i in (1, 2, 3)]
    return (
        f"SELECT {member}, {workspace} FROM member m JOIN workspace w ON w.id = m.workspace_id"
        f" WHERE w.platform = {places[0]} AND w.external_id = {places[1]}"
        f" AND m.external_id = {places[2]} LIMIT 1"
    )


async def member_and_workspace(
    platform: str, workspace_external_id: str, user_external_id: str
) -> tuple[Workspace, Member] | None:
    """Someone met before and their workspace, in one statement; None when not met yet."""
    rows = await quick_rows(
        _member_sql(dialect()),
        [platform, workspace_external_id, user_external_id],
    )
    if not rows:
        return None
    workspace = load(Workspace, rows[0], "w_")
    member = load(Member, rows[0], "m_")
    member.workspace = workspace  # as select_related("workspace") would
    return workspace, member


async def current_membership(member_id: int, community_id: int) -> Membership | None:
    """The member's membership of the community, unless they left it."""
    return await one(Membership, member_id=member_id, community_id=community_id, left_at=None)


async def community_by_key(workspace_id: int, name_key: str) -> Community | None:
    """The community of the workspace whose folded name is ``name_key``."""
    return await one(Community, workspace_id=workspace_id, name_key=name_key)


@cache
def _listing_sql(dialect: str) -> str:
    columns = ", ".join(f'c."{c}"' for c in column_names(Community))
    return (
        f"SELECT {columns},"
        " (SELECT count(*) FROM membership s"
        "  WHERE s.community_id = c.id AND s.left_at IS NULL) AS listing_members,"
        " EXISTS (SELECT 1 FROM membership s WHERE s.community_id = c.id"
        f"  AND s.member_id = {mark(dialect, 1)} AND s.left_at IS NULL) AS listing_joined,"
        " EXISTS (SELECT 1 FROM meeting m WHERE m.community_id = c.id AND NOT m.cancelled)"
        "  AS listing_meets"
        f" FROM community c WHERE c.workspace_id = {mark(dialect, 2)} AND NOT c.archived"
        " ORDER BY c.name"
    )


class Listed(NamedTuple):
    community: Community
    members: int
    joined: bool  # the asking member belongs to it
    meets: bool  # it has a meeting (not cancelled): only those are asked when they meet next


async def community_listing(workspace_id: int, member_id: int) -> list[Listed]:
    """The workspace's active communities by name, each with its member count, whether
    ``member`` belongs to it and whether it has meetings: one statement for the whole
    list."""
    rows = await quick_rows(  # counts read index entries: thousands at most
        # in the order the marks appear: SQLite's "?" are positional
        _listing_sql(dialect()),
        [member_id, workspace_id],
    )
    return [
        Listed(
            load(Community, row),
            int(row["listing_members"]),
            bool(row["listing_joined"]),
            bool(row["listing_meets"]),
        )
        for row in rows
    ]


async def member_by_id(workspace_id: int, external_id: str) -> Member | None:
    """The workspace's member with this platform id (a mention's)."""
    return await one(Member, workspace_id=workspace_id, external_id=external_id)


@cache
def _named_sql(dialect: str) -> str:
    columns = ", ".join(f'"{c}"' for c in column_names(Member))
    return (  # the comparison tortoise's ``display_name__iexact`` makes, on either database
        f"SELECT {columns} FROM member WHERE workspace_id = {mark(dialect, 1)}"
        f" AND UPPER(display_name) = UPPER({mark(dialect, 2)}) LIMIT 2"
    )


async def members_named(workspace_id: int, name: str) -> list[Member]:
    """Members of the workspace with this display name, case aside: two at most, which is
    enough to tell a name that is not someone's own."""
    rows = await quick_rows(_named_sql(dialect()), [workspace_id, name])
    return [load(Member, row) for row in rows]


@cache
def _names_sql(dialect: str) -> str:
    return (
        "SELECT id, display_name FROM member"
        f" WHERE workspace_id = {mark(dialect, 1)} AND NOT is_bot"
    )


async def member_names(workspace_id: int) -> list[tuple[int, str]]:
    """Every member's id and display name (bots aside), for the rare look-up a name's
    case-blind match missed: one workspace's rows, ~5 ms for 20,000 where tortoise's
    ``values_list`` took ~50."""
    rows = await quick_rows(_names_sql(dialect()), [workspace_id])
    return [(int(row["id"]), str(row["display_name"])) for row in rows]


@cache
def _coordinated_sql(count: int, dialect: str) -> str:
    return (
        f"SELECT community_id FROM membership WHERE member_id = {mark(dialect, 1)}"
        f" AND role = 'coordinator' AND left_at IS NULL"
        f" AND community_id IN ({marks(dialect, count, first=2)})"
    )


async def coordinated_ids(member_id: int, community_ids: list[int]) -> set[int]:
    """Which of these communities the member coordinates (and has not left)."""
    if not community_ids:
        return set()
    sql = _coordinated_sql(len(community_ids), dialect())
    return {int(row["community_id"]) for row in await quick_rows(sql, [member_id, *community_ids])}


@cache
def _acquaintances_sql(count: int, dialect: str) -> str:
    member = ", ".join(f'm."{c}" AS "m_{c}"' for c in column_names(Member))
    no_interests = "'[]'" if dialect == "sqlite" else "'[]'::jsonb"
    return (  # marks in the order they appear: SQLite's "?" are positional
        f"SELECT {member}, s.role AS role, s.community_id AS community_id,"
        " s.joined_at AS joined_at FROM membership s JOIN member m ON m.id = s.member_id"
        f" WHERE m.workspace_id = {mark(dialect, 1)} AND m.id <> {mark(dialect, 2)}"
        f" AND s.community_id IN ({marks(dialect, count, first=3)})"
        " AND s.left_at IS NULL AND NOT m.is_bot"
        f" AND (s.role = 'coordinator' OR m.interests <> {no_interests}"
        " OR m.can_help_with <> '' OR m.wants_to_learn <> '')"
        " ORDER BY s.role = 'coordinator' DESC, s.joined_at DESC"
        f" LIMIT {mark(dialect, count + 3)}"
    )


class Acquaintance(NamedTuple):
    member: Member
    role: str
    community_id: int
    joined_at: Any  # as the driver gives it: for ordering only


async def acquaintances(
    workspace_id: int, member_id: int, community_ids: list[int], limit: int
) -> list[Acquaintance]:
    """Current members of these communities (not ``member_id``, no bots) who said
    something about themselves, or coordinate one of them: coordinators first, then the
    latest to join, ``limit`` at most. A member with an empty profile has nothing to be
    suggested for, so a big community's join reads its profiled members, not all."""
    if not community_ids:
        return []
    sql = _acquaintances_sql(len(community_ids), dialect())
    rows = await quick_rows(sql, [workspace_id, member_id, *community_ids, limit])
    return [
        Acquaintance(
            load(Member, row, "m_"), row["role"], int(row["community_id"]), row["joined_at"]
        )
        for row in rows
    ]


# ---- the community a command is about, with the asker's membership -------------------------


def _with_membership_sql(dialect: str, where: str) -> str:
    """Active communities matching ``where`` (marks from 2 on), each joined to the current
    membership of the member given as mark 1 (NULL columns when they are not a member)."""
    community = ", ".join(f'c."{c}" AS "c_{c}"' for c in column_names(Community))
    membership = ", ".join(f's."{c}" AS "s_{c}"' for c in column_names(Membership))
    return (
        f"SELECT {community}, {membership} FROM community c"
        " LEFT JOIN membership s ON s.community_id = c.id"
        f" AND s.member_id = {mark(dialect, 1)} AND s.left_at IS NULL"
        f" WHERE NOT c.archived AND {where}"
    )


@cache
def _home_sql(dialect: str) -> str:
    return _with_membership_sql(
        dialect,
        f"c.workspace_id = {mark(dialect, 2)} AND c.home_channel_id = {mark(dialect, 3)} LIMIT 1",
    )


@cache
def _joined_sql(dialect: str) -> str:
    return _with_membership_sql(
        dialect, f"c.workspace_id = {mark(dialect, 2)} AND s.id IS NOT NULL ORDER BY c.name"
    )


def _community_and_membership(row: dict[str, Any]) -> tuple[Community, Membership | None]:
    membership = load(Membership, row, "s_") if row["s_id"] is not None else None
    return load(Community, row, "c_"), membership


async def home_community(
    workspace_id: int, channel_id: str, member_id: int
) -> tuple[Community, Membership | None] | None:
    """The active community whose home is ``channel_id``, and the member's membership of it
    (None: not a member), in one statement."""
    rows = await quick_rows(_home_sql(dialect()), [member_id, workspace_id, channel_id])
    return _community_and_membership(rows[0]) if rows else None


async def joined_communities(
    workspace_id: int, member_id: int
) -> list[tuple[Community, Membership]]:
    """The active communities the member belongs to, by name, each with the membership."""
    rows = await quick_rows(_joined_sql(dialect()), [member_id, workspace_id])
    pairs = [_community_and_membership(row) for row in rows]
    return [(community, membership) for community, membership in pairs if membership is not None]


# ---- writes -------------------------------------------------------------------------------


@cache
def _insert_sql(model: type[Model], unique: tuple[str, ...], dialect: str) -> str:
    columns = [c for c in column_names(model) if c != model._meta.db_pk_column]
    marks = ", ".join(mark(dialect, i) for i in range(1, len(columns) + 1))
    names = ", ".join(f'"{c}"' for c in columns)
    conflict = ", ".join(f'"{c}"' for c in unique)
    return (
        f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES ({marks})'
        f' ON CONFLICT ({conflict}) DO NOTHING RETURNING "{model._meta.db_pk_column}"'
    )


def _insert_values(instance: Model) -> list[Any]:
    """The instance's column values as tortoise writes them (JSON, dates...), pk aside."""
    meta = type(instance)._meta
    values = []
    for column in column_names(type(instance)):
        if column == meta.db_pk_column:
            continue
        field = meta.fields_map[meta.fields_db_projection_reverse[column]]
        values.append(field.to_db_value(getattr(instance, field.model_field_name), instance))
    return values


# rows per INSERT: well under both databases' 32,766 bound variables for any of our tables
_INSERT_BATCH = 500


@cache
def _insert_many_sql(model: type[Model], rows: int, key: str, dialect: str) -> str:
    columns = [c for c in column_names(model) if c != model._meta.db_pk_column]
    names = ", ".join(f'"{c}"' for c in columns)
    width = len(columns)
    tuples = ", ".join(
        "(" + ", ".join(mark(dialect, row * width + i) for i in range(1, width + 1)) + ")"
        for row in range(rows)
    )
    pk = model._meta.db_pk_column
    return (
        f'INSERT INTO "{model._meta.db_table}" ({names}) VALUES {tuples} RETURNING "{pk}", "{key}"'
    )


async def insert_all(instances: Sequence[Model], key: str) -> None:
    """Insert new instances of one model in one statement, setting each one's primary key
    (matched on ``key``, a column unique among them: RETURNING need not keep their order)."""
    if not instances:
        return
    model = type(instances[0])
    pk = model._meta.db_pk_column
    for start in range(0, len(instances), _INSERT_BATCH):
        batch = instances[start : start + _INSERT_BATCH]
        sql = _insert_many_sql(model, len(batch), key, dialect())
        values = [value for instance in batch for value in _insert_values(instance)]
        ids = {row[key]: row[pk] for row in await quick_write(sql, values)}
        for instance in batch:
            instance.pk = ids[getattr(instance, key)]
            instance._saved_in_db = True


async def insert_unless_taken(instance: Model, unique: tuple[str, ...]) -> bool:
    """Insert a new model instance unless a row already holds its ``unique`` columns, in one
    statement (no look-up first, and no failed INSERT that would abort a PostgreSQL
    transaction); True when inserted, with its primary key set as ``save`` would set it."""
    model = type(instance)
    meta = model._meta
    sql = _insert_sql(model, unique, dialect())
    rows = await quick_write(sql, _insert_values(instance))
    if not rows:
        return False
    instance.pk = rows[0][meta.db_pk_column]
    instance._saved_in_db = True
    return True


@cache
def _vote_sql(dialect: str) -> str:
    return f"UPDATE resource SET votes = votes + 1 WHERE id = {mark(dialect, 1)}"


async def count_vote(resource_id: int) -> None:
    """One more vote on the resource's count (its vote row is the caller's)."""
    await quick_write(_vote_sql(dialect()), [resource_id])


@cache
def _resources_sql(count: int, dialect: str) -> str:
    resource = ", ".join(f'r."{c}" AS "r_{c}"' for c in column_names(Resource))
    community = ", ".join(f'c."{c}" AS "c_{c}"' for c in column_names(Community))
    sharer = ", ".join(f'm."{c}" AS "m_{c}"' for c in column_names(Member))
    return (
        f"SELECT {resource}, {community}, {sharer} FROM resource r"
        " JOIN community c ON c.id = r.community_id"
        " LEFT JOIN member m ON m.id = r.shared_by_id"
        f" WHERE r.workspace_id = {mark(dialect, 1)} AND r.id IN ({marks(dialect, count, first=2)})"
    )


async def resources_with_people(workspace_id: int, ids: list[int]) -> dict[int, Resource]:
    """The workspace's resources with these ids, each with its community and the member
    who shared it (None once they asked to be forgotten), in one statement: what
    ``prefetch_related("community", "shared_by")`` gives in three."""
    if not ids:
        return {}
    sql = _resources_sql(len(ids), dialect())
    found = {}
    for row in await quick_rows(sql, [workspace_id, *ids]):
        resource = load(Resource, row, "r_")
        resource.community = load(Community, row, "c_")
        resource.shared_by = load(Member, row, "m_") if row["m_id"] is not None else None
        found[resource.id] = resource
    return found


@cache
def _tags_sql(count: int, dialect: str) -> str:
    keys = ", ".join(mark(dialect, i) for i in range(2, count + 2))
    return (
        f'SELECT "key", label FROM tag WHERE workspace_id = {mark(dialect, 1)}'
        f' AND "key" IN ({keys})'
    )


async def tag_labels(workspace_id: int, keys: list[str]) -> dict[str, str]:
    """The workspace's label of each of these tag keys it has met."""
    rows = await quick_rows(_tags_sql(len(keys), dialect()), [workspace_id, *keys])
    return {row["key"]: row["label"] for row in rows}
