"""Words on web pages: the language a visitor reads, translations from the same gettext
catalog as chat, and Babel's dates and numbers.

Every translated string is escaped before values are put in, and every value is escaped
too, so a community name such as ``<script>`` shows as text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, format_timedelta
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from bot.kernel.i18n import LOCALE_DIR, SOURCE_LANGUAGE, babel_locale, translations

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_QUALITY = re.compile(r"^\s*([A-Za-z]{1,8})(?:[-_][A-Za-z0-9]{1,8})*\s*(?:;\s*q=([0-9.]+))?\s*$")


def from_accept_language(header: str, offered: tuple[str, ...]) -> str | None:
    """The first of the offered languages the browser asks for, by its q-values."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        match = _QUALITY.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) else 1.0
        except ValueError:
            continue
        wanted.append((-quality, position, match.group(1).lower()))
    for quality, _, code in sorted(wanted):
        if code in offered and quality < 0:
            return code
    return None


def _fill(template: str, values: dict[str, object]) -> Markup:
    escaped = str(escape(template))
    return Markup(
        _PLACEHOLDER.sub(
            lambda m: str(escape(values[m.group(1)])) if m.group(1) in values else m.group(0),
            escaped,
        )
    )


class Words:
    """Translations and formats for one page in one language and time zone."""

    def __init__(
        self,
        language: str,
        zone: str,
        offered: tuple[str, ...] = (SOURCE_LANGUAGE,),
        locale_dir: Path = LOCALE_DIR,
    ) -> None:
        self.language = language if language in offered else SOURCE_LANGUAGE
        self.offered = offered
        self.zone = zone
        self.tzinfo = ZoneInfo(zone)
        self.locale = babel_locale(self.language)
        # the same catalog as chat (locale/<language>/LC_MESSAGES/copbot.po)
        self._catalog = translations(self.language, locale_dir)

    def language_name(self, code: str) -> str:
        """A language's own name, as a switch shows it ("English", "français")."""
        name = babel_locale(code).get_display_name(babel_locale(code)) or code
        return name[:1].upper() + name[1:]  # a link on its own: "Français", "English"

    def __call__(self, msgid: str, **values: object) -> Markup:
        return _fill(self._catalog.gettext(msgid), values)

    def pgettext(self, context: str, msgid: str, **values: object) -> Markup:
        """A text whose English another meaning shares ("Going": a button, a column)."""
        return _fill(self._catalog.pgettext(context, msgid), values)

    def plain(self, msgid: str, **values: object) -> str:
        """The translation as plain text (CSV, headers), values inserted unescaped."""
        return _PLACEHOLDER.sub(
            lambda m: str(values.get(m.group(1), m.group(0))), self._catalog.gettext(msgid)
        )

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> Markup:
        values.setdefault("n", self.number(n))
        return _fill(self._catalog.ngettext(singular, plural, n), values)

    def kind(self, kind: str) -> str:
        """A resource kind (tool, template...) in the page's language."""
        return self._catalog.gettext(kind)  # the same names as in chat (KIND_NAMES)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def when(self, instant: datetime) -> str:
        """A meeting's start: weekday, date and time in the page's zone."""
        # the pattern is a catalog entry: each language writes a full date its own way
        pattern = self._catalog.pgettext("CLDR date pattern", "EEEE, MMMM d, y, h:mm a")
        return format_datetime(instant, pattern, tzinfo=self.tzinfo, locale=self.locale)

    def time(self, instant: datetime) -> str:
        return format_time(instant, "short", tzinfo=self.tzinfo, locale=self.locale)

    def date(self, instant: datetime, form: str = "medium") -> str:
        return format_date(instant.astimezone(self.tzinfo), form, locale=self.locale)

    def month(self, instant: datetime) -> str:
        return format_date(instant.astimezone(self.tzinfo), "MMM y", locale=self.locale)

    def duration(self, span: timedelta) -> str:
        return format_timedelta(span, threshold=1.5, locale=self.locale)
