"""Translations: English source strings at the call site, other languages in gettext
catalogs (``locale/<lang>/LC_MESSAGES/copbot.po``), the files translators' tools read.

    ctx.tr("No community called {name}.", name=name)
    ctx.tr.spans("Welcome, {member}!", member=Mention(...))   # typed values stay typed
    ctx.tr.ngettext("{n} member", "{n} members", n)           # CLDR plural rules
    ctx.tr.pgettext("button", "Join")                         # one English word, two meanings
    N_("Tool")                                                # marked here, translated later

A language is a file: the ``LANGUAGES`` setting lists the codes offered, and each one
other than English (the source language) has ``locale/<code>/LC_MESSAGES/copbot.po``.
No Python names a language.

Catalogs are read from the ``.po`` files directly (through Babel, compiled in memory once
per process and language), so there is no compiled ``.mo`` file to forget to rebuild or
to drift from its source after an edit. Reading the French catalog takes about 75 ms (``make
bench``), once per process: the core reads every offered language when it is built.
Fuzzy entries are ignored, as gettext does. ``make catalogs`` still runs ``pybabel compile``
as a check that the files compile.
"""

from __future__ import annotations

import gettext
import io
import re
import string
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.kernel.messages import Span, Text

if TYPE_CHECKING:
    from bot.kernel.settings import Settings

SOURCE_LANGUAGE = "en"  # the language of the msgids; it needs no catalog
# the languages the grammar of time reads, whatever the member's own (SPEC: English and
# French); their day and month names come from CLDR
TIME_GRAMMAR_LANGUAGES = ("en", "fr")
DOMAIN = "copbot"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def N_(msgid: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return msgid


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalog_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def has_catalog(language: str, locale_dir: Path = LOCALE_DIR) -> bool:
    return language == SOURCE_LANGUAGE or catalog_path(language, locale_dir).exists()


def babel_locale(language: str) -> Locale:
    """The CLDR locale that formats dates, numbers, lists and plurals for a language code.
    A code CLDR does not know (a pseudo-locale such as ``en-XA``) uses its base language."""
    for candidate in (language.replace("-", "_"), language.split("-", 1)[0]):
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(SOURCE_LANGUAGE)


@cache
def translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalog of one language; English (the source language) needs none."""
    path = catalog_path(language, locale_dir)
    if language == SOURCE_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=babel_locale(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _format(template: str, values: Mapping[str, object]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


# A community channel may read several languages together (the Canadian bilingual
# convention): its translator is made for "en+fr", and gives each text in each language.
JOINED = "+"
BOTH = "both"  # what a community stores for "every language the settings offer"
# texts up to this long are joined on one line ("Upvote / Voter"), longer ones a line each
_SHORT = 40


def _joined(texts: list[str]) -> str:
    distinct = list(dict.fromkeys(texts))
    joiner = " / " if max(len(t) for t in distinct) <= _SHORT else "\n"
    return joiner.join(distinct)


class Translator:
    """One language's texts. ``language`` should be one the settings offer (see
    ``bot.kernel.languages``); a code without a catalog reads as English. Several codes
    joined with ``+`` ("en+fr") give each text in each language, in that order; dates
    and numbers then use the first (``bilingual`` is True)."""

    def __init__(self, language: str, locale_dir: Path = LOCALE_DIR) -> None:
        codes = [c for c in language.split(JOINED) if c] or [SOURCE_LANGUAGE]
        codes = [c if has_catalog(c, locale_dir) else SOURCE_LANGUAGE for c in codes]
        self.language = codes[0]
        self.locale = babel_locale(self.language)
        self._gettext = translations(self.language, locale_dir)
        self._each = [translations(c, locale_dir) for c in dict.fromkeys(codes)]
        self.bilingual = len(self._each) > 1

    def template(self, msgid: str) -> str:
        if self.bilingual:
            return _joined([t.gettext(msgid) for t in self._each])
        return self._gettext.gettext(msgid)

    def _plural(self, singular: str, plural: str, n: int) -> str:
        if self.bilingual:
            return _joined([t.ngettext(singular, plural, n) for t in self._each])
        return self._gettext.ngettext(singular, plural, n)

    def _context(self, context: str, msgid: str) -> str:
        if self.bilingual:
            return _joined([t.pgettext(context, msgid) for t in self._each])
        return self._gettext.pgettext(context, msgid)

    def __call__(self, msgid: str, /, **values: object) -> str:
        """The translated text with values inserted as plain text."""
        return _format(self.template(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form of the text for ``n`` (CLDR plural rules of the language); ``{n}`` is
        available in the text."""
        return _format(self._plural(singular, plural, n), {"n": n, **values})

    def pgettext(self, context: str, msgid: str, /, **values: object) -> str:
        """A text whose English is shared by two meanings that other languages tell apart."""
        return _format(self._context(context, msgid), values)

    def spans(self, msgid: str, /, **values: Span | str | int) -> tuple[Span, ...]:
        """The translated text as spans: literal parts are ``Text``; each value stays typed."""
        return template_spans(self.template(msgid), values)

    def nspans(
        self, singular: str, plural: str, n: int, /, **values: Span | str | int
    ) -> tuple[Span, ...]:
        """``ngettext`` as spans."""
        return template_spans(self._plural(singular, plural, n), {"n": n, **values})

    def pspans(self, context: str, msgid: str, /, **values: Span | str | int) -> tuple[Span, ...]:
        """``pgettext`` as spans."""
        return template_spans(self._context(context, msgid), values)


def language_name(code: str, tr: Translator) -> str:
    """A language's name in the reader's language, from CLDR ("French", "français")."""
    return babel_locale(code).get_display_name(tr.locale) or code


def offered_language(settings: Settings, code: str | None) -> str | None:
    """``code`` when the settings offer it (``fr_CA`` and ``fr-ca`` read as ``fr``)."""
    if not code:
        return None
    offered = settings.language_codes
    normal = code.replace("_", "-")
    for candidate in (normal, normal.split("-", 1)[0]):
        for language in offered:
            if language.lower() == candidate.lower():
                return language
    return None


def translator_for(settings: Settings, language: str | None) -> Translator:
    """A translator in ``language`` if the settings offer it, else the default language.
    ``both`` (a community channel's choice) is every offered language together."""
    if language == BOTH and len(settings.language_codes) > 1:
        return _translator(JOINED.join(settings.language_codes), settings.locale_dir)
    code = offered_language(settings, language) or settings.default_language
    return _translator(code, settings.locale_dir)


@cache
def _translator(language: str, locale_dir: Path) -> Translator:
    """Translators hold nothing that changes: one per language, made once (every request
    wants one, some several)."""
    return Translator(language, locale_dir)


def template_spans(template: str, values: Mapping[str, Span | str | int]) -> tuple[Span, ...]:
    out: list[Span] = []
    for literal, name in _template_parts(template):
        if literal:
            out.append(Text(literal))
        if name is not None:
            value = values.get(name, "{" + name + "}")
            out.append(value if not isinstance(value, str | int) else Text(str(value)))
    return tuple(out)


@lru_cache(maxsize=4096)  # catalog texts: a bounded set, bounded anyway
def _template_parts(template: str) -> tuple[tuple[str, str | None], ...]:
    """A template as (literal text, the placeholder after it or None), read once: a reply
    fills the same few templates again and again."""
    parts: list[tuple[str, str | None]] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[position : match.start()], match.group(1)))
        position = match.end()
    if position < len(template):
        parts.append((template[position:], None))
    return tuple(parts)
