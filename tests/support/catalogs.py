"""The catalogs as the tests see them: what extraction finds in the code today (the same
mapping and keywords as ``make catalogs``), the committed catalogs, and a pseudo-locale
generated from the extracted strings."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot.kernel.i18n import LOCALE_DIR, catalog_path
from bot.kernel.i18n_extract import KEYWORDS

ROOT = Path(__file__).resolve().parents[2]
# pattern syntax, not words: a pseudo-locale keeps these as they are
# (a locale name and a number pattern are read by Babel, not by members)
VERBATIM_CONTEXTS = ("CLDR date pattern", "CLDR locale", "CLDR number pattern")


@cache
def extracted_catalog() -> Catalog:
    """What ``pybabel extract -F babel.cfg`` finds in the code now."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog(domain="copbot")
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


@cache
def french_catalog() -> Catalog:
    with catalog_path("fr", LOCALE_DIR).open("rb") as po:
        return read_po(po, locale="fr")


def write_catalog(locale_dir: Path, language: str, entries: dict[str, str]) -> Path:
    """A small catalog of one's own (for a registry written by a test)."""
    catalog = Catalog(locale=language, domain="copbot")
    for msgid, msgstr in entries.items():
        catalog.add(msgid, msgstr)
    path = catalog_path(language, locale_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog)
    return locale_dir


# ---- the pseudo-locale -------------------------------------------------------------

_ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
# what must survive unchanged: {placeholders}, `code` (commands a member types), URLs
_KEEP = re.compile(r"(\{\w+\}|`[^`]*`|https?://\S+|\n)")
OPEN, CLOSE = "⟦", "⟧"


def pseudo(text: str) -> str:
    """Every letter accented and the whole bracketed, placeholders and code kept:
    "Join {name}" -> "⟦Ĵöîñ {name}⟧". A bracket pair in the output marks catalog text."""
    if not text:
        return text
    parts = _KEEP.split(text)
    return (
        OPEN + "".join(p if _KEEP.fullmatch(p) else p.translate(_ACCENTED) for p in parts) + CLOSE
    )


def pseudo_message(message: Message) -> str | tuple[str, ...]:
    if message.context in VERBATIM_CONTEXTS or message.context in (
        "command usage",
        "command example",
    ):
        # usage lines and examples are typed back by members: keep them parseable
        if isinstance(message.id, tuple):
            return tuple(message.id)
        return message.id if message.context in VERBATIM_CONTEXTS else pseudo_code(message.id)
    if isinstance(message.id, tuple):
        return tuple(pseudo(i) for i in message.id)
    return pseudo(message.id)


def pseudo_code(text: str) -> str:
    """Usage lines and examples: bracketed (so they read as translated) but not
    accented, as members type them back."""
    return OPEN + text + CLOSE


def write_pseudo_locale(locale_dir: Path, code: str = "en-XA") -> Path:
    """``<locale_dir>/<code>/LC_MESSAGES/copbot.po`` from the extracted strings: adding a
    language is adding this one file (and listing ``code`` in LANGUAGES)."""
    catalog = Catalog(locale="en", domain="copbot")
    for message in extracted_catalog():
        if message.id:
            catalog.add(message.id, pseudo_message(message), context=message.context)
    path = catalog_path(code, locale_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog)
    return path
