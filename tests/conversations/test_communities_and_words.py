"""Issue 12 items 4, 5 and 6 through the member's front door: a community chooses the
language of its channel; nothing is a one-way door; what the bot says matches what it
does. Console end to end where words are involved, in English and French; the harness's
recording outbox (the adapter boundary) for direct messages and scheduled posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.kernel.messages import Buttons, Time
from data.models import Community, Meeting, Membership
from scheduler.planners.digest import DigestPlanner
from tests.console.test_console_e2e import run_console
from tests.prompts.support import RecordingSender, run_window
from tests.support.harness import Harness

MONDAY_9 = datetime(2027, 3, 8, 14, 0, tzinfo=UTC)  # 09:00 in Toronto: the digest's time


# ---- item 4: the channel's language --------------------------------------------------


async def test_channel_in_both_languages_and_dms_in_each_members_own(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Zoé", "join python", locale="fr-CA")
    reply = await h.text("Ada", "community language python both")
    assert "every language together (English, French)" in reply
    h.outbox.clear()
    await h.say("Zoé", 'share https://ex.org/a "Une grille"')
    [post] = h.outbox.to("C1")
    assert "shared a resource" in post.text and "a partagé une ressource" in post.text
    assert "Upvote / Voter" in post.text
    # the channel's choice does not flip as members come and go
    await h.say("Zoé", "leave python")
    await h.say("Bob", "join python")
    h.outbox.clear()
    await h.say("Bob", 'share https://ex.org/b "A rubric"')
    [post] = h.outbox.to("C1")
    assert "a partagé une ressource" in post.text
    # a direct message stays in the reader's language
    await h.say("Ada", "meeting schedule python tomorrow 9am Kick-off")
    await h.say("Bob", "rsvp kick-off going")
    await h.say("Zoé", "join python", locale="fr-CA")
    await h.say("Zoé", "rsvp kick-off oui")
    h.outbox.clear()
    await h.say("Ada", "meeting cancel kick-off")
    zoe, bob = h.outbox.to("zoé"), h.outbox.to("bob")
    assert zoe and "annulée" in zoe[0].text and "cancelled" not in zoe[0].text
    assert bob and "cancelled" in bob[0].text and "annulée" not in bob[0].text


def test_community_language_in_french_on_the_console(tmp_path: Path) -> None:
    out = run_console(
        [
            "/language fr",
            "/channel ped",
            "/community create ped",
            "/community language ped fr",
            '/share https://ex.org/a "Une grille"',
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "sont maintenant en français" in out
    assert "[#ped] @Operator a partagé une ressource" in out


# ---- item 5: no one-way doors -------------------------------------------------------


async def test_archived_community_stays_findable_and_comes_back(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create old", channel="C1")
    await h.say("Ada", 'share https://ex.org/a "Grading notes"')
    await h.say("Ada", "community archive old")
    found = await h.text("Bob", "resources grading")
    assert "Grading notes [archived]" in found
    scoped = await h.text("Bob", "resources in old")
    assert "“old” is archived: its resources are still here to find" in scoped
    refused = await h.text("Bob", "join old")
    assert "“old” is archived" in refused and "community unarchive old" in refused
    back = await h.text("Ada", "community unarchive old")
    assert "“old” is active again" in back
    assert not (await Community.get(name="old")).archived
    assert "Welcome" in await h.text("Bob", "join old")


async def test_last_coordinator_leaving_offers_the_role_and_tells_admins(db: str) -> None:
    h = Harness.build()
    await h.say("Root", "help", is_admin=True)
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python")
    h.clock.advance(timedelta(days=1))
    await h.say("Cy", "join python")
    h.outbox.clear()
    left = await h.text("Ada", "leave python")
    assert "You left “python”" in left
    [offer] = h.outbox.to("bob")  # the longest-standing member
    assert "has no coordinator since Ada left" in offer.text
    buttons = next(p for p in offer.message.parts if isinstance(p, Buttons)).buttons
    assert not h.outbox.to("cy")
    [told] = h.outbox.to("root")
    assert "I offered the role to @Bob" in told.text
    took = await h.core.press(h.who("Bob"), buttons[0].action, buttons[0].value)
    assert "You are now a coordinator of “python”" in message_of(took)
    again = await h.core.press(h.who("Bob"), buttons[0].action, buttons[0].value)
    assert again.is_error and "has a coordinator again" in message_of(again)


async def test_forget_me_of_the_last_coordinator_offers_the_role(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python")
    reply = await h.say("Ada", "forget-me")
    confirm = next(p for p in reply.parts if isinstance(p, Buttons)).buttons[0]
    h.outbox.clear()
    await h.core.press(h.who("Ada"), confirm.action, confirm.value)
    [offer] = h.outbox.to("bob")
    assert "has no coordinator since Ada left" in offer.text


async def test_a_removed_coordinator_is_told_by_whom(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python", locale="fr-CA")
    await h.say("Ada", "community coordinator add @bob in python")
    h.outbox.clear()
    await h.say("Ada", "community coordinator remove @bob in python")
    [told] = h.outbox.to("bob")
    assert "@Ada vous a retiré le rôle de coordonnateur de « python »" in told.text
    assert (await Membership.get(member__external_id="bob")).role == "member"


# ---- item 6: words match deeds ------------------------------------------------------


async def test_digest_turned_on_after_its_hour_waits_for_the_next_one(db: str) -> None:
    h = Harness.build(start=MONDAY_9 + timedelta(hours=5))
    await h.say("Ada", "community create python", channel="C1")
    reply = await h.text("Ada", "digest python weekly")
    assert "Monday" in reply
    planner, sender = DigestPlanner(h.core.settings), RecordingSender.for_harness(h)
    # the engine looks back over the last days when it starts: nothing already past goes
    await run_window(planner, sender, MONDAY_9 - timedelta(days=1), MONDAY_9 + timedelta(days=6))
    assert sender.channel_posts() == []
    h.clock.set(MONDAY_9 + timedelta(days=7, minutes=1))
    await run_window(planner, sender, MONDAY_9 + timedelta(days=6), MONDAY_9 + timedelta(days=8))
    assert len(sender.channel_posts()) == 1


async def test_identical_meeting_warns_and_can_keep_both(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Ada", "meeting schedule python tomorrow 9am Kick-off")
    warned = await h.say("Ada", "meeting schedule python tomorrow 9am kick-off")
    assert "is already scheduled at that time" in message_of(warned)
    assert await Meeting.all().count() == 1
    keep = next(p for p in warned.parts if isinstance(p, Buttons)).buttons[0]
    assert keep.label == "Keep both"
    both = await h.core.press(h.who("Ada"), keep.action, keep.value)
    assert "Scheduled “kick-off”" in message_of(both)
    assert await Meeting.all().count() == 2
    # the offer is used up, and never someone else's
    stale = await h.core.press(h.who("Ada"), keep.action, keep.value)
    assert stale.is_error


def test_console_words_match_deeds_in_english_and_french(tmp_path: Path) -> None:
    out = run_console(
        [
            "/channel py",
            "/community create py",
            "/meeting schedule py tomorrow 9am Kick-off",
            "/meeting schedule py tomorrow 9am Kick-off",
            "/meetings",
            "/meeting cancel kick-off",
            "/members py",
            "/language fr",
            "/meeting schedule py demain 10h Café",
            "/meeting cancel café",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "“Kick-off” is already scheduled at that time" in out
    assert "copbot calendar" not in out  # no operator's command for members
    assert (tmp_path / "py.ics").read_text().count("BEGIN:VEVENT") == 1
    assert "No one had answered, so no one needed telling." in out
    assert "member(s)" not in out and "membre(s)" not in out
    assert "Personne n'avait répondu\u202f: personne à prévenir." in out


def test_a_reminder_a_minute_ahead_never_says_now() -> None:
    from adapters.console.render import render_relative

    start = datetime(2027, 3, 1, 15, 0, tzinfo=UTC)
    for seconds, english, french in (
        (59, "in 1 min", "dans 1 min"),
        (61, "in 1 min", "dans 1 min"),
        (0, "now", "maintenant"),
    ):
        now = start - timedelta(seconds=seconds)
        assert render_relative(Time(start, "relative", "UTC", "en"), now) == english
        assert render_relative(Time(start, "relative", "UTC", "fr"), now) == french


def message_of(message: object) -> str:
    from bot.kernel.messages import Message, message_text

    assert isinstance(message, Message)
    return message_text(message)
