"""The resolvers: each argument kind read from text into an object, completed, and a miss
explained with "did you mean"; the community rule (named, else the channel's, else the
member's only one, else asked) applied the same way by every command that takes one."""

from __future__ import annotations

from dataclasses import replace

from bot.kernel.messages import message_text
from data.models import Community
from tests.support.harness import Harness


async def two_communities() -> Harness:
    h = Harness.build()
    for user, line, channel in [
        ("Ada", "community create python", "C1"),
        ("Ada", 'community create "Online course design"', "C2"),
        ("Bob", "join python", None),
        ("Ada", "meeting schedule python 2027-03-10 16:30 Python hour", None),
        ("Bob", "share https://example.org/rubric Rubric in python", None),
    ]:
        reply = await h.say(user, line, channel)
        assert not reply.is_error, message_text(reply)
    return h


async def test_a_miss_is_explained_with_close_names_for_every_kind(db: str) -> None:
    h = await two_communities()
    cases = {
        "join pyhton": "Did you mean: python?",
        "join quantum": "There is no community called “quantum”. Type `communities` to see them.",
        "whois @Bbo": "Did you mean: @Bob?",
        "upvote Rubrik": "Did you mean: “Rubric”?",
        "rsvp Pyton hour going": "Did you mean: Python hour?",
        "timezone Vancover": "Did you mean: America/Vancouver",
    }
    for line, expected in cases.items():
        reply = await h.say("Bob", line)
        assert reply.is_error and expected in message_text(reply), (line, message_text(reply))


async def test_a_member_is_named_by_mention_or_by_name_in_any_case_never_by_guess(
    db: str,
) -> None:
    h = await two_communities()
    # the console's user ids are the names in lower case: "@bob" and "bob" are Bob's id
    for line in ("whois @bob", "whois bob", "whois BOB", "whois @BoB"):
        reply = await h.say("Ada", line)
        assert not reply.is_error and "python" in message_text(reply), (line, message_text(reply))
    # someone else whose display name is Bob: the name is theirs to share, so not a guess
    await h.core.handle_text(replace(h.who("Bob2"), user_name="Bob"), "language en")
    reply = await h.say("Ada", "whois BOB")
    assert reply.is_error and "Several members are called “BOB”" in message_text(reply)
    assert not (await h.say("Ada", "whois bob")).is_error  # his id still names him


async def test_a_french_member_reads_the_miss_and_the_argument_in_french(db: str) -> None:
    h = await two_communities()
    await h.say("Bob", "language fr")
    assert "Vouliez-vous dire\u202f: @Bob\u202f?" in await h.text("Bob", "whois @Bbo")
    assert "Veuillez indiquer\u202f: le membre." in await h.text("Bob", "whois")


async def test_the_community_rule_is_the_same_for_every_command(db: str) -> None:
    h = await two_communities()
    # Ada coordinates two communities: outside their channels she is asked which
    for line in ("members", "prompt list", "prompt now"):
        asked = await h.text("Ada", line)
        assert "Which community?" in asked and "Online course design, python" in asked, line
        # in a community's home channel, that community is meant
        assert "Which community?" not in await h.text("Ada", line, channel="C2"), line
    # Bob is in one community: it is his, anywhere
    assert "Members of python" in await h.text("Bob", "members")
    # Cy is in none: told to name or join one
    assert "join one first" in await h.text("Cy", "members")
    # named with "in", it wins over the channel
    assert "Members of python" in await h.text("Ada", "members in python", channel="C2")


async def test_completion_comes_from_the_resolver_of_each_kind(db: str) -> None:
    h = await two_communities()
    who = h.who("Bob")

    async def labels(kind: str, prefix: str) -> list[str]:
        return [c.label for c in await h.core.autocomplete(who, kind, prefix)]

    assert await labels("community", "onl") == ["Online course design"]
    assert any("Python hour" in label for label in await labels("meeting", "pyth"))
    assert any("Rubric" in label for label in await labels("resource", "rub"))
    assert "Vancouver (America/Vancouver)" in await labels("timezone", "vanc")
    assert await labels("member", "bo") == ["Bob"]
    assert await labels("word", "x") == []  # plain kinds do not complete


async def test_text_after_a_name_of_several_words_is_checked_like_any_text(db: str) -> None:
    h = await two_communities()
    # "Online course design" is re-split from the words after it: the rest is the text
    refused = await h.say("Ada", "community edit Online course design " + "x" * 600)
    assert refused.is_error and "too long" in message_text(refused), message_text(refused)
    edited = await h.say("Ada", "community edit Online course design Shorter words")
    assert not edited.is_error, message_text(edited)
    community = await Community.get(name="Online course design")
    assert community.description == "Shorter words"


async def test_a_name_is_found_whatever_its_accents_and_capitals(db: str) -> None:
    h = await two_communities()
    await h.core.handle_text(replace(h.who("elodie1"), user_name="Élodie Ñúñez"), "join python")
    # typed as a keyboard without accents or the caps lock would type it
    for typed in ("Élodie Ñúñez", "élodie ñúñez", "ÉLODIE ÑÚÑEZ", "Elodie Nunez", "elodie  nunez"):
        reply = await h.say("Ada", f'whois "{typed}"')
        assert not reply.is_error and "python" in message_text(reply), (typed, message_text(reply))
    # a name of several words needs no quotes where it ends the command, @ or not
    assert "python" in await h.text("Ada", "whois Elodie Nunez")
    assert "python" in await h.text("Ada", "whois @Élodie Ñúñez")
    added = await h.say("Ada", "community coordinator add élodie ñúñez in python")
    assert not added.is_error and "Élodie Ñúñez" in message_text(added), message_text(added)
    # a name that is nobody's is still nobody's: no guess from a part of it
    assert (await h.say("Ada", "whois Élodie")).is_error
    # and the member's autocomplete offers her from any of these beginnings
    for prefix in ("Élo", "élo", "elo", "@ELO"):
        offered = await h.core.autocomplete(h.who("Ada"), "member", prefix)
        assert [c.label for c in offered] == ["Élodie Ñúñez"], prefix


async def test_a_name_two_members_share_asks_for_a_mention(db: str) -> None:
    h = await two_communities()
    for user in ("zoe1", "zoe2"):
        await h.core.handle_text(replace(h.who(user), user_name="Zoé"), "language en")
    for typed in ("Zoé", "zoe"):
        reply = await h.say("Ada", f"whois {typed}")
        assert reply.is_error, typed
        assert f"Several members are called “{typed}”: mention the one you mean with @." in (
            message_text(reply)
        ), message_text(reply)
    await h.say("Ada", "language fr")
    assert "Plusieurs membres s’appellent « zoe »\u202f: mentionnez avec @" in (
        await h.text("Ada", "whois zoe")
    )


async def test_a_meeting_title_is_found_whatever_its_accents_and_capitals(db: str) -> None:
    h = await two_communities()
    reply = await h.say("Ada", "meeting schedule python 2027-03-12 10:00 Réunion d’équipe")
    assert not reply.is_error, message_text(reply)
    for typed in ("réunion d’équipe", "RÉUNION D'ÉQUIPE", "reunion d'equipe", "reunion"):
        reply = await h.say("Bob", f"rsvp {typed} going")
        assert not reply.is_error and "Réunion d’équipe" in message_text(reply), (
            typed,
            message_text(reply),
        )


async def test_a_resource_title_is_found_whatever_its_accents_and_capitals(db: str) -> None:
    h = await two_communities()
    shared = await h.say("Bob", 'share https://example.org/eval "Évaluation formative" in python')
    assert not shared.is_error, message_text(shared)
    for typed in ("ÉVALUATION FORMATIVE", "evaluation formative", "évaluation"):
        reply = await h.say("Ada", f'upvote "{typed}"')
        assert not reply.is_error or "already" in message_text(reply), (typed, message_text(reply))
        assert "Évaluation formative" in message_text(reply), (typed, message_text(reply))
    offered = await h.core.autocomplete(h.who("Ada"), "resource", "evaluat")
    assert [c.label for c in offered] == ["#2 Évaluation formative"]
    meeting = await h.say("Ada", "meeting schedule python 2027-03-12 10:00 Réunion d’équipe")
    assert not meeting.is_error, message_text(meeting)
    offered = await h.core.autocomplete(h.who("Ada"), "meeting", "REUNION")
    assert [c.label for c in offered] == ["#2 Réunion d’équipe (python)"]
