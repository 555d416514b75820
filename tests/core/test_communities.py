from __future__ import annotations

import asyncio

from data.models import Community, Member, Membership, Workspace
from tests.support.harness import Harness


async def test_create_join_and_list(db: str) -> None:
    h = Harness.build()
    assert "created" in await h.text(
        "Ada", 'community create Python "Python in teaching" #code', channel="C1"
    )
    community = await Community.get(name_key="python")
    assert community.home_channel_id == "C1"
    assert community.tags == ["code"]
    assert "Welcome" in await h.text("Bob", "join python")
    listing = await h.text("Cy", "communities")
    assert "Python" in listing and "2 members" in listing and "[Join Python]" in listing


async def test_duplicate_name_other_case_changes_nothing(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python")
    reply = await h.say("Bob", "community create PYTHON other")
    assert reply.is_error and "already exists" in await h.text("Bob", "community create pYtHoN")
    assert await Community.all().count() == 1


async def test_unknown_community_suggests(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    text = await h.text("Bob", "join pyton")
    assert "no community called “pyton”" in text and "python" in text


async def test_unknown_command_did_you_mean_in_french(db: str) -> None:
    h = Harness.build()
    text = await h.text("Zoe", "joinn python", locale="fr-CA")
    assert "Je ne connais pas la commande « joinn »" in text
    assert "join" in text


async def test_a_name_typed_without_accents_finds_the_community(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", 'community create "Pédagogie numérique"', locale="fr-CA")
    assert "Welcome" in await h.text("Bob", "join pedagogie numerique")
    assert await Membership.filter(member__display_name="Bob").count() == 1
    # two names that fold the same: nothing is guessed
    await h.say("Ada", 'community create "Pedagogie Numerique"')
    await h.say("Ada", 'community create "Pédagogie numerique"')
    text = await h.text("Cy", "join PEDAGOGIE NUMÉRIQUE")
    assert "no community called" in text


async def test_coordinator_command_by_non_coordinator(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    await h.say("Bob", "join python")
    reply = await h.say("Bob", "community edit python new words")
    assert reply.is_error
    assert "Only coordinators" in await h.text("Bob", "community archive python")
    community = await Community.get(name_key="python")
    assert community.description == "" and not community.archived


async def test_leave_keeps_history(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    await h.say("Bob", "join python")
    assert "left" in await h.text("Bob", "leave python")
    row = await Membership.get(member__external_id="bob")
    assert row.left_at is not None
    assert "Bob" not in await h.text("Ada", "members python")


async def test_a_word_that_is_not_one_of_the_choices_is_named(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    text = await h.text("Ada", "community coordinator promote @bob")
    assert "“promote” is not one of: add, remove" in text


async def test_a_platform_retry_of_an_event_does_nothing_twice(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    first = h.who("Bob", channel="C1", event_id="Ev1")
    for core in (h.core, Harness.build().core):  # the retry may reach another process
        await core.event(first, "member_joined_channel", channel_id="C1")
    assert await Membership.filter(member__external_id="bob").count() == 1
    greetings = [s for s in h.outbox.sent if s.target == "bob"]
    assert len(greetings) == 1
    # a new event id is a new event
    await h.say("Bob", "leave python")
    await h.core.event(h.who("Bob", event_id="Ev2"), "member_joined_channel", channel_id="C1")
    assert await Membership.filter(member__external_id="bob", left_at__isnull=True).count() == 1


async def test_suggestions_spell_communities_as_named(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", 'community create "Online course design"')
    text = await h.text("Bob", "join online-course")
    assert "Did you mean: Online course design?" in text


async def test_member_counts_are_singular_for_one(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    listing = await h.text("Bob", "communities")
    assert "\n1 member\n" in listing and "1 members" not in listing
    assert "1 membre" in await h.text("Zoé", "communities", locale="fr-CA")
    await h.say("Bob", "join python")
    assert "2 members" in await h.text("Cy", "communities")


async def test_removing_someone_who_is_no_coordinator_says_so(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    await h.say("Bob", "join python")
    reply = await h.say("Ada", "community coordinator remove @bob in python")
    assert reply.is_error
    from bot.kernel.messages import message_text

    assert "@Bob is not a coordinator of “python”." in message_text(reply)
    assert "no longer" not in message_text(reply)


async def test_a_missing_argument_is_named_in_the_members_language(db: str) -> None:
    h = Harness.build()
    assert "Please give the member. Usage: `whois @member`" in await h.text("Ada", "whois")
    french = await h.text("Zoé", "whois", locale="fr-CA")
    # the usage line is the member's language too (a catalog entry)
    assert "Veuillez indiquer\u202f: le membre. Utilisation\u202f: `whois @membre`" in french
    too_long = await h.text("Zoé", "community create " + "n" * 81, locale="fr-CA")
    assert "C'est trop long pour son nom\u202f: 80 caractères au plus." in too_long
    assert await Community.all().count() == 0


async def test_first_requests_racing_for_a_new_workspace_all_succeed(db: str) -> None:
    h = Harness.build(workspace="T9")
    replies = await asyncio.gather(*(h.say("Ada", "communities") for _ in range(6)))
    assert all(not reply.is_error for reply in replies)
    assert await Workspace.filter(external_id="T9").count() == 1
    assert await Member.filter(external_id="ada").count() == 1


async def test_multi_word_community_names_in_edit_bind_and_archive(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Online")
    await h.say("Ada", 'community create "Online course design" "Courses online"')
    text = await h.text("Ada", 'community edit Online course design "Build better courses" #ocd')
    assert "“Online course design”" in text, text
    community = await Community.get(name_key="online course design")
    assert community.description == "Build better courses" and community.tags == ["ocd"]
    short = await Community.get(name_key="online")
    assert short.description != "course design Build better courses"
    # tags only: the words are all the name, nothing is left for a description
    await h.say("Ada", "community edit Online course design #design")
    community = await Community.get(name_key="online course design")
    assert community.description == "Build better courses" and community.tags == ["design"]
    # the shorter name still works, with a description of several words
    await h.say("Ada", "community edit Online all about teaching online")
    short = await Community.get(name_key="online")
    assert short.description == "all about teaching online"
    # a quoted name too
    await h.say("Ada", 'community edit "Online course design" Shorter')
    assert (await Community.get(name_key="online course design")).description == "Shorter"
    assert "C9" in await h.text("Ada", "community bind Online course design", channel="C9")
    assert (await Community.get(name_key="online course design")).home_channel_id == "C9"
    assert "archived" in await h.text("Ada", "community archive Online course design")
    assert (await Community.get(name_key="online course design")).archived


async def test_help_says_to_quote_names_with_spaces(db: str) -> None:
    h = Harness.build()
    text = await h.text("Ada", "help community edit")
    assert 'community edit "Online course design"' in text
    assert "quote" in text.lower()


async def test_listing_counts_current_members_and_offers_join_where_not_a_member(
    db: str,
) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python")
    await h.say("Ada", "community create design")
    for name in ("Bob", "Cy", "Di"):
        await h.say(name, "join python")
    await h.say("Di", "leave python")
    listing = await h.text("Bob", "communities")
    python = listing[listing.index("python") :]
    assert "3 members" in python  # Ada, Bob, Cy: Di left
    assert "1 member" in listing[listing.index("design") : listing.index("python")]
    assert "[Join design]" in listing and "[Join python]" not in listing
