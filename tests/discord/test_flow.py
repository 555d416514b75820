"""The SPEC flow driven by INTERACTION_CREATE payloads through the real discord.py client:
create, join with the newcomer introduction, share, search with autocomplete, vote."""

from __future__ import annotations

from adapters.discord.schema import core_schema, problems
from data.models import Community, Member, Resource
from tests.discord.conftest import ADA, BOB, CHANNEL, GUILD, ZOE, Bed
from tests.discord.fake_discord import custom_ids, message_text


def _strip_ids(commands: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        {k: v for k, v in c.items() if k not in ("id", "application_id", "version")}
        for c in commands
    ]


async def test_registered_schema_is_the_registry(bed: Bed) -> None:
    expected = core_schema(bed.core).payload
    assert problems(expected) == []
    puts = bed.fake.calls("PUT", rf"/applications/{bed.fake.app_id}/commands")
    assert len(puts) == 1 and puts[0].body == expected
    assert _strip_ids(bed.fake.global_commands) == expected
    by_name = {c["name"]: c for c in expected}
    community = by_name["community"]
    assert community["contexts"] == [0]
    create = next(o for o in community["options"] if o["name"] == "create")  # type: ignore[union-attr]
    assert create["type"] == 1
    assert [(o["name"], o["type"], o["required"]) for o in create["options"]] == [
        ("name", 3, True),
        ("description", 3, False),
        ("tags", 3, False),
    ]
    join = by_name["join"]
    option = join["options"][0]  # type: ignore[index]
    assert option["autocomplete"] is True and option["required"] is True
    assert join["description_localizations"] == {"fr": "Rejoindre une communauté"}
    assert option["description_localizations"] == {"fr": "la communauté"}
    coordinator = next(o for o in community["options"] if o["name"] == "coordinator")  # type: ignore[union-attr]
    kinds = {o["name"]: o for o in coordinator["options"]}
    assert kinds["member"]["type"] == 6
    assert kinds["action"]["choices"] == [
        {"name": "add", "value": "add"},
        {"name": "remove", "value": "remove"},
    ]
    # every visible registry command is reachable by exactly one Discord path
    visible = {c.name for c in bed.core.registry.commands.values() if not c.hidden}
    assert {route.command.name for route in core_schema(bed.core).routes.values()} == (visible)


async def test_create_join_introduce_share_search(bed: Bed) -> None:
    fake = bed.fake
    reply = await bed.cmd(
        ADA,
        "community create",
        {"name": "Python", "description": "Python in teaching", "tags": "#python #code"},
    )
    assert reply.type == 4 and reply.ephemeral
    assert "Community “Python” created" in reply.text and f"<#{CHANNEL}>" in reply.text
    community = await Community.get(name_key="python")
    assert community.home_channel_id == CHANNEL and community.tags == ["python", "code"]

    # autocomplete of the community name, then join: greeting DM + introduction button
    choices = await fake.autocomplete(GUILD, BOB, "join", "community", "py")
    assert choices == [{"name": "Python", "value": "Python"}]
    reply = await bed.cmd(BOB, "join", {"community": "Python"})
    assert "Welcome to “Python”" in reply.text and reply.ephemeral
    buttons = custom_ids(reply.final)
    assert len(buttons) == 1 and buttons[0][1].startswith("co:intro:")
    greeting = fake.dms_to(BOB.id)
    assert len(greeting) == 1 and any(
        cid.startswith(f"g{GUILD}.co:intro:") for _, cid in custom_ids(greeting[0])
    )
    assert greeting[0]["allowed_mentions"]["parse"] == []

    # the button opens the introduction as a modal: 7 fields, asked as 5 then 2
    modal = await fake.press(GUILD, BOB, reply.final, buttons[0][1])
    assert modal.type == 9
    assert len(modal.data["components"]) == 5
    assert modal.data["custom_id"].startswith("cn:intro:")
    answer = await fake.submit_modal(
        GUILD,
        BOB,
        modal.data["custom_id"],
        {"title": "Designer", "organization": "Red River College", "interests": "#moodle"},
    )
    assert answer.type == 4 and not answer.text.startswith("Sorry")
    member = await Member.get(external_id=BOB.id)
    assert member.title == "Designer" and member.interests == ["moodle"]
    welcome = [m for m in fake.messages[CHANNEL] if f"<@{BOB.id}>" in message_text(m)]
    assert len(welcome) == 1
    assert welcome[0]["allowed_mentions"] == {"parse": [], "users": [int(BOB.id)]}
    assert "Red River College" in message_text(welcome[0])
    rest = [cid for _, cid in custom_ids(answer.final) if cid.startswith("co:intro:")]
    assert len(rest) == 1
    second = await fake.press(GUILD, BOB, answer.final, rest[0])
    assert second.type == 9 and len(second.data["components"]) == 2
    await fake.submit_modal(GUILD, BOB, second.data["custom_id"], {"networking": "yes"})
    member = await Member.get(external_id=BOB.id)
    assert member.networking_opt_in and member.title == "Designer"

    # share: posted in the community's channel with an upvote button
    before = len(fake.messages[CHANNEL])
    reply = await bed.cmd(
        BOB,
        "share",
        {"url": "https://example.org/guide", "title": "Rubric guide", "tags": "#assessment"},
    )
    assert reply.ephemeral and "Rubric guide" in reply.text
    post = fake.messages[CHANNEL][before]
    assert "https://example.org/guide" in message_text(post)
    upvote = [cid for _, cid in custom_ids(post) if cid.startswith("cb:upvote:")]
    assert len(upvote) == 1

    # search, with autocomplete on the resource option of upvote
    found = await bed.cmd(ZOE, "resources", {"query": "rubric"})
    assert "Rubric guide" in found.text and found.ephemeral
    choices = await fake.autocomplete(GUILD, BOB, "upvote", "resource", "rub")
    resource = await Resource.get(url="https://example.org/guide")
    assert choices == [{"name": f"#{resource.id} Rubric guide", "value": str(resource.id)}]
    # Zoé (French) joins, then votes by the channel post's button
    await bed.cmd(ZOE, "join", {"community": "Python"})
    voted = await fake.press(GUILD, ZOE, post, upvote[0])
    assert voted.ephemeral and "Rubric guide" in voted.text
    assert (await Resource.get(id=resource.id)).votes == 1
    zoe = await Member.get(external_id=ZOE.id)
    assert zoe.language == "fr"  # seeded from the interaction's locale


async def test_non_coordinator_cannot_run_coordinator_commands(bed: Bed) -> None:
    await bed.cmd(ADA, "community create", {"name": "Python"})
    await bed.cmd(BOB, "join", {"community": "Python"})
    denied = await bed.cmd(BOB, "community archive", {"community": "Python"})
    assert denied.ephemeral and "Only coordinators of “Python”" in denied.text
    edit = await bed.cmd(BOB, "community edit", {"community": "Python", "description": "mine"})
    assert "Only coordinators" in edit.text
    promote = await bed.cmd(
        BOB, "community coordinator", {"action": "add", "member": BOB.id, "community": "Python"}
    )
    assert "Only coordinators" in promote.text
    community = await Community.get(name_key="python")
    assert not community.archived and community.description == ""
    # the coordinator can, and the user option arrives as that member
    done = await bed.cmd(
        ADA, "community coordinator", {"action": "add", "member": BOB.id, "community": "Python"}
    )
    assert f"<@{BOB.id}>" in done.text and "is now a coordinator" in done.text
