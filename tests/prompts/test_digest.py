"""The weekly digest: what goes in it, when it goes out, in which language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.kernel.messages import message_text
from data.models import Community, Meeting, Member, Prompt, Resource
from scheduler.planners.digest import DigestPlanner
from tests.prompts.support import RecordingSender, run_window
from tests.support.harness import Harness

BEFORE = datetime(2027, 2, 22, 15, 0, tzinfo=UTC)  # the week before
MONDAY = datetime(2027, 3, 8, 14, 0, tzinfo=UTC)  # 09:00 in Toronto: the digest's time


async def replies(h: Harness, prompt: str, users: list[str]) -> None:
    """Members answer in the prompt's thread (the adapters report each reply)."""
    thread = (await Prompt.get(text=prompt)).thread_ref
    assert thread is not None
    for user in users:
        await h.core.event(h.who(user), "thread_reply", thread=thread)


async def add_resource(community: Community, who: str, title: str, at: datetime) -> None:
    sharer = await Member.get(external_id=who.lower())
    url = f"https://example.org/{title.lower().replace(' ', '-')}"
    await Resource.create(
        workspace_id=community.workspace_id,  # type: ignore[attr-defined]
        community=community,
        url=url,
        url_key=url,
        title=title,
        shared_by=sharer,
        shared_at=at,
    )


async def add_meeting(
    community: Community, title: str, start_local: str, *, cancelled: bool = False
) -> None:
    await Meeting.create(
        community=community,
        title=title,
        start_local=start_local,
        timezone="America/Toronto",
        created_at=BEFORE,
        cancelled=cancelled,
    )


async def test_digest_lists_the_weeks_members_resources_meetings_and_busiest_prompt(
    db: str,
) -> None:
    h = Harness.build(start=BEFORE)
    await h.say("Ada", "community create python", channel="C1")
    community = await Community.get(name_key="python")
    await add_resource(community, "Ada", "Old syllabus", BEFORE)
    await h.say("Ada", 'prompt add "An old question with many answers?"')
    await h.say("Ada", "prompt now")
    await replies(h, "An old question with many answers?", ["Ada"] * 5)

    h.clock.set(datetime(2027, 3, 3, 15, 0, tzinfo=UTC))  # this week
    await h.say("Bob", "join python")
    await h.say("Cy", "join python")
    await add_resource(community, "Bob", "Rubric template", h.clock.now())
    await add_resource(community, "Cy", "Peer review guide", h.clock.now())
    await Resource.filter(title="Peer review guide").update(votes=3)
    await h.say("Ada", 'prompt add "Which tool saved you time this term?"')
    await h.say("Ada", "prompt now")
    await h.say("Ada", 'prompt add "Which template do you reuse most?"')
    await h.say("Ada", "prompt now")
    await replies(h, "Which tool saved you time this term?", ["Bob", "Cy"])
    await replies(h, "Which template do you reuse most?", ["Bob"])
    await add_meeting(community, "Monthly call", "2027-03-10T16:30")
    await add_meeting(community, "Next month", "2027-03-20T16:30")
    await add_meeting(community, "Called off", "2027-03-11T16:30", cancelled=True)

    refused = await h.say("Bob", "digest python weekly")
    assert refused.is_error and not (await Community.get(id=community.id)).digest_enabled
    unknown = await h.say("Ada", "digest pyton weekly")
    assert unknown.is_error and "Did you mean: python" in message_text(unknown)
    reply = await h.text("Ada", "digest python weekly")
    assert (
        "Weekly digest for “python” is on: every Monday at 9:00\u202fAM (America/Toronto)" in reply
    )

    planner, sender = DigestPlanner(h.core.settings), RecordingSender.for_harness(h)
    await run_window(planner, sender, h.clock.now(), MONDAY + timedelta(days=1))
    [digest] = sender.channel_posts()
    assert digest.target == "C1"
    text = digest.text
    assert text.startswith("This week in python")
    assert "New members (2)\nBob, Cy" in text
    # most voted first; last week's resource is not news
    assert "New resources (2)\n- Peer review guide — shared by Cy\n- Rubric template" in text
    assert "Old syllabus" not in text
    assert "Meetings in the next 7 days\n- Monthly call — 2027-03-10T21:30:00+00:00" in text
    assert "Next month" not in text and "Called off" not in text
    assert "Busiest discussion\nWhich tool saved you time this term? — 2 replies" in text
    assert "many answers" not in text


async def test_quiet_french_community_gets_a_short_french_digest_and_off_stops_it(
    db: str,
) -> None:
    h = Harness.build(start=BEFORE)
    await h.say("Élise", "community create pédagogie", channel="C5", locale="fr-CA")
    reply = await h.text("Élise", "digest pédagogie weekly")
    assert "Le résumé hebdomadaire de « pédagogie » est activé" in reply
    planner, sender = DigestPlanner(h.core.settings), RecordingSender.for_harness(h)
    h.clock.set(datetime(2027, 3, 5, tzinfo=UTC))
    await run_window(planner, sender, h.clock.now(), MONDAY + timedelta(days=1))
    [digest] = sender.channel_posts()
    assert digest.text.startswith("Cette semaine dans pédagogie")
    assert "Une semaine tranquille" in digest.text

    assert "est arrêté" in await h.text("Élise", "digest pédagogie off")
    assert await planner.due_between(MONDAY, MONDAY + timedelta(weeks=4)) == []


async def test_digest_needs_a_home_channel(db: str) -> None:
    h = Harness.build(start=BEFORE)
    await h.say("Ada", "community create design")
    reply = await h.text("Ada", "digest design weekly")
    assert "has no home channel yet" in reply
    planner = DigestPlanner(h.core.settings)
    assert await planner.due_between(BEFORE, BEFORE + timedelta(weeks=2)) == []
    await h.say("Ada", "community bind design", channel="C7")
    posts = await planner.due_between(BEFORE, BEFORE + timedelta(weeks=2))
    assert [p.target for p in posts] == ["channel:C7", "channel:C7"]
    assert all(p.due_at.weekday() == 0 and p.due_at.hour == 14 for p in posts)
    assert (await Prompt.all().count()) == 0
