"""The language most of a community's members read (its channel posts' language when its
coordinators chose none) is counted once and kept, and follows every join, leave, change
of language and forgotten member at once, made by a command or by anything else that
writes to the database (``data.readers``' triggers)."""

from __future__ import annotations

import pytest

from bot.kernel.messages import Buttons
from data import readers
from data.models import Community, Member, Membership
from tests.support.harness import Harness

ENGLISH = "shared a resource:"
FRENCH = "a partagé une ressource"


async def _share(h: Harness, number: int) -> str:
    """Ada shares; the text of the post in the community's channel."""
    reply = await h.say("Ada", f"share https://x.example/{number} Item {number} in python")
    assert not reply.is_error
    assert h.effects is not None
    await h.effects.settle()
    [post] = [s for s in h.outbox.sent if s.kind == "post" and s.target == "C1"][-1:]
    return post.text


async def test_the_channel_follows_its_readers_at_once(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    assert ENGLISH in await _share(h, 1)  # Ada alone, with no language: the default
    for name in ("Bea", "Cy"):
        await h.say(name, "language fr")
        await h.say(name, "join python")
    assert FRENCH in await _share(h, 2)  # two French readers of three
    await h.say("Cy", "leave python")
    assert ENGLISH in await _share(h, 3)  # one each: a tie goes to the default
    await h.say("Ada", "language fr")
    assert FRENCH in await _share(h, 4)  # a member's own change of language counts
    await h.say("Ada", "language en")
    await h.say("Dee", "join python")  # no language chosen: reads the default
    assert ENGLISH in await _share(h, 5)
    ask = await h.say("Dee", "forget-me")
    [buttons] = [p for p in ask.parts if isinstance(p, Buttons)]
    confirm = buttons.buttons[0]
    assert not (await h.core.press(h.who("Dee"), confirm.action, confirm.value)).is_error
    await h.say("Cy", "join python")
    assert FRENCH in await _share(h, 6)  # Dee forgotten, Cy back: two French of three


async def test_the_count_is_kept_until_the_readers_change(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bea", "join python")
    counted = []
    real = readers.reader_languages

    async def counting(community_id: int) -> list[tuple[str | None, int]]:
        counted.append(community_id)
        return await real(community_id)

    monkeypatch.setattr(readers, "reader_languages", counting)
    for number in range(3):
        await _share(h, number)
    assert len(counted) == 1  # counted for the first post, kept for the next two
    await h.say("Cy", "join python")
    await _share(h, 3)
    assert len(counted) == 2  # the join made the kept count stale


async def test_a_count_made_while_the_readers_changed_is_not_kept_as_current(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    seen = await Community.get(name="python")  # read before the change below
    await h.say("Bea", "join python")  # moves the version the row had when read
    assert await readers.reader_counts(seen) == {"": 2}  # counted now: both members
    fresh = await Community.get(id=seen.id)
    assert fresh.reader_counts == {"": 2}
    assert fresh.reader_counts_of == seen.readers_version < fresh.readers_version
    await h.say("Bea", "language fr")
    assert await readers.reader_counts(await Community.get(id=seen.id)) == {"": 1, "fr": 1}


async def test_the_channel_follows_changes_made_outside_the_commands(db: str) -> None:
    """An import, a future command or an edit by hand: the database moves the version."""
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    assert ENGLISH in await _share(h, 1)  # counted and kept: Ada alone
    for name in ("Bea", "Cy"):
        await h.say(name, "language fr")  # met, and reading French, but not members
    community = await Community.get(name="python")
    french = await Member.filter(external_id__in=["bea", "cy"]).order_by("id")
    for member in french:
        await Membership.create(member=member, community=community, joined_at=h.clock.now())
    assert FRENCH in await _share(h, 2)  # two French readers of three
    await Member.filter(id=french[0].id).update(language="en")
    assert ENGLISH in await _share(h, 3)  # two English (Ada reads the default) of three
    await Membership.filter(member_id=french[0].id).update(left_at=h.clock.now())
    assert ENGLISH in await _share(h, 4)  # one each: a tie goes to the default
    await Member.filter(id=french[1].id).update(is_bot=True)  # bots are not readers
    await Member.filter(id=french[0].id).update(language="fr")  # not a member: no change
    assert ENGLISH in await _share(h, 5)
    await Membership.filter(member_id=french[0].id).update(left_at=None)
    await Member.filter(id=french[1].id).update(is_bot=False)
    assert FRENCH in await _share(h, 6)  # back, and Cy no longer a bot: two of three
    await Membership.filter(member_id=french[1].id).delete()
    assert ENGLISH in await _share(h, 7)  # one each again


async def test_the_welcome_after_a_join_counts_the_newcomer(db: str) -> None:
    """The join's own post reads the community as the join left it, not as it was read
    before: its kept count no longer holds once the newcomer is in."""
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bea", "language fr")
    await h.say("Bea", "join python")
    assert ENGLISH in await _share(h, 1)  # one each: a tie goes to the default; kept
    await h.say("Cy", "language fr")
    reply = await h.core.submit_form(h.who("Cy"), "intro", {"title": "Tisserand"})
    assert not reply.is_error
    h.outbox.clear()
    assert not (await h.say("Cy", "join python")).is_error
    assert h.effects is not None
    await h.effects.settle()
    [welcome] = h.outbox.to("C1")
    assert welcome.text.startswith("Souhaitons la bienvenue à @Cy")  # two French of three
