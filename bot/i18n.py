"""Translations: every member-facing string exists in English and French.

Each area module declares ``TEXTS = {key: (english, french)}``; the registry merges
them. Templates use ``{name}`` placeholders. ``Translator.spans`` keeps typed values
(mentions, links, times) as spans instead of flattening them into text, so renderers can
still make them native and escape member text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping

from bot import po_catalog
from bot.messages import Span, Text

LANGUAGES = ("en", "fr")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

Catalog = Mapping[str, tuple[str, str]]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Translator:
    def __init__(self, catalog: Catalog, language: str) -> None:
        self.catalog = catalog
        self.language = language if language in LANGUAGES else "en"

    def template(self, key: str) -> str:
        entry = self.catalog.get(key)
        if entry is None:
            # a new-style English msgid: translated by the gettext catalog
            return po_catalog.translate(self.language, key)
        english, french = entry
        return french if self.language == "fr" else english

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        """The plural form for ``n`` (CLDR rules of the catalog), values inserted."""
        template = po_catalog.translate_plural(self.language, singular, plural, n)
        values.setdefault("n", n)
        return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)

    def __call__(self, key: str, **values: object) -> str:
        """The translated text with values inserted as plain text."""
        return _PLACEHOLDER.sub(
            lambda m: str(values.get(m.group(1), m.group(0))), self.template(key)
        )

    def spans(self, key: str, **values: Span | str | int) -> tuple[Span, ...]:
        """The translated text as spans: literal parts are ``Text``; each value stays typed."""
        out: list[Span] = []
        position = 0
        template = self.template(key)
        for match in _PLACEHOLDER.finditer(template):
            if match.start() > position:
                out.append(Text(template[position : match.start()]))
            value = values.get(match.group(1), match.group(0))
            out.append(value if not isinstance(value, str | int) else Text(str(value)))
            position = match.end()
        if position < len(template):
            out.append(Text(template[position:]))
        return tuple(out)
