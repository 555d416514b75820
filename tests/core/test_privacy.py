"""export-my-data and forget-me, as the member sees them, and what stays in the database."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.kernel.messages import Buttons, Code, Message, Paragraph, message_text
from data.models import (
    AgendaItem,
    Community,
    Confirmation,
    Meeting,
    Member,
    Membership,
    MembershipEvent,
    NetworkingPair,
    NetworkingRound,
    Occurrence,
    Prompt,
    Resource,
    ResourceVote,
    Rsvp,
)
from tests.support.harness import Harness


async def seed(h: Harness) -> None:
    """Bob in Python with a profile, a shared resource, a vote, an RSVP, an agenda item
    and a suggested prompt; Ada shares a resource Bob voted for."""
    await h.say("Ada", "community create Python", channel="C1")
    await h.say("Bob", "join python")
    await h.say("Bob", "intro title: Teacher; interests: #moodle; learn: video")
    now = h.clock.now()
    python = await Community.get(name_key="python")
    ada = await Member.get(external_id="ada")
    bob = await Member.get(external_id="bob")
    workspace = await python.workspace
    mine = await Resource.create(
        workspace=workspace,
        community=python,
        url="https://bob.example/rubric",
        url_key="bob.example/rubric",
        title="Bob's rubric",
        shared_by=bob,
        shared_at=now,
    )
    theirs = await Resource.create(
        workspace=workspace,
        community=python,
        url="https://ada.example/guide",
        url_key="ada.example/guide",
        title="Ada's guide",
        shared_by=ada,
        shared_at=now,
        votes=2,
    )
    await ResourceVote.create(resource=theirs, member=bob, at=now)
    await ResourceVote.create(resource=mine, member=ada, at=now)
    mine.votes = 1
    await mine.save()
    meeting = await Meeting.create(
        community=python,
        title="Monthly call",
        start_local="2027-03-10T12:00",
        timezone="America/Toronto",
        created_by=ada,
        created_at=now,
    )
    occurrence = await Occurrence.create(
        meeting=meeting, original_start=now + timedelta(days=9), starts_at=now + timedelta(days=9)
    )
    await Rsvp.create(occurrence=occurrence, member=bob, status="going", at=now)
    await Rsvp.create(occurrence=occurrence, member=ada, status="maybe", at=now)
    await AgendaItem.create(occurrence=occurrence, member=bob, text="Moodle 5 upgrade", at=now)
    networking = await NetworkingRound.create(community=python, round_at=now)
    await NetworkingPair.create(round=networking, member_a=ada, member_b=bob)
    await Prompt.create(
        community=python,
        text="What tool saved you time this term?",
        source="suggested",
        status="pending",
        suggested_by=bob,
        created_at=now,
    )


def exported(message: Message) -> dict:  # type: ignore[type-arg]
    codes = [
        span.text
        for part in message.parts
        if isinstance(part, Paragraph)
        for span in part.spans
        if isinstance(span, Code)
    ]
    assert len(codes) == 1
    return json.loads(codes[0])  # type: ignore[no-any-return]


async def test_export_my_data_has_everything_about_me_and_nothing_else(db: str) -> None:
    h = Harness.build()
    await seed(h)
    reply = await h.say("Bob", "export-my-data")
    assert reply.ephemeral and "Your data" in message_text(reply)
    data = exported(reply)
    assert data["profile"]["title"] == "Teacher"
    assert data["profile"]["interests"] == ["moodle"]
    assert data["profile"]["wants_to_learn"] == "video"
    assert data["memberships"] == [
        {
            "community": "Python",
            "role": "member",
            "joined_at": h.clock.now().isoformat(),
            "left_at": None,
        }
    ]
    assert [r["title"] for r in data["resources_shared"]] == ["Bob's rubric"]
    assert [v["title"] for v in data["votes"]] == ["Ada's guide"]
    assert [(r["meeting"], r["status"]) for r in data["rsvps"]] == [("Monthly call", "going")]
    assert [a["text"] for a in data["agenda_items"]] == ["Moodle 5 upgrade"]
    assert [p["text"] for p in data["prompt_suggestions"]] == [
        "What tool saved you time this term?"
    ]
    assert "Ada" not in json.dumps(data["memberships"])
    assert data["networking_pairs"] == [
        {"community": "Python", "round_at": h.clock.now().isoformat(), "with": ["Ada"]}
    ]
    # another member sees only their own
    ada = exported(await h.say("Ada", "export-my-data"))
    assert [r["title"] for r in ada["resources_shared"]] == ["Ada's guide"]
    assert ada["memberships"][0]["role"] == "coordinator" and ada["rsvps"][0]["status"] == "maybe"


async def test_forget_me_asks_first_then_deletes_and_detaches(db: str) -> None:
    h = Harness.build()
    await seed(h)
    ask = await h.say("Bob", "forget-me")
    text = message_text(ask)
    assert "Delete your data?" in text
    assert "The resources you shared" in text and "no longer show your name" in text
    [buttons] = [p for p in ask.parts if isinstance(p, Buttons)]
    confirm = buttons.buttons[0]
    assert (confirm.action, confirm.style) == ("forget-me-confirm", "danger")
    assert confirm.label == "Yes, delete my data"
    assert await Member.filter(external_id="bob").exists()  # nothing deleted yet

    # another member pressing Bob's button deletes nothing
    stolen = await h.core.press(h.who("Ada"), confirm.action, confirm.value)
    assert stolen.is_error and "has expired or is not yours" in message_text(stolen)
    assert await Member.filter(external_id="bob").exists()

    done = await h.core.press(h.who("Bob"), confirm.action, confirm.value)
    assert "Done: your profile, memberships, votes and RSVPs are deleted." in message_text(done)
    assert not await Member.filter(external_id="bob").exists()
    assert await Membership.all().count() == 1  # Ada's
    assert await MembershipEvent.filter(member__external_id="bob").count() == 0
    assert await Rsvp.all().count() == 1 and await ResourceVote.all().count() == 1
    kept = await Resource.get(title="Bob's rubric")
    assert kept.shared_by_id is None and kept.votes == 1  # type: ignore[attr-defined]
    assert (await Resource.get(title="Ada's guide")).votes == 1  # Bob's vote removed
    agenda = await AgendaItem.get(text="Moodle 5 upgrade")
    assert agenda.member_id is None  # type: ignore[attr-defined]
    assert (await Prompt.get()).suggested_by_id is None  # type: ignore[attr-defined]
    assert await Confirmation.all().count() == 0
    # the button cannot be used twice; Bob is unknown again
    again = await h.core.press(h.who("Bob"), confirm.action, confirm.value)
    assert again.is_error
    assert "I don't know anyone called “bob”" in await h.text("Ada", "whois @bob")


async def test_forget_me_expired_or_cancelled_changes_nothing(db: str) -> None:
    h = Harness.build()
    await seed(h)
    ask = await h.say("Bob", "forget-me")
    [buttons] = [p for p in ask.parts if isinstance(p, Buttons)]
    confirm, cancel = buttons.buttons
    h.clock.advance(timedelta(minutes=16))
    late = await h.core.press(h.who("Bob"), confirm.action, confirm.value)
    assert late.is_error and "Type `forget-me` again." in message_text(late)
    assert (await Member.get(external_id="bob")).title == "Teacher"

    ask = await h.say("Bob", "forget-me")
    [buttons] = [p for p in ask.parts if isinstance(p, Buttons)]
    confirm, cancel = buttons.buttons
    assert "Nothing was deleted." in message_text(
        await h.core.press(h.who("Bob"), cancel.action, cancel.value)
    )
    assert (await h.core.press(h.who("Bob"), confirm.action, confirm.value)).is_error
    assert await Membership.filter(member__external_id="bob").count() == 1


async def test_forget_me_warns_a_sole_coordinator_and_speaks_french(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", locale="fr-CA")
    text = await h.text("Ada", "forget-me")
    assert "Supprimer vos données\u202f?" in text
    assert "Vous êtes la seule personne à coordonner Python\u202f: le rôle sera proposé" in text
    assert "[Oui, supprimer mes données] [Annuler]" in text
    export = await h.say("Ada", "export-my-data")
    assert "Vos données" in message_text(export)
