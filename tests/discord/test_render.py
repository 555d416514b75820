"""Rendering, custom ids and the command schema, without a network."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pytest

import adapters.discord.render as render_module
import bot.kernel.lookups
from adapters.discord.ids import Decoded, Overflow, decode, encode
from adapters.discord.render import Forms, build_modal, escape, render, split_form
from adapters.discord.schema import build_schema, localizers, problems
from bot.kernel.context import Ctx
from bot.kernel.i18n import Translator
from bot.kernel.messages import (
    Button,
    Buttons,
    Choice,
    Code,
    Field,
    Fields,
    Form,
    FormField,
    FormRequest,
    Heading,
    Link,
    Mention,
    Message,
    Paragraph,
    Select,
    Strong,
    Text,
    Time,
)
from bot.kernel.registry import Arg, Registry, command
from tests.support.catalogs import write_catalog

WHEN = datetime(2027, 5, 31, 20, 30, tzinfo=UTC)
EPOCH = int(WHEN.timestamp())


def rendered(message: Message) -> tuple[str, dict[str, object]]:
    out = render(message, Overflow(), Forms())
    embed = out.embeds[0].to_dict() if out.embeds else {}
    return out.content or "", dict(embed)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("@everyone", "@\u200beveryone"),
        ("@HERE now", "@\u200bHERE now"),
        ("<@&123456789012345678>", "\\<@&123456789012345678\\>"),
        ("<#123456789012345678> <t:1:R>", "\\<#123456789012345678\\> \\<t:1:R\\>"),
        (
            "**bold** _it_ ~~s~~ ||spoiler|| `code`",
            "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`",
        ),
        ("[click](https://evil.example)", "\\[click\\](https://evil.example)"),
        ("# title\n-# small\n> quote", "\\# title\n\\-# small\n\\> quote"),
        ("see https://x.org/a_b_c @everyone", "see https://x.org/a_b_c @\u200beveryone"),
    ],
)
def test_member_text_is_inert(typed: str, shown: str) -> None:
    assert escape(typed) == shown


def test_text_left_as_typed_is_text_no_escaping_would_change() -> None:
    """``escape`` skips its patterns when no character they act on is present: any
    character it skips for must be one the full escaping leaves alone, in any position."""
    for code in range(32, 0x3000):
        char = chr(code)
        for text in (char, f"a{char}b", f"{char} x", f"1{char} y", f"x\n{char}", f"{char}{char}"):
            assert escape(text) == render_module._escape_all(text), repr(text)


def test_spans_become_native_tokens() -> None:
    message = Message().add(
        Paragraph(
            (
                Strong("Python"),
                Text(" at "),
                Time(WHEN),
                Text(", "),
                Time(WHEN, "relative"),
                Text(" "),
                Mention("1100000000000000002", "Bob"),
                Text(" "),
                Code("a`b"),
                Text(" "),
                Link("https://x.org", "the [guide]"),
                Text(" "),
                Link("javascript:alert(1)", "bad"),
            )
        )
    )
    content, _ = rendered(message)
    assert content == (
        f"**Python** at <t:{EPOCH}:F> (<t:{EPOCH}:R>), <t:{EPOCH}:R> <@1100000000000000002> "
        "`aˋb` [the \\[guide\\]](https://x.org) bad"
    )
    out = render(message, Overflow(), Forms())
    assert out.allowed_mentions.to_dict() == {"parse": [], "users": [1100000000000000002]}


def test_heading_and_fields_make_an_embed_and_a_leading_mention_stays_content() -> None:
    message = Message(is_error=True).add(
        Paragraph((Text("Please welcome "), Mention("1100000000000000002", "Bob"))),
        Heading("Python <@&1>"),
        Fields((Field("Title", (Text("@everyone"),)),)),
    )
    content, embed = rendered(message)
    assert content == "Please welcome <@1100000000000000002>"
    assert embed["title"] == "Python <@&1>"  # titles are plain text: mentions don't render
    assert "description" not in embed
    assert embed["fields"] == [{"name": "Title", "value": "@\u200beveryone", "inline": True}]
    assert embed["color"] == 0xD83C3E


def test_components_carry_stateless_ids() -> None:
    overflow, forms = Overflow(), Forms()
    form = Form("intro", "Introduce yourself", (FormField("title", "Title"),))
    message = Message().add(
        Buttons(
            (Button("Join", "join", "12", "primary"), Button("Site", "x", url="https://x.org"))
        ),
        Select("Pick", "rsvp", (Choice("Going", "3:going"),)),
        FormRequest(form, "Introduce yourself"),
    )
    out = render(message, overflow, forms)
    assert out.view is not None and out.form is None
    rows = out.view.to_components()
    ids = [c.get("custom_id") for row in rows for c in row["components"]]
    assert ids[0] == "cb:join:12" and ids[1] is None and ids[2] == "cs:rsvp:"
    assert ids[3] is not None and ids[3].startswith("co:intro:")
    opened = decode(ids[3], overflow)
    assert opened is not None and forms.get(opened.value) == form
    assert out.view.is_finished()  # never kept in discord.py's view store


def test_a_message_that_is_only_a_form_opens_it() -> None:
    form = Form("intro", "Intro", (FormField("title", "Title"),))
    out = render(Message(parts=[FormRequest(form, "Intro")]), Overflow(), Forms())
    assert out.form == form


def test_long_ids_overflow_and_foreign_ids_are_ignored() -> None:
    overflow = Overflow(limit=2)
    long_id = encode("press", "upvote", "x" * 200, overflow)
    assert long_id.startswith("cx:") and len(long_id) <= 100
    decoded = decode(long_id, overflow)
    assert decoded is not None and decoded.value == "x" * 200
    assert decode("someone-elses-button", overflow) is None
    encode("press", "a", "y" * 200, overflow)
    encode("press", "a", "z" * 200, overflow)
    assert decode(long_id, overflow) is None  # forgotten, oldest first
    with pytest.raises(ValueError):
        encode("press", "a:b", "", overflow)


def test_long_forms_are_asked_in_pages_of_five() -> None:
    pick = FormField("pick", "Pick", kind="choice", choices=(Choice("Yes", "yes"),))
    fields = (*(FormField(f"f{n}", f"Field {n}", required=n == 6) for n in range(7)), pick)
    form = Form("intro", "Intro", fields, context="community:3")
    first, rest = split_form(form)
    assert [f.name for f in first.fields] == ["f0", "f1", "f2", "f3", "f6"]
    assert rest is not None and [f.name for f in rest.fields] == ["f4", "f5", "pick"]
    assert rest.context == "community:3"
    modal = build_modal(rest, Overflow(), Forms()).to_dict()
    assert modal["custom_id"] == "cm:intro:community:3"
    assert [c["component"]["type"] for c in modal["components"]] == [4, 4, 3]


# ---- the schema, from a registry written for the purpose ----------------------------


@command("net", usage="net on|off")
async def net(
    ctx: Ctx,
    state: Annotated[str, Arg("on or off", kind="choice", choices=("on", "off"))],
) -> None:
    """Networking"""


@command("net schedule", usage="net schedule <community> <cadence>")
async def net_schedule(
    ctx: Ctx,
    community: Annotated[str, Arg("the community", kind="community")],
    count: Annotated[int, Arg("how many", kind="int")],
    who: Annotated[str | None, Arg("someone", kind="member")] = None,
) -> None:
    """When"""


@command("grp sub leaf", usage="grp sub leaf <url>", role="admin")
async def leaf(ctx: Ctx, url: Annotated[str, Arg("a link", kind="url")]) -> None:
    """A leaf"""


def test_schema_groups_subgroups_and_a_bare_command_beside_sub_commands(tmp_path: Path) -> None:
    import sys

    registry = Registry.from_modules([bot.kernel.lookups, sys.modules[__name__]])
    # this test registry's own French, in a catalog of its own
    french = Translator(
        "fr", write_catalog(tmp_path, "fr", {"Networking": "Réseautage", "When": "Quand"})
    )
    schema = build_schema(registry, localizers([french]))
    assert problems(schema.payload) == []
    by_name = {c["name"]: c for c in schema.payload}
    net_options = {o["name"]: o for o in by_name["net"]["options"]}
    assert set(net_options) == {"on", "off", "schedule"}
    assert schema.routes[("net", "on")].fixed == {"state": "on"}
    assert schema.routes[("net", "schedule")].command.name == "net schedule"
    options = net_options["schedule"]["options"]
    assert [(o["name"], o["type"], o["required"]) for o in options] == [
        ("community", 3, True),
        ("count", 4, True),
        ("who", 6, False),
    ]
    assert options[0]["autocomplete"] is True
    assert net_options["schedule"]["description_localizations"] == {"fr": "Quand"}
    grp = by_name["grp"]
    assert grp["default_member_permissions"] == str(1 << 5)
    assert grp["options"][0]["type"] == 2 and grp["options"][0]["options"][0]["name"] == "leaf"
    assert schema.routes[("grp", "sub", "leaf")].command.name == "grp sub leaf"


def test_the_real_registry_fits_discord() -> None:
    from bot.kernel.discovery import default_registry

    schema = build_schema(default_registry())
    assert problems(schema.payload) == []


def test_direct_message_components_carry_their_server() -> None:
    overflow, forms = Overflow(), Forms()
    guild = "1300000000000000100"
    form = Form("intro", "Introduce yourself", (FormField("title", "Title"),))
    message = Message().add(
        Buttons((Button("Going", "rsvp", "3:going"),)),
        Select("Pick", "rsvp", (Choice("Going", "3:going"),)),
        FormRequest(form, "Introduce yourself"),
    )
    rows = render(message, overflow, forms, guild).view.to_components()  # type: ignore[union-attr]
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert ids[:2] == [f"g{guild}.cb:rsvp:3:going", f"g{guild}.cs:rsvp:"]
    opened = decode(ids[2], overflow)
    assert opened is not None and (opened.kind, opened.guild) == ("open_form", guild)
    assert forms.get(opened.value) == form
    modal = build_modal(form, overflow, forms, guild=guild).to_dict()
    assert modal["custom_id"] == f"g{guild}.cm:intro:"
    decoded = decode(modal["custom_id"], overflow)
    assert decoded is not None and (decoded.kind, decoded.name, decoded.guild) == (
        "modal",
        "intro",
        guild,
    )
    # too long with the server in front: kept in the overflow table, server and all
    long_id = encode("press", "upvote", "x" * 80, overflow, guild)
    assert long_id.startswith("cx:")
    back = decode(long_id, overflow)
    assert back is not None and (back.value, back.guild) == ("x" * 80, guild)
    # channel components carry none; malformed server prefixes are not ours
    assert decode("cb:rsvp:3:going", overflow) == Decoded("press", "rsvp", "3:going", None)
    assert decode("gabc.cb:rsvp:1", overflow) is None
    assert decode("g123cb:rsvp:1", overflow) is None
    with pytest.raises(ValueError):
        encode("press", "a", "", overflow, "not-a-guild")


def test_form_tokens_do_not_repeat_after_a_restart() -> None:
    """A counter starts again in a new process: an old "Introduce yourself" button would
    open whatever form got its number anew, another member's filled with their profile."""
    form = Form("intro", "Introduce yourself", (FormField("title", "Title"),))
    before, after = Forms(), Forms()  # two processes
    assert before.keep(form) != after.keep(form)
