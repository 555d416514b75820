"""Demo data for ``copbot run --demo``: a few communities, members and resources in the
console workspace, so a newcomer sees a living workspace. Loading twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

from data.models import Community, Member, Membership, MembershipEvent, Resource, Workspace
from data.search import tag_key

CONSOLE_WORKSPACE = "console"

MEMBERS = [
    # id, name, zone, platform locale, title, organization, interests, can help, wants to learn
    (
        "amira",
        "Amira",
        "America/Toronto",
        "en-CA",
        "Instructional designer",
        "Seneca Polytechnic",
        ["course-design", "accessibility"],
        "accessible course templates",
        "assessment",
    ),
    (
        "benoit",
        "Benoît",
        "America/Montreal",
        "fr-CA",
        "Conseiller pédagogique",
        "Cégep de Sherbrooke",
        ["reconnaissance-des-acquis", "assessment"],
        "prior learning assessment",
        "online facilitation",
    ),
    (
        "chloe",
        "Chloé",
        "America/Vancouver",
        "en-CA",
        "Program coordinator",
        "BCcampus",
        ["online-facilitation", "course-design"],
        "online facilitation",
        "accessibility",
    ),
    (
        "dev",
        "Dev",
        "America/Halifax",
        "en-CA",
        "Learning technologist",
        "NSCC",
        ["h5p", "accessibility"],
        "H5P and interactive content",
        "course design",
    ),
]

COMMUNITIES = [
    (
        "Online course design",
        "Designing online and blended continuing-education courses",
        ["course-design", "online"],
        "online-course-design",
        ["amira", "chloe", "dev"],
    ),
    (
        "Prior learning assessment",
        "Recognising what adult learners already know (PLAR/RAC)",
        ["assessment", "plar"],
        "prior-learning",
        ["benoit", "amira"],
    ),
    (
        "Pédagogie numérique",
        "Enseigner en ligne et en mode hybride en formation continue",
        ["pedagogie", "hybride"],
        "pedagogie-numerique",
        ["benoit", "chloe"],
    ),
]

RESOURCES = [
    (
        "Online course design",
        "https://example.org/course-design-checklist",
        "Course design checklist",
        "A one-page checklist for new online courses",
        "template",
        ["course-design", "checklist"],
        "amira",
    ),
    (
        "Online course design",
        "https://example.org/accessible-slides",
        "Accessible slide decks",
        "Colour contrast, alt text and reading order",
        "strategy",
        ["accessibility"],
        "dev",
    ),
    (
        "Prior learning assessment",
        "https://example.org/plar-portfolio-guide",
        "PLAR portfolio guide",
        "How learners document prior learning",
        "tool",
        ["plar", "portfolio"],
        "benoit",
    ),
    (
        "Pédagogie numérique",
        "https://example.org/guide-classe-hybride",
        "Guide de la classe hybride",
        "Animer un groupe en présence et à distance à la fois",
        "strategy",
        ["hybride", "animation"],
        "benoit",
    ),
]


async def load_demo(now: datetime) -> None:
    workspace, _ = await Workspace.get_or_create(
        platform="console",
        external_id=CONSOLE_WORKSPACE,
        defaults={"name": "Console", "created_at": now},
    )
    if await Community.filter(workspace=workspace).exists():
        return
    members: dict[str, Member] = {}
    for index, (mid, name, zone, locale, title, org, interests, helps, learns) in enumerate(
        MEMBERS
    ):
        members[mid], _ = await Member.get_or_create(
            workspace=workspace,
            external_id=mid,
            defaults={
                "display_name": name,
                "timezone": zone,
                "language": locale.split("-", 1)[0],  # as a platform locale seeds it
                "title": title,
                "organization": org,
                "interests": interests,
                "can_help_with": helps,
                "wants_to_learn": learns,
                "networking_opt_in": True,
                "first_seen": now - timedelta(days=60 - index),
                "intro_posted_at": now - timedelta(days=59 - index),
            },
        )
    for name, description, tags, channel, roster in COMMUNITIES:
        community = await Community.create(
            workspace=workspace,
            name=name,
            name_key=" ".join(name.casefold().split()),
            description=description,
            tags=tags,
            home_channel_id=channel,
            created_by=members[roster[0]],
            created_at=now - timedelta(days=50),
        )
        for position, mid in enumerate(roster):
            joined = now - timedelta(days=50 - 5 * position)
            await Membership.create(
                member=members[mid],
                community=community,
                joined_at=joined,
                role="coordinator" if position == 0 else "member",
            )
            await MembershipEvent.create(
                member=members[mid], community=community, kind="join", at=joined
            )
    by_name = {c.name: c for c in await Community.filter(workspace=workspace)}
    for days, (community_name, url, title, description, kind, tags, sharer) in enumerate(RESOURCES):
        await Resource.create(
            workspace=workspace,
            community=by_name[community_name],
            url=url,
            url_key=url,
            title=title,
            description=description,
            kind=kind,
            tags=tags,
            tags_text=" ".join(tag_key(tag) for tag in tags),
            shared_by=members[sharer],
            shared_at=now - timedelta(days=20 - days),
        )
