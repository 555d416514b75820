"""Help and Discord's command schema in the member's language: usage lines and examples
from the catalog, Discord names and descriptions localized within Discord's name rules."""

from __future__ import annotations

import unicodedata

from adapters.discord.schema import build_schema, localizers, problems
from bot.kernel.discovery import default_registry
from bot.kernel.i18n import Translator
from bot.kernel.parser import tokenize
from tests.support.harness import Harness


async def test_a_french_member_reads_help_share_with_french_usage_and_examples(db: str) -> None:
    h = Harness.build()
    french = await h.text("Zoé", "help share", locale="fr-CA")
    assert "Ajouter une ressource au répertoire de la communauté" in french  # the help
    assert "Utilisation\u202f: share <url> [titre] [#étiquette ...] [type] [in <communauté>]" in (
        french
    )
    assert "Exemples\u202f:" in french
    assert 'share https://example.org/grille "Gabarit de grille" #évaluation template' in french
    english = await h.text("Ada", "help share")
    assert "Usage: share <url> [title] [#tag ...] [kind] [in <community>]" in english
    assert 'share https://example.org/rubric "Rubric template" #assessment template' in english


def test_every_french_usage_and_example_still_names_its_command() -> None:
    """Command words stay as members type them: a translated example must still run the
    command it illustrates."""
    registry, french = default_registry(), Translator("fr")
    for command in registry.commands.values():
        usage = french.pgettext("command usage", command.usage)
        assert usage.split()[: len(command.words)] == list(command.words), usage
        for example in command.examples:
            translated = french.pgettext("command example", example)
            words = [t.text for t in tokenize(translated) if not t.quoted]
            found = registry.find(words[:3])
            assert found is not None and found[0] is command, translated


def _discord_name(name: str) -> bool:
    """Discord's rule: ^[-_\\p{L}\\p{N}]{1,32}$, and lower case where the script has case."""
    return (
        1 <= len(name) <= 32
        and all(ch in "-_" or unicodedata.category(ch)[0] in "LN" for ch in name)
        and name == name.lower()
    )


def test_the_discord_schema_carries_french_names_within_discords_rules() -> None:
    schema = build_schema(default_registry(), localizers([Translator("en"), Translator("fr")]))
    assert problems(schema.payload) == []
    seen = 0

    def check(entry: dict[str, object], path: str) -> None:
        nonlocal seen
        names = entry.get("name_localizations")
        assert isinstance(names, dict) and set(names) == {"fr"}, path
        assert _discord_name(names["fr"]), (path, names)
        descriptions = entry.get("description_localizations")
        assert isinstance(descriptions, dict) and descriptions.get("fr"), path
        seen += 1
        options = entry.get("options", [])
        assert isinstance(options, list)
        for option in options:
            check(option, f"{path} {option['name']}")

    for command in schema.payload:
        check(command, "/" + command["name"])
    assert seen > 80
    by_name = {c["name"]: c for c in schema.payload}
    assert by_name["join"]["name_localizations"] == {"fr": "rejoindre"}
    join_options = {o["name"]: o for o in by_name["join"]["options"]}
    assert join_options["community"]["name_localizations"] == {"fr": "communauté"}
    assert by_name["join"]["description_localizations"] == {"fr": "Rejoindre une communauté"}


def test_an_english_only_installation_sends_no_localizations() -> None:
    schema = build_schema(default_registry(), localizers([Translator("en")]))
    assert all("name_localizations" not in c for c in schema.payload)
