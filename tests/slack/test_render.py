"""Block Kit rendering: native tokens for typed spans, inert member text, Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from adapters.slack.actions import decode_action, decode_form, encode_form
from adapters.slack.commands import command_line, direct_command_names
from adapters.slack.mrkdwn import ZWSP, escape, render_span
from adapters.slack.render import fallback_text, render_blocks, render_pages
from bot.kernel.discovery import default_registry
from bot.kernel.messages import (
    BulletList,
    Button,
    Buttons,
    ChannelRef,
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
    Note,
    Paragraph,
    Select,
    Strong,
    Text,
    Time,
)

WHEN = datetime(2027, 3, 8, 21, 30, tzinfo=UTC)


def test_typed_spans_become_native_tokens() -> None:
    assert render_span(Mention("U123ABC", "Ada")) == "<@U123ABC>"
    assert render_span(ChannelRef("C42", "python")) == "<#C42>"
    assert render_span(Link("https://example.org/a?b=1&c=2", "A & B")) == (
        "<https://example.org/a?b=1&amp;c=2|A &amp; B>"
    )
    assert render_span(Time(WHEN, "full", "America/Toronto")) == (
        "<!date^1804541400^{date_long_pretty} {time}|2027-03-08 16:30 EST>"
    )
    assert render_span(Time(WHEN, "relative")).startswith("<!date^1804541400^{ago}|")
    assert render_span(Strong(" python ")) == " *python* "
    assert render_span(Code("a`b<c")) == "`aˋb&lt;c`"


def test_member_text_cannot_ping_or_disguise_a_link() -> None:
    for spoof in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam^S1|@t>"):
        assert "<" not in escape(spoof) and ">" not in escape(spoof)
    assert escape("<http://x|spoof>") == "&lt;http://x|spoof&gt;"
    assert escape("a & b") == "a &amp; b"
    assert escape("*bold* _it_") == f"{ZWSP}*{ZWSP}bold{ZWSP}*{ZWSP} {ZWSP}_{ZWSP}it{ZWSP}_{ZWSP}"
    # typed values with bad ids or schemes fall back to escaped text, never raw markup
    assert render_span(Mention("<!channel>", "x")) == "@x"
    assert render_span(ChannelRef("here>", "<!here>")) == "#&lt;!here&gt;"
    assert render_span(Link("javascript:alert(1)", "<!here>")) == "&lt;!here&gt;"
    assert render_span(Link("https://x.org/a|b>c", "t")) == "<https://x.org/a%7Cb%3Ec|t>"
    assert render_span(Strong("<!here>")) == "*&lt;!here&gt;*"
    message = Message().paragraph("@here and @channel <!here>")
    assert fallback_text(message) == f"@{ZWSP}here and @{ZWSP}channel &lt;!here&gt;"


def test_each_part_becomes_its_block() -> None:
    message = Message(is_error=True).add(
        Heading("Members of python"),
        Paragraph((Text("Hello "), Mention("UBOB", "Bob"))),
        Note((Text("small print"),)),
        Fields((Field("Title", (Text("Designer"),)), Field("Org", (Text("RRC"),)))),
        BulletList(((Text("one"),), (Text("two"),))),
        Buttons((Button("Join", "join", "7", "primary"), Button("Site", "", url="https://x.org"))),
        Select("Pick", "rsvp", (Choice("Going", "1:going"),)),
    )
    blocks = render_blocks(message)
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "context",
        "section",
        "section",
        "actions",
        "actions",
    ]
    assert blocks[1]["text"]["text"] == ":warning: Hello <@UBOB>"
    assert blocks[3]["fields"][0]["text"] == "*Title*\nDesigner"
    assert blocks[4]["text"]["text"] == "• one\n• two"
    join, site = blocks[5]["elements"]
    assert decode_action(join).action == "join" and decode_action(join).value == "7"
    assert join["style"] == "primary" and site["url"] == "https://x.org"
    assert decode_action(site).kind == "link"
    select = blocks[6]["elements"][0]
    assert decode_action({**select, "selected_option": {"value": "1:going"}}).value == "1:going"
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids))


def test_slack_limits_are_respected() -> None:
    long_text = "word " * 3000  # 15,000 characters of member text
    many = Message().add(*[Paragraph((Text(f"line {i}"),)) for i in range(80)])
    assert len(render_blocks(many)) == 50
    # too long for one Slack message: split over several, nothing lost
    pages = render_pages(Message().add(Paragraph((Text(long_text), Mention("U1", "a")))))
    assert len(pages) == 2
    blocks = [b for page in pages for b in page]
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert "".join(b["text"]["text"] for b in blocks) == long_text + "<@U1>"
    buttons = Buttons(tuple(Button(f"b{i}" * 50, "x", str(i)) for i in range(30)))
    action_blocks = render_blocks(Message().add(buttons))
    assert [len(b["elements"]) for b in action_blocks] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for b in action_blocks for e in b["elements"])
    assert len(fallback_text(Message().paragraph(long_text))) <= 3000


def test_a_form_travels_in_its_button() -> None:
    form = Form(
        "intro",
        "Introduce yourself",
        (
            FormField("title", "Title", initial="Designer", placeholder="e.g. teacher"),
            FormField("networking", "Networking", kind="choice", choices=(Choice("Yes", "yes"),)),
        ),
        submit_label="Save",
        context="community:3",
    )
    blocks = render_blocks(Message().add(FormRequest(form, "Introduce yourself")))
    button = blocks[0]["elements"][0]
    assert decode_action(button).kind == "form"
    assert decode_form(button["value"]) == form
    assert decode_form("garbage!") is None
    # a form too big for Slack's 2,000 characters keeps its fields, loses its defaults
    big = Form(
        "big", "Big", tuple(FormField(f"f{i}", f"Field {i}", initial="x" * 300) for i in range(12))
    )
    packed = encode_form(big)
    assert packed is not None and len(packed) <= 2000
    unpacked = decode_form(packed)
    assert unpacked is not None and [f.name for f in unpacked.fields] == [
        f.name for f in big.fields
    ]


def test_commands_from_the_registry() -> None:
    registry = default_registry()
    names = direct_command_names(registry)
    assert "share" in names and "resources" in names and "community" in names
    assert not {"join", "leave", "remind", "help"} & set(names)  # Slack's own
    words = {c.words[0] for c in registry.commands.values() if not c.hidden}
    assert set(names) <= words
    assert command_line("/cop", "join python", "/cop") == "join python"
    assert command_line("/COP", "  ", "/cop") == "help"
    assert command_line("/share", "https://x.org &lt;!here&gt; &amp;", "/cop") == (
        "share https://x.org <!here> &"
    )
    assert command_line("/share", "&amp;lt;", "/cop") == "share &lt;"


def test_blocks_are_json() -> None:
    message = Message().add(Paragraph((Time(WHEN), Code("x"), Link("mailto:a@b.c"))))
    assert json.loads(json.dumps(render_blocks(message)))
