"""intro (form and text), whois, timezone and language, as a member sees them."""

from __future__ import annotations

import random

from bot.kernel.messages import FormRequest, Message, Text, message_text
from data.models import Member
from tests.support.harness import Harness

FULL_INTRO = {
    "title": "Instructional designer",
    "organization": "Red River College",
    "location": "Winnipeg",
    "interests": "#Moodle #AI, course design",
    "can_help_with": "Moodle quizzes",
    "wants_to_learn": "video editing",
    "networking": "yes",
}


async def submit(h: Harness, user: str, values: dict[str, str], *, is_bot: bool = False) -> Message:
    return await h.core.submit_form(h.who(user, is_bot=is_bot), "intro", values)


async def member(user: str) -> Member:
    return await Member.get(external_id=user.lower())


async def test_intro_opens_a_prefilled_form(db: str) -> None:
    h = Harness.build()
    await h.say("Bob", "intro title: Teacher")
    reply = await h.say("Bob", "intro")
    request = reply.form_request
    assert isinstance(request, FormRequest)
    assert request.label == "Introduce yourself"
    assert request.form.form_id == "intro"
    names = [f.name for f in request.form.fields]
    assert names == [
        "title",
        "organization",
        "location",
        "interests",
        "can_help_with",
        "wants_to_learn",
        "networking",
    ]
    by_name = {f.name: f for f in request.form.fields}
    assert by_name["title"].initial == "Teacher"
    assert by_name["networking"].kind == "choice"
    assert [c.value for c in by_name["networking"].choices] == ["yes", "no"]
    assert "timezone" not in names and "display_name" not in names
    # people without forms are told the text syntax
    assert "intro title:" in message_text(reply)


async def test_form_saves_profile_and_welcomes_in_each_home_channel_once(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python #python", channel="C-py")
    await h.say("Ada", "community create Design #course-design", channel="C-design")
    await h.say("Ada", "community create Quiet")  # no home channel
    for name in ("python", "design", "quiet"):
        await h.say("Bob", f"join {name}")
    h.outbox.clear()

    reply = await submit(h, "Bob", FULL_INTRO)
    text = message_text(reply)
    assert not reply.is_error
    assert "Thanks, your introduction is saved." in text
    assert "Red River College" in text
    assert "I introduced you in #C-design, #C-py." in text
    bob = await member("Bob")
    assert bob.title == "Instructional designer"
    assert bob.interests == ["moodle", "ai", "course-design"]
    assert bob.networking_opt_in is True
    assert bob.intro_posted_at == h.clock.now()

    posts = [s for s in h.outbox.sent if s.kind == "post"]
    assert sorted(p.target for p in posts) == ["C-design", "C-py"]
    for post in posts:
        assert "Please welcome @Bob to" in post.text
        assert "Instructional designer" in post.text and "#moodle #ai #course-design" in post.text

    # editing later changes the profile but posts nothing again
    h.outbox.clear()
    again = await submit(h, "Bob", {"title": "Senior designer"})
    assert "Your profile is updated." in message_text(again)
    assert h.outbox.sent == []
    bob = await member("Bob")
    assert bob.title == "Senior designer" and bob.organization == "Red River College"


async def test_first_intro_suggests_members_with_reasons(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python #python", channel="C1")
    await h.say("Cy", "join python")
    await submit(h, "Cy", {"interests": "moodle, gardening", "can_help_with": "video editing"})
    await h.say("Bob", "join python")
    text = message_text(await submit(h, "Bob", FULL_INTRO))
    assert "People you might like to meet:" in text
    assert "@Cy — shares #moodle; can help with video editing" in text


async def test_text_intro_in_english_and_french_field_names(db: str) -> None:
    h = Harness.build()
    text = await h.text(
        "Bob",
        "intro title: Teacher; org: Collège Boréal; interests: #python, online teaching; "
        "help: rubrics; learn: accessibility; networking: no",
    )
    assert "Thanks, your introduction is saved." in text
    assert "Join a community to be introduced there" in text
    bob = await member("Bob")
    assert (bob.title, bob.organization) == ("Teacher", "Collège Boréal")
    assert bob.interests == ["python", "online-teaching"]
    assert (bob.can_help_with, bob.wants_to_learn) == ("rubrics", "accessibility")
    assert bob.networking_opt_in is False

    await h.text("Bob", "intro Titre : Conseiller; Intérêts : Moodle; réseautage : oui")
    bob = await member("Bob")
    assert bob.title == "Conseiller" and bob.interests == ["moodle"]
    assert bob.networking_opt_in is True
    assert bob.organization == "Collège Boréal"  # fields not given are kept


async def test_over_long_field_is_refused_on_its_field_and_changes_nothing(db: str) -> None:
    h = Harness.build()
    await submit(h, "Bob", {"title": "Teacher"})
    reply = await submit(h, "Bob", {"title": "x" * 101, "organization": "New org"})
    assert reply.is_error
    assert "The title or role is too long (at most 100 characters)." in message_text(reply)
    assert set(reply.field_errors) == {"title"}
    long_help = await submit(h, "Bob", {"can_help_with": "y" * 301})
    assert long_help.is_error and set(long_help.field_errors) == {"can_help_with"}
    bob = await member("Bob")
    assert bob.title == "Teacher" and bob.organization == "" and bob.can_help_with == ""


async def test_bad_interests_and_networking_are_field_errors(db: str) -> None:
    h = Harness.build()
    await h.say("Bob", "help")
    bad_tag = await submit(h, "Bob", {"interests": "#ok, #<!channel>"})
    assert bad_tag.is_error and set(bad_tag.field_errors) == {"interests"}
    assert "is not a tag" in message_text(bad_tag)
    too_many = await submit(h, "Bob", {"interests": ", ".join(f"t{i}" for i in range(11))})
    assert too_many.is_error and "At most 10 tags" in message_text(too_many)
    bad_choice = await submit(h, "Bob", {"title": "Teacher", "networking": "maybe"})
    assert bad_choice.is_error and set(bad_choice.field_errors) == {"networking"}
    bob = await member("Bob")
    assert bob.interests == [] and bob.title == "" and bob.intro_posted_at is None


async def test_empty_first_intro_and_bad_text_syntax_are_refused(db: str) -> None:
    h = Harness.build()
    await h.say("Bob", "help")
    empty = await submit(h, "Bob", {"title": "  ", "networking": "yes"})
    assert empty.is_error and "Your introduction is empty" in message_text(empty)
    unknown = await h.say("Bob", "intro title: Teacher; shoe size: 44")
    assert unknown.is_error
    assert "“shoe size” is not a profile field" in message_text(unknown)
    no_colon = await h.text("Bob", "intro I teach python")
    assert "I could not read “I teach python”" in no_colon
    bob = await member("Bob")
    assert bob.title == "" and bob.intro_posted_at is None and not bob.networking_opt_in


async def test_member_text_in_welcome_stays_typed_text(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    await h.say("Bob", "join python")
    h.outbox.clear()
    await submit(h, "Bob", {"title": "@everyone <!channel>"})
    post = h.outbox.to("C1")[0]
    fields = [p for p in post.message.parts if hasattr(p, "fields")]
    values = [span for part in fields for f in part.fields for span in f.value]  # type: ignore[attr-defined]
    assert Text("@everyone <!channel>") in values


async def test_whois_shows_profile_and_communities(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    await h.say("Ada", "community create Design")
    await h.say("Bob", "join python")
    await h.say("Bob", "join design")
    await h.say("Bob", "leave design")
    await submit(h, "Bob", FULL_INTRO)
    await h.say("Bob", "timezone Winnipeg")
    text = await h.text("Cy", "whois @bob")
    assert "@Bob — Instructional designer" in text
    assert "Organization: Red River College" in text
    assert "Interests: #moodle #ai #course-design" in text
    assert "Can help with: Moodle quizzes" in text
    assert "Communities: Python" in text and "Design" not in text
    assert "Time zone: America/Winnipeg" in text
    assert "One-to-one networking: open to it" in text
    ada = await h.text("Cy", "whois <@ada>")
    assert "Communities: Design (coordinator), Python (coordinator)" in ada
    assert "Ada has not introduced themself yet." in ada


async def test_whois_unknown_member_and_other_workspace(db: str) -> None:
    h = Harness.build()
    reply = await h.say("Cy", "whois @nobody")
    assert reply.is_error
    assert "I don't know anyone called “nobody” here." in message_text(reply)
    other = Harness(h.core, h.clock, h.outbox, workspace="T2")
    await other.say("Zed", "intro title: Elsewhere")
    assert "I don't know anyone called “zed”" in await h.text("Cy", "whois @zed")


async def test_timezone_accepts_iana_names_and_cities(db: str) -> None:
    h = Harness.build()
    assert "America/Vancouver" in await h.text("Bob", "timezone america/VANCOUVER")
    cases = {
        "Montréal": "America/Toronto",
        "montreal": "America/Toronto",
        "St. John's": "America/St_Johns",
        "Regina": "America/Regina",
        "Calgary": "America/Edmonton",
        "Iqaluit": "America/Iqaluit",
        "Whitehorse": "America/Whitehorse",
        "Halifax": "America/Halifax",
        "Paris": "Europe/Paris",
        "London": "Europe/London",
        "New York": "America/New_York",
        "tokyo": "Asia/Tokyo",
    }
    for typed, zone in cases.items():
        text = await h.text("Bob", f"timezone {typed}")
        assert f"Your time zone is now {zone}" in text, (typed, text)
        assert (await member("Bob")).timezone == zone
    # the clock is 15:00 UTC: 10:00 in Toronto (EST on 2027-03-01)
    assert "it is 10:00 there" in await h.text("Bob", "timezone Toronto")
    assert "Your time zone is America/Toronto" in await h.text("Bob", "timezone")


async def test_unknown_timezone_suggests_and_changes_nothing(db: str) -> None:
    h = Harness.build()
    await h.say("Bob", "timezone Halifax")
    reply = await h.say("Bob", "timezone Torontoo")
    assert reply.is_error
    text = message_text(reply)
    assert "I don't know the time zone “Torontoo”. Did you mean: America/Toronto" in text
    plain = await h.text("Bob", "timezone Qwzx/Blorp")
    assert "I don't know the time zone “Qwzx/Blorp”" in plain
    assert (await member("Bob")).timezone == "America/Halifax"


async def test_timezone_completer(db: str) -> None:
    h = Harness.build()
    choices = await h.core.autocomplete(h.who("Bob"), "timezone", "vanc")
    assert ("Vancouver (America/Vancouver)", "America/Vancouver") in [
        (c.label, c.value) for c in choices
    ]
    values = [c.value for c in await h.core.autocomplete(h.who("Bob"), "timezone", "europe/pa")]
    assert values == ["Europe/Paris"]
    assert len(await h.core.autocomplete(h.who("Bob"), "timezone", "")) == 25


async def test_language_switches_replies(db: str) -> None:
    h = Harness.build()
    assert "Je vous parlerai en français" in await h.text("Bob", "language fr")
    assert (await member("Bob")).language == "fr"
    assert "Je ne connais pas le fuseau horaire « Nowhereville »" in await h.text(
        "Bob", "timezone Nowhereville"
    )
    bad = await h.say("Bob", "language de")
    assert bad.is_error and "« de »" in message_text(bad)
    assert (await member("Bob")).language == "fr"
    assert "I will speak English" in await h.text("Bob", "language en")


async def test_french_member_gets_french_texts(db: str) -> None:
    h = Harness.build()
    reply = await h.say("Zoé", "intro", locale="fr-CA")
    assert reply.form_request is not None
    assert reply.form_request.label == "Me présenter"
    labels = [f.label for f in reply.form_request.form.fields]
    assert "Organisation" in labels and "Je veux apprendre" in labels
    saved = await submit(h, "Zoé", {"title": "Conseillère"})
    assert "Merci, votre présentation est enregistrée." in message_text(saved)
    error = await submit(h, "Zoé", {"location": "z" * 101})
    assert "Le champ lieu est trop long (100 caractères au plus)." in message_text(error)
    assert "Fuseau horaire: America/Toronto" in await h.text("Zoé", "whois @zoé")


async def test_random_text_never_crashes_profile_commands(db: str) -> None:
    """Odd input of every kind gets an answer, never the "something went wrong" apology."""
    h = Harness.build()
    await h.say("Ada", "community create Python", channel="C1")
    pieces = [
        "title:",
        ":",
        ";",
        "interests:",
        "#",
        "##",
        "#a-b",
        "“",
        "«",
        "'",
        '"',
        "\\",
        "\x00",
        "\u202e",
        "<!channel>",
        "@everyone",
        "<@U1>",
        "é",
        "🙂",
        "x" * 300,
        "help: ",
        "learn",
        "networking: peut-être",
        "St. John's",
        "america/",
        "Etc/GMT+5",
        "../../etc",
        "%",
        "_",
        "in python",
        "fr",
        "en",
        "https://x.org",
    ]
    randomness = random.Random(20270301)
    commands = ["intro", "whois", "timezone", "language", "export-my-data", "join"]
    for _ in range(150):
        words = randomness.choices(pieces, k=randomness.randint(0, 6))
        line = f"{randomness.choice(commands)} {' '.join(words)}"
        reply = await h.say(randomness.choice(["Bob", "Zoé"]), line, channel="C1")
        assert "something went wrong" not in message_text(reply), line
    form = await submit(h, "Bob", {name: "\u202e<!here>" * 20 for name in FULL_INTRO})
    assert form.is_error and "something went wrong" not in message_text(form)
