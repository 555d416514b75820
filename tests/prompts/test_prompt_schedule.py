"""A prompt schedule run for weeks on a moved clock, through the planner contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.kernel.i18n import Translator
from data.models import Community, Delivery, Prompt
from data.prompt_library import LIBRARY
from scheduler.planners.prompts import PromptPlanner
from scheduler.planning import SkipDelivery
from tests.prompts.support import RecordingSender, run_window
from tests.support.harness import Harness

START = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)  # Monday 10:00 in Toronto


async def setup(h: Harness) -> tuple[PromptPlanner, RecordingSender]:
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python")
    return PromptPlanner(h.core.settings), RecordingSender.for_harness(h)


async def approve_suggestion(h: Harness, who: str, text: str) -> None:
    await h.say(who, f'prompt suggest "{text}" in python')
    row = await Prompt.get(text=text)
    await h.say("Ada", f"prompt approve {row.id}")


def prompt_of(text: str) -> str:
    """The prompt in a posted message (heading, prompt, note)."""
    return text.split("\n")[1]


async def test_suggestions_first_then_custom_then_library_and_no_repeat_until_used_up(
    db: str,
) -> None:
    h = Harness.build(start=START)
    planner, sender = await setup(h)
    await h.say("Ada", "prompt schedule python daily 9:00")
    await h.say("Ada", 'prompt add "Custom one: which template do you reuse most?"')
    await h.say("Ada", 'prompt add "Custom two: what did a learner teach you lately?"')
    await approve_suggestion(h, "Bob", "Bob asks: how do you plan office hours?")
    await h.say("Bob", 'prompt suggest "Declined: is this a good question?"')
    declined = await Prompt.get(status="pending")
    await h.say("Ada", f"prompt reject {declined.id}")

    # ten days in, a second member question is approved: it goes next
    await run_window(planner, sender, START, START + timedelta(days=10))
    await approve_suggestion(h, "Bob", "Bob again: which rubric works for projects?")
    pool = 2 + 2 + len(LIBRARY)
    await run_window(planner, sender, h.clock.now(), START + timedelta(days=pool + 3))

    posts = [prompt_of(p.text) for p in sender.channel_posts()]
    assert len(posts) == pool + 3
    assert posts[0] == "Bob asks: how do you plan office hours?"
    assert posts[1:3] == [
        "Custom one: which template do you reuse most?",
        "Custom two: what did a learner teach you lately?",
    ]
    assert posts[3:10] == [item.en for item in LIBRARY[:7]]
    assert posts[10] == "Bob again: which rubric works for projects?"
    assert posts[11:pool] == [item.en for item in LIBRARY[7:]]
    assert "Declined: is this a good question?" not in posts
    # nothing repeated until the whole pool was used; then the oldest comes back first
    assert len(set(posts[:pool])) == pool
    assert posts[pool:] == posts[:3]
    # every post went to the community's home channel, each day at 9:00 Toronto time
    zone = ZoneInfo("America/Toronto")
    sent = await Delivery.filter(kind="prompt").order_by("due_at")
    assert [d.due_at.astimezone(zone).hour for d in sent] == [9] * len(posts)
    assert {p.target for p in sender.channel_posts()} == {"C1"}
    # the thread of the latest post is remembered on its prompt
    latest = await Prompt.filter(last_posted_at__isnull=False).order_by("-last_posted_at").first()
    assert latest is not None and latest.thread_ref == f"C1:{len(posts)}"


async def test_planning_is_deterministic_and_each_post_goes_out_once(db: str) -> None:
    h = Harness.build(start=START)
    planner, sender = await setup(h)
    await h.say("Ada", "prompt schedule python weekly wed 10:00")
    window = (START, START + timedelta(weeks=4))
    first = await planner.due_between(*window)
    again = await planner.due_between(*window)
    assert first == again and len(first) == 4
    community = await Community.get(name_key="python")
    assert first[0].subject == f"prompt:{community.id}:2027-03-03T15:00Z"
    assert first[0].target == "channel:C1" and first[0].kind == "prompt"
    await run_window(planner, sender, *window)
    await run_window(planner, sender, *window)  # re-planned after a "restart"
    assert len(sender.channel_posts()) == 4
    assert await Delivery.filter(kind="prompt").count() == 4


async def test_changed_or_stopped_schedule_skips_what_was_planned(db: str) -> None:
    h = Harness.build(start=START)
    planner, sender = await setup(h)
    await h.say("Ada", "prompt schedule python weekly wed 10:00")
    [planned] = await planner.due_between(START, START + timedelta(days=7))
    await h.say("Ada", "prompt schedule python weekly thu 11:00")
    row = await Delivery.create(
        workspace_id=planned.workspace_id,
        kind=planned.kind,
        target=planned.target,
        subject=planned.subject,
        due_at=planned.due_at,
        payload=planned.payload,
    )
    with pytest.raises(SkipDelivery, match="schedule changed"):
        await planner.send(row, sender)
    assert sender.posted == []
    [moved] = await planner.due_between(START, START + timedelta(days=7))
    assert moved.due_at.astimezone(ZoneInfo("America/Toronto")).strftime("%a %H:%M") == (
        "Thu 11:00"
    )
    await h.say("Ada", "prompt schedule python off")
    assert await planner.due_between(START, START + timedelta(days=30)) == []


async def test_a_new_home_channel_does_not_mean_a_second_post(db: str) -> None:
    h = Harness.build(start=START)
    planner, sender = await setup(h)
    await h.say("Ada", "prompt schedule python weekly wed 10:00")
    window = (START, START + timedelta(days=7))
    await run_window(planner, sender, *window)
    await h.say("Ada", "community bind python", channel="C2")
    [replanned] = await planner.due_between(*window)
    assert replanned.target == "channel:C2"
    skipped = await run_window(planner, sender, *window)
    assert skipped == [] and [p.target for p in sender.channel_posts()] == ["C1"]
    row = await Delivery.get(kind="prompt", target="channel:C2")
    assert row.status == "skipped" and "previous home channel" in row.detail
    # the next one goes to the new channel
    await run_window(planner, sender, window[1], window[1] + timedelta(days=7))
    assert [p.target for p in sender.channel_posts()] == ["C1", "C2"]


async def test_a_french_speaking_community_gets_french_prompts(db: str) -> None:
    h = Harness.build(start=START)
    await h.say("Élise", "community create pédagogie", channel="C5", locale="fr-CA")
    await h.say("Luc", "join pédagogie", locale="fr-CA")
    await h.say("Ann", "join pédagogie", locale="en-CA")
    await h.say("Élise", "prompt schedule pédagogie chaque semaine mercredi 10h")
    planner, sender = PromptPlanner(h.core.settings), RecordingSender.for_harness(h)
    await run_window(planner, sender, START, START + timedelta(weeks=2))
    texts = [p.text for p in sender.channel_posts()]
    assert len(texts) == 2
    assert texts[0].startswith("Question de discussion\n" + LIBRARY[0].text(Translator("fr")))
    assert "Répondez dans ce fil" in texts[0]
    assert LIBRARY[1].text(Translator("fr")) in texts[1]
