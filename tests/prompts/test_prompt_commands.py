from __future__ import annotations

from bot.kernel.i18n import Translator
from bot.kernel.messages import Buttons, message_text
from data.models import Prompt, PromptSchedule
from data.prompt_library import LIBRARY
from tests.support.harness import Harness


async def setup(h: Harness) -> None:
    await h.say("Ada", "community create python", channel="C1")
    await h.say("Bob", "join python")
    await h.say("Cy", "join python")


async def test_coordinator_adds_lists_and_removes_prompts(db: str) -> None:
    h = Harness.build()
    await setup(h)
    reply = await h.text("Ada", "prompt add Which tool saved you the most time this term?")
    row = await Prompt.get(source="custom")
    assert f"Prompt #{row.id} added to “python”" in reply
    assert row.status == "approved" and row.text == "Which tool saved you the most time this term?"

    listing = await h.text("Ada", "prompt list")
    assert f"#{row.id} Which tool saved you the most time this term? (not posted yet)" in listing
    assert f"Library: {len(LIBRARY)} of {len(LIBRARY)} prompts in English" in listing
    assert "Not scheduled" in listing
    assert "Next up: Which tool saved you the most time this term?" in listing

    assert f"Prompt #{row.id} removed." in await h.text("Ada", f"prompt remove {row.id}")
    assert (await Prompt.get(id=row.id)).status == "removed"
    assert "no prompt #" in await h.text("Ada", f"prompt remove {row.id}")


async def test_in_followed_by_words_that_name_no_community_is_the_prompt(db: str) -> None:
    h = Harness.build()
    await setup(h)
    reply = await h.say("Ada", "prompt add What is new in assessment this year?")
    assert not reply.is_error, message_text(reply)
    assert (await Prompt.get()).text == "What is new in assessment this year?"
    ok = await h.text("Ada", 'prompt add "What else is new in assessment?" in python.')
    assert "added" in ok
    assert await Prompt.filter(text="What else is new in assessment?").exists()


async def test_bad_prompts_and_non_coordinators_change_nothing(db: str) -> None:
    h = Harness.build()
    await setup(h)
    refused = await h.say("Bob", "prompt add Which tool saved you the most time?")
    assert refused.is_error and "Only coordinators of “python”" in message_text(refused)
    short = await h.say("Ada", "prompt add why?")
    assert short.is_error and "at least 10 characters" in message_text(short)
    await h.say("Ada", "prompt add Which tool saved you the most time?")
    duplicate = await h.say("Ada", "prompt add   which tool saved you the MOST time?")
    assert duplicate.is_error and "already in the queue" in message_text(duplicate)
    typo = await h.say("Ada", "prompt add Which tool saved you time? in pyhton")
    assert typo.is_error and "pyhton" in message_text(typo)
    not_yours = await h.say("Bob", f"prompt remove {(await Prompt.get()).id}")
    assert not_yours.is_error
    assert await Prompt.filter(status="approved").count() == 1
    # a prompt of another workspace is unknown here, not removable
    other = Harness.build(workspace="T2")
    await other.say("Zed", "community create python", channel="C9")
    refused_elsewhere = await other.say("Zed", f"prompt remove {(await Prompt.get()).id}")
    assert refused_elsewhere.is_error and "no prompt" in message_text(refused_elsewhere)
    assert (await Prompt.get()).status == "approved"


async def test_member_suggestion_is_approved_with_the_button(db: str) -> None:
    h = Harness.build()
    await setup(h)
    outsider = await h.say("Dee", "prompt suggest How do you run online office hours? in python")
    assert outsider.is_error and "not a member" in message_text(outsider)

    reply = await h.text("Bob", "prompt suggest How do you run online office hours well?")
    row = await Prompt.get(source="suggested")
    assert row.status == "pending" and f"suggestion #{row.id} was sent" in reply
    # the coordinator is asked by direct message, with the two buttons
    [request] = [s for s in h.outbox.to("ada") if s.kind == "direct"]
    assert "Bob suggests a discussion prompt for “python”" in request.text
    buttons = next(p for p in request.message.parts if isinstance(p, Buttons)).buttons
    assert [(b.action, b.value) for b in buttons] == [
        ("prompt_approve", str(row.id)),
        ("prompt_reject", str(row.id)),
    ]
    # a member can't press it
    pressed = await h.core.press(h.who("Cy"), "prompt_approve", str(row.id))
    assert pressed.is_error and (await Prompt.get(id=row.id)).status == "pending"

    listing = await h.text("Ada", "prompt list")
    assert f"#{row.id} “How do you run online office hours well?” suggested by Bob" in listing

    done = await h.core.press(h.who("Ada"), "prompt_approve", str(row.id))
    assert f"Approved: #{row.id}" in message_text(done)
    assert (await Prompt.get(id=row.id)).status == "approved"
    told = [s for s in h.outbox.to("bob") if s.kind == "direct"]
    assert told and "was approved" in told[-1].text
    again = await h.core.press(h.who("Ada"), "prompt_reject", str(row.id))
    assert again.is_error and "not waiting for review" in message_text(again)
    assert (await Prompt.get(id=row.id)).status == "approved"


async def test_reject_by_command_and_too_many_pending(db: str) -> None:
    h = Harness.build()
    await setup(h)
    for n in range(5):
        await h.say("Bob", f"prompt suggest Question number {n} about our practice?")
    sixth = await h.say("Bob", "prompt suggest One more question about practice?")
    assert sixth.is_error and "already have 5 suggestions waiting" in message_text(sixth)
    first = await Prompt.filter(source="suggested").order_by("id").first()
    assert first is not None
    assert f"Declined: #{first.id}" in await h.text("Ada", f"prompt reject {first.id}")
    assert (await Prompt.get(id=first.id)).status == "rejected"
    assert "not taken this time" in [s for s in h.outbox.to("bob") if s.kind == "direct"][-1].text


async def test_prompt_now_posts_a_thread_starter_and_counts_answers(db: str) -> None:
    h = Harness.build()
    await setup(h)
    await h.say("Ada", "prompt add Which tool saved you the most time this term?")
    await h.say("Bob", "prompt suggest How do you run online office hours well?")
    suggestion = await Prompt.get(source="suggested")
    await h.say("Ada", f"prompt approve {suggestion.id}")
    h.outbox.clear()

    posted = []
    for _ in range(3):
        reply = await h.say("Ada", "prompt now python")
        assert not reply.is_error, message_text(reply)
        posted.append(h.outbox.to("C1")[-1])
    # the member's question first, then the coordinator's, then the library
    assert "How do you run online office hours well?" in posted[0].text
    assert "Suggested by Bob" in posted[0].text
    assert "Discussion prompt" in posted[0].text
    assert "Which tool saved you the most time this term?" in posted[1].text
    assert LIBRARY[0].en in posted[2].text
    library_row = await Prompt.get(source="library")
    assert library_row.library_key == LIBRARY[0].key
    assert library_row.thread_ref == "C1:3"  # the recording outbox's reference

    thread = (await Prompt.get(id=suggestion.id)).thread_ref
    assert thread == "C1:1"
    await h.core.event(h.who("Bob"), "thread_reply", thread=thread)
    await h.core.event(h.who("Cy"), "thread_reply", thread=thread)
    await h.core.event(h.who("Cy"), "thread_reply", thread="C1:999")
    await h.core.event(h.who("Bot", is_bot=True), "thread_reply", thread=thread)
    assert (await Prompt.get(id=suggestion.id)).answers == 2
    assert (await Prompt.get(source="custom")).answers == 0


async def test_prompt_now_without_a_home_channel_says_how(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create design")
    reply = await h.say("Ada", "prompt now design")
    assert reply.is_error and "community bind design" in message_text(reply)
    assert await Prompt.all().count() == 0 and not h.outbox.sent


async def test_schedule_is_echoed_and_bad_cadences_change_nothing(db: str) -> None:
    h = Harness.build()
    await setup(h)
    reply = await h.text("Ada", "prompt schedule python weekly wed 10:00")
    assert "every Wednesday at 10:00\u202fAM (America/Toronto); next:" in reply
    schedule = await PromptSchedule.get()
    assert (schedule.rrule, schedule.timezone, schedule.active) == (
        "FREQ=WEEKLY;BYDAY=WE",
        "America/Toronto",
        True,
    )
    for line, expected in [
        ("prompt schedule python weekly wed", "At what time?"),
        ("prompt schedule python sometimes 10:00", "didn't understand “sometimes”"),
        ("prompt schedule nowhere weekly wed 10:00", "no community called “nowhere”"),
    ]:
        bad = await h.say("Ada", line)
        assert bad.is_error and expected in message_text(bad), message_text(bad)
    # a cadence that reads two ways is asked about, with a button for each reading
    asked = await h.text("Ada", "prompt schedule python every 2nd tuesday 10:00")
    assert "can mean two things" in asked
    assert "[the second Tuesday of every month at 10:00\u202fAM]" in asked
    assert "[every other Tuesday at 10:00\u202fAM]" in asked
    refused = await h.say("Bob", "prompt schedule python daily 9:00")
    assert refused.is_error and "Only coordinators" in message_text(refused)
    unchanged = await PromptSchedule.get()
    assert (unchanged.rrule, unchanged.start_local) == (schedule.rrule, schedule.start_local)
    assert "are off" in await h.text("Ada", "prompt schedule python off")
    assert not (await PromptSchedule.get()).active


async def test_french_coordinator_reads_french(db: str) -> None:
    h = Harness.build()
    await h.say("Élise", "community create pédagogie", channel="C5", locale="fr-CA")
    await h.say("Luc", "join pédagogie", locale="fr-CA")
    reply = await h.text("Élise", "prompt schedule pédagogie chaque semaine mercredi 10h")
    assert "Questions de discussion pour « pédagogie »\u202f: chaque mercredi à 10 h 00" in reply
    bad = await h.text("Élise", "prompt schedule pédagogie chaque 2e mardi 10h")
    assert "[un mardi sur deux à 10 h 00]" in bad and "[le deuxième mardi du mois" in bad
    await h.say("Élise", "prompt now")
    [post] = h.outbox.to("C5")
    assert "Question de discussion" in post.text and LIBRARY[0].text(Translator("fr")) in post.text
    listing = await h.text("Élise", "prompt list")
    left, total = len(LIBRARY) - 1, len(LIBRARY)
    assert f"Bibliothèque\u202f: {left} des {total} questions en français" in listing
    assert f"Prochaine\u202f: {LIBRARY[1].text(Translator('fr'))}" in listing


async def test_the_schedule_example_works_as_typed_for_a_name_with_spaces(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", 'community create "Pédagogie numérique"', channel="C1", locale="fr-CA")
    listing = await h.text("Ada", "prompt list")
    example = '`prompt schedule "Pédagogie numérique" chaque semaine mercredi 10h`'
    assert f"Aucun horaire. Exemple\u202f: {example}" in listing
    reply = await h.text("Ada", example.strip("`"))
    assert "chaque mercredi à 10 h 00" in reply
    assert await PromptSchedule.filter(active=True).count() == 1
