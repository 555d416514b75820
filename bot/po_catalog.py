"""The gettext catalogs (``locale/<language>/LC_MESSAGES/copbot.po``), read once.

The English text is the msgid at the call site; a language's catalog gives its
translation, and a msgid it lacks falls back to English. Chat (through ``Translator``)
and the web pages read the same catalog, so a phrase is translated once.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "copbot"


class PoCatalog:
    """One language's translations: msgid (and context) -> text, plus its plural rule."""

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        self.singular: dict[tuple[str | None, str], str] = {}
        self.plural: dict[tuple[str | None, str], tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or not message.string:
                continue
            if isinstance(message.id, tuple | list):
                forms = tuple(str(s) for s in message.string)
                if all(forms):
                    self.plural[(message.context, str(message.id[0]))] = forms
            else:
                self.singular[(message.context, str(message.id))] = str(message.string)
        self.plural_index: Callable[[int], int] = gettext.c2py(catalog.plural_expr)

    def gettext(self, msgid: str, context: str | None = None) -> str:
        return self.singular.get((context, msgid), msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self.plural.get((None, singular))
        if forms is None:
            return singular if n == 1 else plural
        return forms[min(self.plural_index(n), len(forms) - 1)]


@functools.cache
def catalog_for(language: str) -> PoCatalog | None:
    """The catalog of ``language``; None for English (the msgids) or a missing file."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == "en" or not path.exists():
        return None
    return PoCatalog(path)


def translate(language: str, msgid: str, context: str | None = None) -> str:
    catalog = catalog_for(language)
    return catalog.gettext(msgid, context) if catalog else msgid


def translate_plural(language: str, singular: str, plural: str, n: int) -> str:
    catalog = catalog_for(language)
    if catalog is None:
        return singular if n == 1 else plural
    return catalog.ngettext(singular, plural, n)
