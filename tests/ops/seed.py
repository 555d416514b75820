"""A workspace with a row in every table, and values that are easy to get wrong in a round
trip: accents, emoji, quotes, newlines, nulls, microseconds, nested JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data.models import (
    AgendaItem,
    Community,
    Confirmation,
    Delivery,
    FormDraft,
    Meeting,
    Member,
    Membership,
    MembershipEvent,
    NetworkingPair,
    NetworkingRound,
    NetworkingSchedule,
    Occurrence,
    ProcessedEvent,
    Prompt,
    PromptSchedule,
    Resource,
    ResourceVote,
    Rsvp,
    Tag,
    Workspace,
)

T0 = datetime(2027, 3, 1, 15, 0, 0, 123456, tzinfo=UTC)
SEARCH_WORD = "zygomorphic"  # appears in one resource only: proves the search index


async def seed_workspace(external_id: str = "T-SEED", name: str = "Seed Co") -> Workspace:
    ws = await Workspace.create(
        platform="slack", external_id=external_id, name=name, created_at=T0, calendar_token="cal"
    )
    ada = await Member.create(
        workspace=ws,
        external_id=f"{external_id}-U1",
        display_name="Adélaïde “Ada” O'Brien 🐍",
        timezone="America/Vancouver",
        language="fr",
        title="Designer\npédagogique",
        organization="Collège",
        interests=["python", "évaluation"],
        can_help_with='quotes " and \\ backslashes',
        networking_opt_in=True,
        is_admin=True,
        first_seen=T0,
        intro_posted_at=T0 + timedelta(hours=1),
        last_active_at=T0 + timedelta(days=2, microseconds=7),
    )
    bob = await Member.create(
        workspace=ws, external_id=f"{external_id}-U2", display_name="Bob", first_seen=T0
    )
    cy = await Member.create(
        workspace=ws, external_id=f"{external_id}-U3", display_name="Cy", first_seen=T0
    )
    python = await Community.create(
        workspace=ws,
        name="Python",
        name_key="python",
        description="Python <!channel> @everyone in teaching",
        tags=["code", "python"],
        home_channel_id="C1",
        created_by=ada,
        created_at=T0,
    )
    archived = await Community.create(
        workspace=ws, name="Old", name_key="old", created_at=T0, archived=True, created_by=None
    )
    await Membership.create(member=ada, community=python, role="coordinator", joined_at=T0)
    await Membership.create(
        member=bob, community=python, joined_at=T0, left_at=T0 + timedelta(days=3)
    )
    await Membership.create(member=cy, community=archived, joined_at=T0)
    for member, kind, days in ((ada, "join", 0), (bob, "join", 0), (bob, "leave", 3)):
        await MembershipEvent.create(
            member=member, community=python, kind=kind, at=T0 + timedelta(days=days)
        )
    first = await Resource.create(
        workspace=ws,
        community=python,
        url="https://example.org/a?x=1&y=2",
        url_key="example.org/a?x=1&y=2",
        title=f"A {SEARCH_WORD} guide, “quoted”",
        description="Line one\nLine two, with = and , and ;",
        kind="tool",
        tags=["python", "intro"],
        tags_text="python intro",
        shared_by=ada,
        shared_at=T0,
        votes=1,
    )
    await Resource.create(
        workspace=ws,
        community=python,
        url="https://example.org/b",
        url_key="example.org/b",
        title='=HYPERLINK("http://evil")',
        shared_by=None,
        shared_at=T0 + timedelta(days=1),
    )
    await ResourceVote.create(resource=first, member=bob, at=T0)
    meeting = await Meeting.create(
        community=python,
        title="Monthly call",
        start_local="2027-03-15T16:30",
        timezone="America/Toronto",
        duration_minutes=45,
        rrule="FREQ=MONTHLY;BYDAY=-1MO",
        location="https://meet.example.org/x",
        agenda="Intro",
        created_by=ada,
        created_at=T0,
        external_event_id="999",
    )
    occurrence = await Occurrence.create(
        meeting=meeting,
        original_start=T0 + timedelta(days=14),
        starts_at=T0 + timedelta(days=15),
        agenda="Moved",
        thread_ref="C1:1700000000.000100",
    )
    await Rsvp.create(occurrence=occurrence, member=ada, status="going", at=T0)
    await Rsvp.create(occurrence=occurrence, member=bob, status="maybe", at=T0)
    await AgendaItem.create(occurrence=occurrence, member=None, text="Roadmap", at=T0)
    await Prompt.create(
        community=python,
        text="What did you learn this week?",
        source="library",
        library_key="learned-week",
        created_at=T0,
        last_posted_at=T0,
        thread_ref="C1:1",
        answers=4,
    )
    await Prompt.create(
        community=python,
        text="Suggested?",
        source="suggested",
        status="pending",
        suggested_by=bob,
        created_at=T0,
    )
    await PromptSchedule.create(
        community=python,
        rrule="FREQ=WEEKLY;BYDAY=WE",
        start_local="2027-03-03T10:00",
        timezone="America/Toronto",
    )
    await NetworkingSchedule.create(
        community=python,
        rrule="FREQ=WEEKLY;INTERVAL=2",
        start_local="2027-03-01T09:00",
        timezone="UTC",
        active=False,
    )
    round_ = await NetworkingRound.create(community=python, round_at=T0)
    await NetworkingPair.create(round=round_, member_a=ada, member_b=bob, member_c=cy)
    await Delivery.create(
        workspace=ws,
        kind="reminder",
        target="channel:C1",
        subject=f"occ:{meeting.id}:2027-03-15T20:30Z:24h",
        due_at=T0,
        status="sent",
        attempts=1,
        sent_at=T0 + timedelta(seconds=1),
        late=True,
        payload={"occurrence": occurrence.id, "nested": {"b": [1, 2.5, None], "a": "é"}},
    )
    await Confirmation.create(
        member=ada, token=f"tok-{external_id}", action="forget-me", payload={}, expires_at=T0
    )
    await Tag.create(workspace=ws, key="evaluation", label="Évaluation")
    await FormDraft.create(
        member=bob, form_id="intro", values={"title": "Designer", "location": ""}, updated_at=T0
    )
    return ws


async def seed_global() -> None:
    await ProcessedEvent.create(platform="slack", event_id="Ev1", at=T0)
