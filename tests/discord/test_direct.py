"""Buttons and forms in the bot's direct messages: a DM interaction has no server, so the
components the bot sends by DM carry it (``g<guild>.`` in their custom id), the member's
membership of that server is checked with Discord, and everything keeps working after a
restart. A forged DM interaction naming a server the user is not in changes nothing."""

from __future__ import annotations

import pytest

from data.models import Member, Membership, Prompt, Rsvp, Workspace
from tests.discord.conftest import ADA, BOB, CHANNEL, GUILD, Bed
from tests.discord.fake_discord import FakeUser, custom_ids, message_text

EVE = FakeUser("1100000000000000009", "Eve")  # never in the server
NOT_A_MEMBER = "a server you are not a member of"


def _intro_button(message: dict[str, object]) -> str:
    (found,) = [cid for _, cid in custom_ids(message) if ".co:intro:" in cid]
    return found


def _welcomes(bed: Bed, user: FakeUser) -> list[dict[str, object]]:
    return [m for m in bed.fake.messages.get(CHANNEL, []) if f"<@{user.id}>" in message_text(m)]


@pytest.mark.parametrize("restart", [False, True])
async def test_greeting_dm_introduce_yourself_button(bed: Bed, restart: bool) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(BOB, "join", {"community": "Python"})
    (greeting,) = fake.dms_to(BOB.id)
    button = _intro_button(greeting)
    assert button.startswith(f"g{GUILD}.co:intro:") and len(button) <= 100
    if restart:
        await bed.restart()  # the form behind the button is forgotten

    modal = await fake.press_dm(BOB, greeting, button)
    assert modal.type == 9, modal.text
    assert len(modal.data["components"]) == 5
    assert modal.data["custom_id"].startswith(f"g{GUILD}.cn:intro:")
    answer = await fake.submit_modal_dm(
        BOB,
        modal.data["custom_id"],
        {"title": "Designer", "organization": "Red River College", "interests": "#moodle"},
    )
    assert answer.type == 4 and answer.ephemeral and not answer.text.startswith("Sorry")
    member = await Member.get(external_id=BOB.id)
    assert member.title == "Designer" and member.interests == ["moodle"]
    welcome = _welcomes(bed, BOB)
    assert len(welcome) == 1 and "Red River College" in message_text(welcome[0])

    # the rest of the form, still in the DM: its button and modal carry the server too
    rest = _intro_button(answer.final)
    assert rest.startswith(f"g{GUILD}.co:intro:")
    second = await fake.press_dm(BOB, answer.final, rest)
    assert second.type == 9 and len(second.data["components"]) == 2
    assert second.data["custom_id"].startswith(f"g{GUILD}.cm:intro:")
    done = await fake.submit_modal_dm(BOB, second.data["custom_id"], {"networking": "yes"})
    assert not done.text.startswith("Sorry"), done.text
    member = await Member.get(external_id=BOB.id)
    assert member.networking_opt_in and member.title == "Designer"
    assert len(_welcomes(bed, BOB)) == 1
    assert await Member.filter(external_id=BOB.id).count() == 1


async def _moved_dm(bed: Bed) -> dict[str, object]:
    """The DM telling a member who answered that the meeting moved, with RSVP buttons.
    (The scheduler's reminder DMs carry no buttons.)"""
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(BOB, "join", {"community": "Python"})
    details = "2027-03-10 16:30 at https://meet.example/py Python hour"
    await bed.cmd(ADA, "meeting schedule", {"community": "Python", "details": details})
    # who answered is told by DM when it moves
    listing = await bed.cmd(BOB, "meetings", {"community": "Python"})
    (maybe,) = [cid for _, cid in custom_ids(listing.final) if cid.endswith(":maybe")]
    await bed.fake.press(GUILD, BOB, listing.final, maybe)
    assert await Rsvp.filter(member__external_id=BOB.id, status="maybe").count() == 1
    change = "2027-03-10 to 2027-03-11 17:00"
    moved = await bed.cmd(ADA, "meeting move", {"meeting": "1", "change": change})
    assert not moved.text.startswith("Sorry"), moved.text
    (notice,) = [m for m in bed.fake.dms_to(BOB.id) if "Python hour" in message_text(m)]
    return notice


def _going(message: dict[str, object]) -> str:
    (going,) = [cid for _, cid in custom_ids(message) if cid.endswith(":going")]
    return going


@pytest.mark.parametrize("restart", [False, True])
async def test_meeting_moved_dm_rsvp_button(bed: Bed, restart: bool) -> None:
    notice = await _moved_dm(bed)
    going = _going(notice)
    assert going.startswith(f"g{GUILD}.cb:rsvp:")
    if restart:
        await bed.restart()
    pressed = await bed.fake.press_dm(BOB, notice, going)
    assert pressed.ephemeral and not pressed.text.startswith("Sorry"), pressed.text
    assert "server" not in pressed.text
    assert await Rsvp.filter(member__external_id=BOB.id, status="going").count() == 1
    assert await Rsvp.filter(member__external_id=BOB.id).count() == 1
    # the membership was checked with Discord, paced like every request
    assert bed.fake.calls("GET", rf"/guilds/{GUILD}/members/{BOB.id}")


async def test_forged_dm_interaction_for_a_server_one_is_not_in_is_refused(bed: Bed) -> None:
    fake = bed.fake
    notice = await _moved_dm(bed)
    going = _going(notice)
    members, workspaces = await Member.all().count(), await Workspace.all().count()

    # Eve copies the RSVP button of the notice Bob got and a modal id naming the server
    forged = await fake.press_dm(EVE, notice, going)
    assert forged.ephemeral and NOT_A_MEMBER in forged.text
    submitted = await fake.submit_modal_dm(EVE, f"g{GUILD}.cm:intro:", {"title": "Owner"})
    assert submitted.ephemeral and NOT_A_MEMBER in submitted.text
    # a server the bot is not in at all
    elsewhere = await fake.press_dm(BOB, notice, going.replace(GUILD, "1300000000000000999"))
    assert NOT_A_MEMBER in elsewhere.text
    # a DM component without a server is not believed either
    bare = await fake.press_dm(BOB, notice, going.partition(".")[2])
    assert "works inside a server" in bare.text

    assert await Member.all().count() == members
    assert await Workspace.all().count() == workspaces
    assert not await Member.filter(external_id=EVE.id).exists()
    assert await Rsvp.filter(status="going").count() == 0
    assert await Membership.filter(member__external_id=EVE.id).count() == 0


async def test_coordinator_approves_a_suggestion_from_the_dm(bed: Bed) -> None:
    fake = bed.fake
    await bed.cmd(ADA, "community create", {"name": "Python"})  # Ada coordinates it
    await bed.cmd(BOB, "join", {"community": "Python"})
    text = "How do you run a good online office hour?"
    suggested = await bed.cmd(BOB, "prompt suggest", {"text": text, "community": "Python"})
    assert not suggested.text.startswith("Sorry"), suggested.text
    (request,) = [m for m in fake.dms_to(ADA.id) if "office hour" in message_text(m)]
    (approve,) = [cid for _, cid in custom_ids(request) if ".cb:prompt_approve:" in cid]
    assert approve.startswith(f"g{GUILD}.")

    # Bob is in the server but no coordinator: a press of the copied button is refused
    # by the core (a DM press never makes anyone an admin)
    denied = await fake.press_dm(BOB, request, approve)
    assert "Only coordinators" in denied.text
    assert (await Prompt.get(text=text)).status == "pending"

    await bed.restart()
    approved = await fake.press_dm(ADA, request, approve)
    assert not approved.text.startswith("Sorry"), approved.text
    assert (await Prompt.get(text=text)).status == "approved"
