"""Translations: English source strings at the call site, other languages in gettext
catalogs (``locale/<lang>/LC_MESSAGES/copbot.po``), the files translators' tools read.

    ctx.tr("No community called {name}.", name=name)
    ctx.tr.spans("Welcome, {member}!", member=Mention(...))   # typed values stay typed
    ctx.tr.ngettext("{n} member", "{n} members", n)
    ctx.tr.pgettext("button", "Join")                          # one English word, two meanings

Catalogs are read from the ``.po`` files directly (through Babel, compiled in memory), so
there is no compiled file to forget or to drift from its source; reading them costs a few
milliseconds once per process. Fuzzy entries are ignored, as gettext does.

Transitional: area modules that still declare ``TEXTS = {key: (english, french)}`` are
looked up by key first; everything else is a gettext msgid.
"""

from __future__ import annotations

import gettext
import io
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.kernel.messages import Span, Text

LANGUAGES = ("en", "fr")
DOMAIN = "copbot"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Catalog = Mapping[str, tuple[str, str]]


def N_(msgid: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return msgid


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@cache
def translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalog of one language; English (the source language) needs none."""
    path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language.replace("-", "_"))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _format(template: str, values: Mapping[str, object]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


class Translator:
    def __init__(self, catalog: Catalog, language: str) -> None:
        self.catalog = catalog
        self.language = language if language in LANGUAGES else "en"
        self._gettext = translations(self.language)

    def template(self, msgid: str) -> str:
        legacy = self.catalog.get(msgid)
        if legacy is not None:
            english, french = legacy
            return french if self.language == "fr" else english
        return self._gettext.gettext(msgid)

    def __call__(self, msgid: str, /, **values: object) -> str:
        """The translated text with values inserted as plain text."""
        return _format(self.template(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form of the text for ``n`` (CLDR plural rules of the language); ``{n}`` is
        available in the text."""
        return _format(self._gettext.ngettext(singular, plural, n), {"n": n, **values})

    def pgettext(self, context: str, msgid: str, /, **values: object) -> str:
        """A text whose English is shared by two meanings that other languages tell apart."""
        return _format(self._gettext.pgettext(context, msgid), values)

    def spans(self, msgid: str, /, **values: Span | str | int) -> tuple[Span, ...]:
        """The translated text as spans: literal parts are ``Text``; each value stays typed."""
        return template_spans(self.template(msgid), values)


def template_spans(template: str, values: Mapping[str, Span | str | int]) -> tuple[Span, ...]:
    out: list[Span] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.start() > position:
            out.append(Text(template[position : match.start()]))
        value = values.get(match.group(1), match.group(0))
        out.append(value if not isinstance(value, str | int) else Text(str(value)))
        position = match.end()
    if position < len(template):
        out.append(Text(template[position:]))
    return tuple(out)
