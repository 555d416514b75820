"""Networking rounds end to end: opt-in, schedule, rounds on a moved clock, introductions."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.kernel.messages import message_text
from data.models import Member, NetworkingPair, NetworkingRound, NetworkingSchedule
from scheduler.planners.networking import IntroductionsFailed, NetworkingPlanner
from tests.prompts.support import RecordingSender, record, run_window
from tests.support.harness import Harness

START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)  # a Monday, 9:00 in Toronto


async def member(name: str) -> Member:
    return await Member.get(external_id=name.lower())


async def community_of(h: Harness, names: list[str], opted_in: list[str]) -> None:
    await h.say("Ada", "community create python", channel="C1")
    for name in names:
        await h.say(name, "join python")
    for name in opted_in:
        reply = await h.text(name, "networking on")
        assert "You're in" in reply


async def rounds(community_pairs: list[NetworkingPair]) -> list[frozenset[int]]:
    out = []
    for pair in community_pairs:
        ids = [pair.member_a_id, pair.member_b_id]  # type: ignore[attr-defined]
        if pair.member_c_id:  # type: ignore[attr-defined]
            ids.append(pair.member_c_id)  # type: ignore[attr-defined]
        out += [frozenset(p) for p in itertools.combinations(ids, 2)]
    return out


async def test_opt_in_and_out(db: str) -> None:
    h = Harness.build(start=START)
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Ada", "networking schedule python every 2 weeks monday 9:00")
    reply = await h.text("Bob", "networking on")
    assert "pair you with another member" in reply and "intro" in reply
    assert (await member("Bob")).networking_opt_in
    assert "already taking part" in await h.text("Bob", "networking on")
    await h.say("Bob", "join python")
    await h.say("Bob", "networking off")
    listed = await h.text("Bob", "networking on")
    assert "python: every other Monday at 9:00\u202fAM" in listed
    assert "won't be paired" in await h.text("Bob", "networking off")
    assert not (await member("Bob")).networking_opt_in
    assert "not taking part" in await h.text("Bob", "networking off")
    french = await h.text("Zoé", "networking on", locale="fr-CA")
    assert "C'est noté" in french


async def test_schedule_by_coordinators_only_and_bad_input_changes_nothing(db: str) -> None:
    h = Harness.build(start=START)
    await community_of(h, ["Bob"], ["Bob"])
    reply = await h.text("Ada", "networking schedule python monthly first tuesday 12:00")
    assert "the first Tuesday of every month at 12:00\u202fPM (America/Toronto)" in reply
    assert "1 member has opted in" in reply
    schedule = await NetworkingSchedule.get()
    for user, line, expected in [
        ("Bob", "networking schedule python weekly mon 9:00", "Only coordinators"),
        ("Ada", "networking schedule python fortnightly", "At what time?"),
        ("Ada", "networking schedule python every Tuesday 9:00 for 2 hours", "not a length"),
        ("Ada", "networking schedule pyhton weekly mon 9:00", "Did you mean: python"),
    ]:
        bad = await h.say(user, line)
        assert bad.is_error and expected in message_text(bad), message_text(bad)
    after = await NetworkingSchedule.get()
    assert (after.rrule, after.start_local, after.active) == (
        schedule.rrule,
        schedule.start_local,
        True,
    )
    assert "are off" in await h.text("Ada", "networking schedule python off")
    planner = NetworkingPlanner(h.core.settings)
    assert await planner.due_between(START, START + timedelta(days=90)) == []


async def test_weekly_rounds_never_repeat_a_pair_while_new_ones_remain(db: str) -> None:
    h = Harness.build(start=START)
    six = ["Bob", "Cy", "Dee", "Eve", "Fay", "Gus"]
    await community_of(h, [*six, "Hal", "Ivy"], [*six, "Ivy"])
    await h.say("Ivy", "leave python")  # opted in, but no longer a member
    await h.say("Ada", "networking schedule python weekly mon 10:00")
    planner, sender = NetworkingPlanner(h.core.settings), RecordingSender.for_harness(h)
    await run_window(planner, sender, START, START + timedelta(weeks=5))

    made = await NetworkingRound.all().order_by("round_at")
    assert len(made) == 5
    ids = {(await member(n)).id for n in six}
    seen: list[frozenset[int]] = []
    for round_ in made:
        pairs = await NetworkingPair.filter(round=round_)
        assert len(pairs) == 3
        members = [p.member_a_id for p in pairs] + [p.member_b_id for p in pairs]  # type: ignore[attr-defined]
        assert set(members) == ids and len(members) == 6
        seen += await rounds(pairs)
    assert len(seen) == len(set(seen)) == 15  # every possible pair, each exactly once
    # one introduction per member per round, by direct message; Hal and Ivy get none
    directs = sender.directs()
    assert len(directs) == 6 * 5
    assert {d.target for d in directs} == {str(i) for i in ids}
    # re-planning the same weeks (a restart) sends nothing again
    await run_window(planner, sender, START, START + timedelta(weeks=5))
    assert len(sender.directs()) == 30 and await NetworkingRound.all().count() == 5


async def test_pairs_share_an_interest_written_with_or_without_accents(db: str) -> None:
    h = Harness.build(start=START)
    await community_of(h, ["Bob", "Zoé"], ["Bob", "Zoé"])
    await Member.filter(external_id="bob").update(interests=["évaluation"])
    await Member.filter(external_id="zoé").update(interests=["Evaluation"])
    await h.say("Ada", "networking schedule python weekly mon 10:00")
    planner, sender = NetworkingPlanner(h.core.settings), RecordingSender.for_harness(h)
    await run_window(planner, sender, START, START + timedelta(days=7))
    bob = await member("Bob")
    [to_bob] = [d for d in sender.directs() if d.target == str(bob.id)]
    assert "you share an interest in #évaluation" in to_bob.text  # as Bob wrote it


async def test_introduction_says_why_in_the_readers_language(db: str) -> None:
    h = Harness.build(start=START)
    await community_of(h, ["Bob", "Zoé"], ["Bob", "Zoé"])
    await Member.filter(external_id="bob").update(
        timezone="America/Vancouver",
        interests=["moodle", "rubrics"],
        can_help_with="Moodle quizzes",
        wants_to_learn="video editing",
        title="Instructional designer",
    )
    await Member.filter(external_id="zoé").update(
        timezone="America/Halifax",
        language="fr",
        interests=["rubrics"],
        can_help_with="video editing",
        wants_to_learn="moodle quizzes",
    )
    await h.say("Ada", "networking schedule python weekly mon 10:00")
    planner, sender = NetworkingPlanner(h.core.settings), RecordingSender.for_harness(h)
    await run_window(planner, sender, START, START + timedelta(days=7))
    bob, zoe = await member("Bob"), await member("Zoé")
    [to_bob] = [d for d in sender.directs() if d.target == str(bob.id)]
    [to_zoe] = [d for d in sender.directs() if d.target == str(zoe.id)]
    assert "Networking: python" in to_bob.text and "This round, meet @Zoé." in to_bob.text
    assert "you share an interest in #rubrics" in to_bob.text
    assert "Zoé can help with what you want to learn: video editing" in to_bob.text
    assert "you can help Zoé with what they want to learn: moodle quizzes" in to_bob.text
    assert "your working days overlap from" in to_bob.text
    assert "you have not been paired before" in to_bob.text
    assert "Réseautage\u202f: python" in to_zoe.text
    assert "faites connaissance avec @Bob" in to_zoe.text
    assert "Bob — Instructional designer" in to_zoe.text
    assert "vous avez en commun l'intérêt pour #rubrics" in to_zoe.text
    assert "vos journées de travail se chevauchent" in to_zoe.text


async def test_odd_count_makes_a_trio_and_blocked_members_get_the_channel(db: str) -> None:
    h = Harness.build(start=START)
    await community_of(h, ["Bob", "Cy", "Dee"], ["Bob", "Cy", "Dee"])
    await h.say("Ada", "networking schedule python weekly mon 10:00")
    planner, sender = NetworkingPlanner(h.core.settings), RecordingSender.for_harness(h)
    sender.blocked.add((await member("Dee")).id)
    await run_window(planner, sender, START, START + timedelta(days=7))
    [pair] = await NetworkingPair.all()
    assert pair.member_c_id is not None  # type: ignore[attr-defined]
    assert len(sender.directs()) == 2
    [fallback] = [p for p in sender.posted if p.kind == "fallback"]
    assert fallback.target == "C1" and "group of three" in fallback.text


async def test_a_failed_introduction_is_retried_alone_with_the_same_partner(db: str) -> None:
    h = Harness.build(start=START)
    await community_of(h, ["Bob", "Cy", "Dee", "Eve"], ["Bob", "Cy", "Dee", "Eve"])
    await h.say("Ada", "networking schedule python weekly mon 10:00")
    planner, sender = NetworkingPlanner(h.core.settings), RecordingSender.for_harness(h)
    eve = await member("Eve")
    sender.unreachable.add(eve.id)
    [post] = await planner.due_between(START, START + timedelta(days=7))
    delivery, _ = await record(post)
    h.clock.set(post.due_at)
    with pytest.raises(IntroductionsFailed):
        await planner.send(delivery, sender)
    assert len(sender.directs()) == 3
    pairs_before = [(p.member_a_id, p.member_b_id) for p in await NetworkingPair.all()]  # type: ignore[attr-defined]
    sender.unreachable.clear()
    h.clock.advance(timedelta(minutes=5))
    await planner.send(delivery, sender)  # the engine's retry
    assert len(sender.directs()) == 4
    assert sender.directs()[-1].target == str(eve.id)
    after = [(p.member_a_id, p.member_b_id) for p in await NetworkingPair.all()]  # type: ignore[attr-defined]
    assert after == pairs_before and await NetworkingRound.all().count() == 1
