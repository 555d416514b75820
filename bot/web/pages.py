"""What the web pages show, read from the database as plain values (the web adapter
only renders them). Every function takes the ``Viewer`` (or None for a visitor) and
answers only what that person may see:

- a ``public`` community is seen by anyone;
- a ``members`` community by its current members and the admins of its workspace,
  signed in through that workspace (a session never reaches another workspace);
- the dashboard by the community's coordinators and the workspace's admins.

Nothing about members is shown beyond what the community already shows in chat: the
coordinators' display names and the count of members; never an email or a profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Count

from bot.kernel.occurrences import upcoming_of
from bot.web.access import Viewer
from data.models import (
    RESOURCE_KINDS,
    Community,
    Meeting,
    Member,
    Membership,
    Resource,
)
from data.search import SearchFilter, latest_resource_ids, query_words, search_resource_ids

RESOURCES_SHOWN = 30
MEETINGS_SHOWN = 6
MEETINGS_AHEAD = timedelta(days=90)
# tags offered as filters come from the community and its newest resources
TAG_SAMPLE = 200
TAGS_OFFERED = 20


@dataclass(frozen=True)
class CommunityCard:
    id: int
    name: str
    description: str
    tags: tuple[str, ...]
    members: int
    workspace_name: str
    visibility: str


@dataclass(frozen=True)
class MeetingItem:
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str  # shown to signed-in members only


@dataclass(frozen=True)
class ResourceItem:
    id: int
    title: str
    url: str
    description: str
    kind: str
    tags: tuple[str, ...]
    shared_at: datetime
    votes: int


@dataclass(frozen=True)
class RepertoireQuery:
    text: str = ""
    tag: str = ""
    kind: str = ""

    @property
    def searching(self) -> bool:
        return bool(query_words(self.text) or self.tag or self.kind)


@dataclass(frozen=True)
class CommunityPage:
    community: Community
    platform: str
    workspace_external_id: str
    workspace_name: str
    coordinators: tuple[str, ...]
    members: int
    meetings: tuple[MeetingItem, ...]
    resources: tuple[ResourceItem, ...]
    tags_offered: tuple[str, ...]
    kinds_offered: tuple[str, ...]
    viewer_is_member: bool
    viewer_is_coordinator: bool


async def _member_count(community_ids: list[int]) -> dict[int, int]:
    if not community_ids:
        return {}
    return {
        int(row["community_id"]): int(row["members"])
        for row in await Membership.filter(community_id__in=community_ids, left_at__isnull=True)
        .annotate(members=Count("id"))
        .group_by("community_id")
        .values("community_id", "members")
    }


async def _memberships(viewer: Viewer | None) -> dict[int, str]:
    """community id -> role, for the viewer's current memberships."""
    if viewer is None:
        return {}
    rows = await Membership.filter(member_id=viewer.member_id, left_at__isnull=True).values_list(
        "community_id", "role"
    )
    return {int(cid): str(role) for cid, role in rows}


def _may_see(community: Community, viewer: Viewer | None, roles: dict[int, str]) -> bool:
    if community.archived:
        return False
    if community.visibility == "public":
        return True
    if viewer is None or viewer.workspace_id != community.workspace_id:  # type: ignore[attr-defined]
        return False
    return viewer.is_admin or community.id in roles


def _may_coordinate(community: Community, viewer: Viewer | None, roles: dict[int, str]) -> bool:
    if viewer is None or viewer.workspace_id != community.workspace_id:  # type: ignore[attr-defined]
        return False
    return viewer.is_admin or roles.get(community.id) == "coordinator"


async def directory(viewer: Viewer | None) -> list[CommunityCard]:
    """The public communities of every workspace, and the viewer's own workspace's
    communities they may see, by name."""
    roles = await _memberships(viewer)
    query = Community.filter(archived=False, visibility="public")
    found = {c.id: c for c in await query.select_related("workspace")}
    if viewer is not None:
        for community in await Community.filter(
            workspace_id=viewer.workspace_id, archived=False
        ).select_related("workspace"):
            if _may_see(community, viewer, roles):
                found[community.id] = community
    counts = await _member_count(list(found))
    ordered = sorted(found.values(), key=lambda c: (c.name.casefold(), c.id))
    return [
        CommunityCard(
            id=c.id,
            name=c.name,
            description=c.description,
            tags=tuple(c.tags),
            members=counts.get(c.id, 0),
            workspace_name=c.workspace.name,
            visibility=c.visibility,
        )
        for c in ordered
    ]


async def visible_community(viewer: Viewer | None, community_id: int) -> Community | None:
    """The community if the viewer may see its page; None when it does not exist or is
    not theirs to see (the two look the same from outside)."""
    community = await Community.get_or_none(id=community_id).select_related("workspace")
    if community is None:
        return None
    roles = await _memberships(viewer)
    return community if _may_see(community, viewer, roles) else None


async def repertoire(community: Community, wanted: RepertoireQuery) -> list[ResourceItem]:
    """The community's resources matching the query, with the same search as the
    ``resources`` command; the newest first when no words are given."""
    tags = (wanted.tag,) if wanted.tag else ()
    kinds = (wanted.kind,) if wanted.kind in RESOURCE_KINDS else ()
    where = SearchFilter(community.workspace_id, [community.id], tags, kinds)  # type: ignore[attr-defined]
    if query_words(wanted.text):
        ids = await search_resource_ids(wanted.text, where, RESOURCES_SHOWN)
    else:
        ids = await latest_resource_ids(where, RESOURCES_SHOWN)
    rows = {
        row["id"]: row
        for row in await Resource.filter(id__in=ids or [-1]).values(
            "id", "title", "url", "description", "kind", "tags", "shared_at", "votes"
        )
    }
    return [
        ResourceItem(
            id=row["id"],
            title=row["title"] or row["url"],
            url=row["url"],
            description=row["description"],
            kind=row["kind"],
            tags=tuple(row["tags"] or ()),
            shared_at=row["shared_at"],
            votes=row["votes"],
        )
        for i in ids
        if (row := rows.get(i)) is not None
    ]


async def _tags_offered(community: Community) -> tuple[str, ...]:
    counts: dict[str, int] = {tag: 1_000_000 for tag in community.tags}
    for text in (
        await Resource.filter(community_id=community.id)
        .order_by("-shared_at")
        .limit(TAG_SAMPLE)
        .values_list("tags_text", flat=True)
    ):
        for tag in str(text).split():
            counts[tag] = counts.get(tag, 0) + 1
    ranked = sorted(counts, key=lambda tag: (-counts[tag], tag))
    return tuple(sorted(ranked[:TAGS_OFFERED]))


async def community_page(
    viewer: Viewer | None, community: Community, now: datetime, wanted: RepertoireQuery
) -> CommunityPage:
    roles = await _memberships(viewer)
    coordinators = (
        await Member.filter(
            memberships__community_id=community.id,
            memberships__role="coordinator",
            memberships__left_at__isnull=True,
        )
        .order_by("display_name")
        .values_list("display_name", flat=True)
    )
    meetings = await Meeting.filter(community_id=community.id, cancelled=False)
    upcoming = await upcoming_of(meetings, now, limit=MEETINGS_SHOWN, within=MEETINGS_AHEAD)
    return CommunityPage(
        community=community,
        platform=community.workspace.platform,
        workspace_external_id=community.workspace.external_id,
        workspace_name=community.workspace.name,
        coordinators=tuple(str(name) for name in coordinators),
        members=(await _member_count([community.id])).get(community.id, 0),
        meetings=tuple(
            MeetingItem(item.meeting.title, item.starts_at, item.ends_at, item.meeting.location)
            for item in upcoming
        ),
        resources=tuple(await repertoire(community, wanted)),
        tags_offered=await _tags_offered(community),
        kinds_offered=RESOURCE_KINDS,
        viewer_is_member=community.id in roles,
        viewer_is_coordinator=_may_coordinate(community, viewer, roles),
    )


async def coordinated_community(viewer: Viewer | None, community_id: int) -> Community | None:
    """The community if the viewer may read its dashboard (its coordinators and the
    workspace's admins); None for anyone else."""
    community = await Community.get_or_none(id=community_id)
    if community is None:
        return None
    roles = await _memberships(viewer)
    return community if _may_coordinate(community, viewer, roles) else None
