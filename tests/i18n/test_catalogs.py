"""The catalogs against the code: every string the code marks has its French, nothing is
fuzzy, placeholders match, French typography holds, and every offered language loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from pydantic import ValidationError

from bot.kernel.i18n import LOCALE_DIR, Translator, catalog_path, placeholders
from tests.support.catalogs import (
    CLOSE,
    OPEN,
    extracted_catalog,
    french_catalog,
    pseudo,
    write_catalog,
)
from tests.support.harness import Harness, test_settings

# an ordinary or no-break space before : ; ! ?, or none before ! ?, where French wants a
# narrow no-break space (U+202F)
_BAD_SPACING = re.compile(r"[ \u00a0][;:!?](?=\s|$)|(?<=[\w»)])[!?](?=\s|$)")


def strings(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def real(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id]


def test_extraction_finds_the_strings_the_code_marks() -> None:
    extracted = {(m.context, m.id) for m in real(extracted_catalog())}
    assert len(extracted) > 500
    # a call site, a table of N_() strings, a command's help, usage, example and names
    assert (None, "Join a community") in extracted
    assert (None, "tool") in extracted
    assert ("command usage", "join <community>") in extracted
    assert ("command example", "help share") in extracted
    assert ("command name", "join") in extracted and ("option name", "community") in extracted
    assert (None, ("{members} member", "{members} members")) in {
        (m.context, m.id) for m in real(extracted_catalog()) if isinstance(m.id, tuple)
    }


def missing(catalog: Catalog, extracted: Catalog) -> list[object]:
    """Extracted strings the catalog does not translate (absent or empty)."""
    out: list[object] = []
    for message in real(extracted):
        found = catalog.get(message.id, message.context)
        if found is None or not all(strings(found)):
            out.append((message.context, message.id))
    return out


def fuzzy(catalog: Catalog) -> list[object]:
    return [m.id for m in real(catalog) if m.fuzzy]


def placeholder_mismatches(catalog: Catalog) -> list[object]:
    wrong: list[object] = []
    for message in real(catalog):
        expected = set().union(*(placeholders(i) for i in ids(message)))
        for string in strings(message):
            # a plural's singular may leave {n} out ("chaque jour" for "every day")
            if not placeholders(string) <= expected:
                wrong.append((message.id, string))
        if not message.pluralizable and placeholders(strings(message)[0]) != expected:
            wrong.append((message.id, strings(message)[0]))
    return wrong


def test_the_french_catalog_translates_every_extracted_string() -> None:
    assert not missing(french_catalog(), extracted_catalog())


def test_the_french_catalog_has_no_fuzzy_entry() -> None:
    assert not fuzzy(french_catalog())


def test_placeholders_are_the_same_in_french() -> None:
    assert not placeholder_mismatches(french_catalog())


def test_french_puts_a_narrow_no_break_space_before_high_punctuation() -> None:
    wrong = [
        string
        for message in real(french_catalog())
        if message.context not in ("CLDR date pattern", "command usage", "command example")
        for string in strings(message)
        # text inside backticks is what a member types; left as it is
        if _BAD_SPACING.search(re.sub(r"`[^`]*`", "", string))
    ]
    assert not wrong, wrong[:20]


def test_the_meta_tests_catch_a_missing_a_fuzzy_and_a_wrong_placeholder_entry(
    tmp_path: Path,
) -> None:
    """The checks above, applied to a broken catalog, find each of its faults."""
    extracted = Catalog()
    for msgid in ("Hello {name}", "Bye", "Thanks"):
        extracted.add(msgid)
    broken = Catalog(locale="fr")
    broken.add("Hello {name}", "Bonjour {nom}")
    broken.add("Bye", "Salut", flags=["fuzzy"])
    assert missing(broken, extracted) == [(None, "Thanks")]
    assert fuzzy(broken) == ["Bye"]
    assert placeholder_mismatches(broken) == [("Hello {name}", "Bonjour {nom}")] * 2
    # and a fuzzy entry is never shown: the English is
    path = catalog_path("fr", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n\n#, fuzzy\nmsgid "Bye"\nmsgstr "Salut"\n')
    assert Translator("fr", tmp_path)("Bye") == "Bye"


def test_the_pseudo_locale_keeps_placeholders_and_code() -> None:
    text = pseudo("Join {name}: type `join {name}` at https://example.org/x")
    assert text.startswith(OPEN) and text.endswith(CLOSE)
    assert "{name}" in text and "`join {name}`" in text and "https://example.org/x" in text
    assert "Join" not in text


def test_french_plurals_follow_cldr() -> None:
    french, english = Translator("fr"), Translator("en")
    one, many = "{members} member", "{members} members"
    assert french.ngettext(one, many, 0, members=0) == "0 membre"  # French: 0 is singular
    assert french.ngettext(one, many, 1, members=1) == "1 membre"
    assert french.ngettext(one, many, 2, members=2) == "2 membres"
    assert english.ngettext(one, many, 0, members=0) == "0 members"


def test_every_offered_language_needs_its_catalog(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no catalog"):
        test_settings(LANGUAGES="en,de")
    write_catalog(tmp_path, "de", {"Join a community": "Einer Community beitreten"})
    settings = test_settings(LANGUAGES="en,de", LOCALE_DIR=str(tmp_path))
    assert settings.language_codes == ("en", "de")
    with pytest.raises(ValidationError, match="DEFAULT_LANGUAGE"):
        test_settings(LANGUAGES="en", DEFAULT_LANGUAGE="fr")
    assert (LOCALE_DIR / "fr" / "LC_MESSAGES" / "copbot.po").exists()


async def test_a_new_language_file_is_offered_by_the_language_command(
    db: str, tmp_path: Path
) -> None:
    """Listing a code with a catalog makes it a language members can pick and complete (no
    .py change); a code not listed is refused with the list of those offered."""
    write_catalog(tmp_path, "fr", {"Join a community": "Rejoindre une communauté"})
    h = Harness.build(LANGUAGES="en,fr", LOCALE_DIR=str(tmp_path))
    refused = await h.text("Ada", "language de")
    assert "“de” is not one of: en, fr." in refused
    await h.say("Ada", "language fr")
    assert "Rejoindre une communauté" in await h.text("Ada", "help join")

    write_catalog(tmp_path, "de", {"Join a community": "Einer Community beitreten"})
    h = Harness.build(LANGUAGES="en,fr,de", LOCALE_DIR=str(tmp_path))
    choices = await h.core.autocomplete(h.who("Ada"), "language", "d")
    # named in Ada's language (French, chosen above), from CLDR
    assert [(c.value, c.label) for c in choices] == [("de", "de — allemand")]
    await h.say("Ada", "language de")
    assert "Einer Community beitreten" in await h.text("Ada", "help join")
