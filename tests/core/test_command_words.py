"""A command copbot does not know is answered with the commands the member may have meant:
the one that does what their word means ("search" is `resources`), in English or French,
else the ones spelled close to it."""

from __future__ import annotations

from bot.kernel.command_words import words_meaning
from bot.kernel.discovery import default_registry
from bot.kernel.i18n import translator_for
from data.models import Resource
from tests.support.harness import Harness, test_settings


async def test_a_word_for_what_a_command_does_names_that_command(db: str) -> None:
    h = Harness.build()
    await h.say("Ada", "community create python", channel="C1")
    reply = await h.say("Ada", "search rubric")
    assert reply.is_error
    text = await h.text("Ada", "search rubric")
    assert "I don't know the command “search”." in text
    assert "Did you mean: resources?" in text
    assert "Type `help` to see what I can do." in text
    assert "Did you mean: networking?" in await h.text("Ada", "coffee")
    assert "Did you mean: share?" in await h.text("Ada", "post https://x.example/1")
    assert await Resource.all().count() == 0  # an unknown command changes nothing


async def test_french_words_and_accents_are_understood_too(db: str) -> None:
    h = Harness.build()
    await h.say("Bea", "language fr")
    text = await h.text("Bea", "chercher grille")
    assert "Je ne connais pas la commande « chercher »." in text
    assert "Vouliez-vous dire\u202f: resources\u202f?" in text
    assert "Vouliez-vous dire\u202f: meetings\u202f?" in await h.text("Bea", "Évènements")
    # every offered language's words are understood, whatever the member's own
    assert "Vouliez-vous dire\u202f: resources\u202f?" in await h.text("Bea", "search grille")
    assert "Did you mean: networking?" in await h.text("Ada", "café")


async def test_a_misspelt_command_still_gets_the_commands_spelled_like_it(db: str) -> None:
    h = Harness.build()
    text = await h.text("Ada", "comunities")
    assert "Did you mean: communities, community, community edit?" in text
    assert "Did you mean" not in await h.text("Ada", "xyzzy")


def test_every_word_names_a_command_and_none_is_one() -> None:
    settings = test_settings()
    meant = words_meaning(translator_for(settings, code) for code in settings.language_codes)
    assert {"search", "chercher", "evenements", "coffee", "cafe"} <= set(meant)  # folded
    registry = default_registry()
    visible = {c.words[0] for c in registry.commands.values() if not c.hidden}
    assert set(meant.values()) <= visible  # a renamed command would leave words behind
    assert not set(meant) & visible  # a command's own name never needs a suggestion
