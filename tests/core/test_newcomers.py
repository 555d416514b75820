"""The newcomer flow: greeting, introduction request, "Please welcome", suggestions, and
the fallback when direct messages are refused — as the member and the channel see them."""

from __future__ import annotations

from bot.kernel.messages import FormRequest, Message, message_text
from data.models import Delivery, Membership, MembershipEvent
from tests.support.harness import Harness, Sent

BOB = {
    "title": "Instructional designer",
    "interests": "#moodle #ai",
    "can_help_with": "rubrics",
    "wants_to_learn": "video editing",
}


async def introduce(
    h: Harness, user: str, values: dict[str, str], *, is_bot: bool = False
) -> Message:
    reply = await h.core.submit_form(h.who(user, is_bot=is_bot), "intro", values)
    assert not reply.is_error, message_text(reply)
    return reply


def suggestion_lines(message: Message) -> list[str]:
    lines = message_text(message).splitlines()
    if (
        "People you might like to meet:" not in lines
        and "Des personnes à rencontrer\u202f:" not in lines
    ):
        return []
    return [line for line in lines if line.startswith("- @")]


def dms(h: Harness, user: str) -> list[Sent]:
    return [s for s in h.outbox.to(user) if s.kind == "direct"]


async def test_joining_the_workspace_greets_once_by_dm_with_the_form(db: str) -> None:
    h = Harness.build()
    await h.core.event(h.who("Bob", workspace_name="Learning Network"), "member_joined_workspace")
    [dm] = dms(h, "bob")
    assert "Welcome to Learning Network, @Bob!" in dm.text
    assert "Type `intro` any time" in dm.text
    request = dm.message.form_request
    assert isinstance(request, FormRequest)
    assert request.label == "Introduce yourself" and request.form.form_id == "intro"
    # a platform re-sending the event does not greet twice
    await h.core.event(h.who("Bob"), "member_joined_workspace")
    assert len(dms(h, "bob")) == 1
    # bots and people already introduced are not greeted
    await h.core.event(h.who("Robo", is_bot=True), "member_joined_workspace")
    await introduce(h, "Cy", {"title": "Teacher"})
    await h.core.event(h.who("Cy"), "member_joined_workspace")
    assert dms(h, "robo") == [] and dms(h, "cy") == []


async def test_join_without_intro_asks_for_it_then_intro_is_welcomed(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python #python", channel="C1")
    h.outbox.clear()
    reply = await h.say("Bob", "join python")
    text = message_text(reply)
    assert "Welcome to “Python”!" in text
    # the direct message asks, with the form; the reply points to it in one line and
    # offers the form where the platform can open it (an interaction in the server)
    assert "I sent you a direct message to introduce yourself; you can also do it" in text
    assert "Introduce yourself so the members" not in text
    assert reply.form_request is not None and reply.form_request.form.form_id == "intro"
    [dm] = dms(h, "bob")
    assert "Welcome to “Python”, @Bob! Introduce yourself" in dm.text
    assert dm.message.form_request is not None
    assert h.outbox.to("C1") == []  # nothing to welcome yet

    await introduce(h, "Bob", BOB)
    [post] = h.outbox.to("C1")
    assert post.text.startswith("Please welcome @Bob to “Python”!")
    assert "Title or role: Instructional designer" in post.text
    assert "Interests: #moodle #ai" in post.text
    assert "Wants to learn: video editing" in post.text
    assert "Instructional designer, #moodle #ai" in await h.text("Ada", "members python")


async def test_join_with_intro_posts_welcome_right_away_and_only_once(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    await introduce(h, "Bob", BOB)
    h.outbox.clear()
    reply = await h.say("Bob", "join python")
    assert "I introduced you in #C1." in message_text(reply)
    assert reply.form_request is None
    assert dms(h, "bob") == []  # nothing to ask: no greeting DM
    [post] = h.outbox.to("C1")
    assert "Please welcome @Bob to “Python”!" in post.text
    assert "Can help with: rubrics" in post.text

    await h.say("Bob", "leave python")
    again = await h.say("Bob", "join python")
    assert "I introduced you" not in message_text(again)
    assert len(h.outbox.to("C1")) == 1


async def test_suggestions_rank_by_overlap_and_skip_self_leavers_bots_outsiders(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python #python", channel="C1")
    await h.say("Ada", "community create Other")
    people = {
        "Cy": {"interests": "moodle, ai"},  # shares two interests
        "Fay": {"can_help_with": "Video editing with Kdenlive"},  # teaches what Bob wants
        "Hal": {"wants_to_learn": "writing rubrics"},  # wants what Bob can teach
        "Ivy": {"interests": "#python"},  # only a community topic
        "Dee": {**BOB, "interests": "#moodle #ai #python"},  # best match, but left
        "Gus": {**BOB},  # best match, but in another community only
    }
    for name, values in people.items():
        await introduce(h, name, values)
        await h.say(name, "join other" if name == "Gus" else "join python")
    await h.say("Dee", "leave python")
    await introduce(h, "Eve", {"interests": "moodle ai"}, is_bot=True)
    await h.say("Eve", "join python", is_bot=True)
    await introduce(h, "Bob", BOB)

    reply = await h.say("Bob", "join python")
    assert suggestion_lines(reply) == [
        "- @Cy — shares #moodle #ai",
        "- @Fay — can help with Video editing with Kdenlive",
        "- @Hal — wants to learn writing rubrics, which you can help with",
    ]
    for absent in ("@Bob —", "@Dee", "@Eve", "@Gus", "@Ada"):
        assert absent not in message_text(reply)


async def test_topic_reason_and_both_directions_on_one_person(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python #python")
    await introduce(
        h, "Cy", {"interests": "#python", "can_help_with": "video", "wants_to_learn": "rubrics"}
    )
    await h.say("Cy", "join python")
    await introduce(h, "Bob", BOB)
    reply = await h.say("Bob", "join python")
    assert suggestion_lines(reply) == [
        "- @Cy — can help with video; wants to learn rubrics, which you can help with; "
        "is into #python, a topic of “Python”"
    ]


async def test_interests_and_topics_compare_as_tags_do(db: str) -> None:
    """``#évaluation`` and ``#evaluation`` are one interest, as they are one tag, and
    ``#pedagogie`` is the community's ``#Pédagogie``; shown as the other member wrote it."""
    h = Harness.build()
    await h.say("Ada", "community create Python #Pédagogie")
    await introduce(h, "Cy", {"interests": "#Évaluation #pedagogie"})
    await h.say("Cy", "join python")
    await introduce(h, "Bob", {"interests": "#evaluation"})
    reply = await h.say("Bob", "join python")
    assert suggestion_lines(reply) == [
        "- @Cy — shares #évaluation; is into #pedagogie, a topic of “Python”"
    ]


async def test_without_overlap_the_coordinators_are_suggested(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python")
    await introduce(h, "Cy", {"interests": "gardening"})
    await h.say("Cy", "join python")
    reply = await h.say("Bob", "join python")
    assert suggestion_lines(reply) == ["- @Ada — coordinator of “Python”, happy to show you around"]


async def test_the_coordinator_alone_gets_no_suggestion_of_themself(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    reply = await h.core.submit_form(h.who("Ada"), "intro", {"title": "Coordinator"})
    assert "People you might like to meet" not in message_text(reply)


async def test_joining_the_home_channel_joins_the_community(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    h.outbox.clear()
    reply = await h.core.event(h.who("Bob"), "member_joined_channel", channel_id="C1")
    assert reply is not None and "Welcome to “Python”!" in message_text(reply)
    assert await Membership.filter(member__external_id="bob", left_at__isnull=True).count() == 1
    [dm] = dms(h, "bob")
    assert "Welcome to “Python”, @Bob!" in dm.text and dm.message.form_request is not None
    # joining again (or a re-sent event) changes nothing
    await h.core.event(h.who("Bob"), "member_joined_channel", channel_id="C1")
    assert await MembershipEvent.filter(member__external_id="bob").count() == 1
    assert len(dms(h, "bob")) == 1
    # a channel that is no community's home is just a channel
    await h.core.event(h.who("Cy"), "member_joined_channel", channel_id="C-random")
    assert await Membership.filter(member__external_id="cy").count() == 0


async def test_blocked_dm_falls_back_to_one_mention_in_the_home_channel(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    await h.say("Ada", "community create Design", channel="C2")
    h.outbox.blocked.add("bob")
    h.outbox.clear()
    # no community yet: nowhere to fall back to, and no crash
    await h.core.event(h.who("Bob"), "member_joined_workspace")
    assert h.outbox.sent == []

    reply = await h.say("Bob", "join python")
    # no direct message reached Bob: the reply itself asks, with the form
    assert not reply.is_error and reply.form_request is not None
    assert reply.form_request.form.form_id == "intro"
    assert "Introduce yourself so the members of “Python” know who you are." in message_text(reply)
    assert "I sent you a direct message" not in message_text(reply)
    [post] = h.outbox.to("C1")
    assert post.kind == "post"
    assert post.text == (
        "Welcome, @Bob! I could not send you a direct message. Introduce yourself to the "
        "community by typing `intro`."
    )
    fallback = await Delivery.get(kind="greeting_fallback")
    assert fallback.status == "fallback"

    await h.say("Bob", "join design")
    await h.say("Bob", "leave python")
    await h.say("Bob", "join python")
    await h.core.event(h.who("Bob"), "member_joined_workspace")
    assert h.outbox.to("C2") == [] and len(h.outbox.to("C1")) == 1
    assert await Delivery.filter(kind="greeting_fallback").count() == 1


async def test_french_member_is_greeted_in_french(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    reply = await h.say("Zoé", "join python", locale="fr-CA")
    text = message_text(reply)
    assert "Je vous ai envoyé un message privé pour vous présenter\u202f; vous pouvez" in text
    assert "Des personnes à rencontrer\u202f:" in text
    assert "coordonne « Python » et peut vous orienter" in text
    assert reply.form_request is not None and reply.form_request.label == "Me présenter"
    [dm] = dms(h, "zoé")
    assert dm.message.form_request is not None and dm.message.form_request.label == "Me présenter"
    assert "Bienvenue dans « Python », @Zoé\u202f!" in dm.text
    # the channel post speaks the workspace's default language (English here)
    await introduce(h, "Zoé", {"title": "Conseillère"})
    assert "Please welcome @Zoé to “Python”!" in h.outbox.to("C1")[0].text


async def test_channel_posts_follow_the_language_most_members_read(db: str) -> None:
    h = Harness.build(DEFAULT_LANGUAGE="en")
    await h.say("Ada", "community create Python", channel="C1", locale="fr-CA")
    await h.say("Zoé", "join python", locale="fr-CA")
    await h.say("Bob", "join python", locale="en-CA")
    await introduce(h, "Bob", {"location": "Regina"})
    [post] = h.outbox.to("C1")  # two French readers, one English: the post is in French
    assert "Souhaitons la bienvenue à @Bob dans « Python »\u202f!" in post.text
    assert "Lieu: Regina" in post.text
    h.outbox.clear()
    await h.say("Bob", "share https://x.example Guide")
    [shared] = h.outbox.to("C1")
    assert shared.text.startswith("@Bob a partagé une ressource\u202f:")


async def test_channel_posts_follow_default_language_on_a_tie(db: str) -> None:
    h = Harness.build(DEFAULT_LANGUAGE="fr")
    await h.say("Ada", "community create Python", channel="C1", locale="fr-CA")
    await h.say("Bob", "join python", locale="en-CA")
    await introduce(h, "Bob", {"location": "Regina"})
    [post] = h.outbox.to("C1")
    assert "Souhaitons la bienvenue à @Bob dans « Python »\u202f!" in post.text


async def test_suggestions_never_cross_workspaces(db: str) -> None:
    h = Harness.build()
    elsewhere = Harness(h.core, h.clock, h.outbox, workspace="T2")
    await elsewhere.say("Ada", "community create Python")
    await introduce(elsewhere, "Twin", BOB)
    await elsewhere.say("Twin", "join python")
    await h.say("Cat", "community create Python")
    await introduce(h, "Bob", BOB)
    reply = await h.say("Bob", "join python")
    assert suggestion_lines(reply) == ["- @Cat — coordinator of “Python”, happy to show you around"]
