"""The words of time in English and French. Names of days and months come from CLDR
(Babel), so they are the ones the describer writes; the rest (ordinals, "every",
"un … sur deux") are grammar words no locale data spells out. Everything is folded: lower
case, no accents, ’ as '."""

from __future__ import annotations

import unicodedata

from babel.dates import get_day_names, get_month_names

from bot.kernel.i18n import TIME_GRAMMAR_LANGUAGES
from bot.kernel.timewords.model import WEEKDAYS

LOCALES = TIME_GRAMMAR_LANGUAGES


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("’", "'").replace("‘", "'")


def _weekday_words() -> tuple[dict[str, str], dict[str, str]]:
    """Full names (and their plurals) and short forms. Short forms ("wed", "jeu", "sun")
    are also ordinary words, so they count only next to other time words."""
    full: dict[str, str] = {}
    short: dict[str, str] = {}
    for locale in LOCALES:
        for index, name in get_day_names("wide", locale=locale).items():
            word = fold(name)
            full[word] = full[word + "s"] = WEEKDAYS[index]
        for index, name in get_day_names("abbreviated", locale=locale).items():
            short[fold(name).rstrip(".")] = WEEKDAYS[index]
    for word, code in {"tues": "TU", "thur": "TH", "thurs": "TH", "weds": "WE"}.items():
        short[word] = code
    return full, short


WEEKDAY_FULL, WEEKDAY_SHORT = _weekday_words()


def _month_words() -> dict[str, int]:
    months: dict[str, int] = {}
    for locale in LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[fold(name).rstrip(".")] = number
    months["sept"] = 9
    return months


MONTHS = _month_words()
# month names that are everyday words: a month only next to a day number
WEAK_MONTHS = {"may", "mar", "mars", "jan", "sept", "dec", "mai"}

NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
    "premier": 1, "premiere": 1, "1er": 1, "1re": 1, "1ere": 1,
    "deuxieme": 2, "seconde": 2, "2e": 2, "2eme": 2,
    "troisieme": 3, "3e": 3, "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4,
    "cinquieme": 5, "5e": 5, "5eme": 5, "dernier": -1, "derniere": -1,
}  # fmt: skip
# the ordinals the grammar writes when it rewords a question (the describer's are catalog text)
ORDINAL_WORDS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}

EVERY = {"every", "each", "chaque"}
EVERY_PLURAL = {"tous", "toutes"}  # "tous les", "toutes les"
UNITS = {
    "day": "DAILY", "days": "DAILY", "jour": "DAILY", "jours": "DAILY",
    "week": "WEEKLY", "weeks": "WEEKLY", "semaine": "WEEKLY", "semaines": "WEEKLY",
    "month": "MONTHLY", "months": "MONTHLY", "mois": "MONTHLY",
    "year": "YEARLY", "years": "YEARLY", "an": "YEARLY", "ans": "YEARLY",
    "annee": "YEARLY", "annees": "YEARLY",
}  # fmt: skip
ADVERBS = {
    "daily": ("DAILY", 1), "quotidien": ("DAILY", 1), "quotidienne": ("DAILY", 1),
    "quotidiennement": ("DAILY", 1),
    "weekly": ("WEEKLY", 1), "hebdo": ("WEEKLY", 1), "hebdomadaire": ("WEEKLY", 1),
    "hebdomadairement": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2), "bi-weekly": ("WEEKLY", 2), "fortnightly": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1), "mensuel": ("MONTHLY", 1), "mensuelle": ("MONTHLY", 1),
    "mensuellement": ("MONTHLY", 1),
    "yearly": ("YEARLY", 1), "annually": ("YEARLY", 1), "annuel": ("YEARLY", 1),
    "annuelle": ("YEARLY", 1), "annuellement": ("YEARLY", 1),
}  # fmt: skip
WORKDAY_WORDS = {"weekday", "weekdays", "workday", "workdays", "ouvrable", "ouvrables"}
OF_MONTH = (
    ("of", "the", "month"), ("of", "each", "month"), ("of", "every", "month"),
    ("of", "a", "month"), ("du", "mois"), ("de", "chaque", "mois"),
    ("de", "tous", "les", "mois"),
)  # fmt: skip
SKIP_SHORT = (
    ("skipping", "shorter", "months"), ("skipping", "months", "without", "one"),
    ("skip", "shorter", "months"), ("sauf", "les", "mois", "plus", "courts"),
    ("sauf", "les", "mois", "qui", "n'en", "ont", "pas"),
)  # fmt: skip
LAST_DAY = (("last", "day"), ("dernier", "jour"))
TODAY = {
    ("today",),
    ("tonight",),
    ("aujourd'hui",),
    ("ce", "soir"),
    ("ce", "matin"),
    ("this", "morning"),
    ("this", "afternoon"),
    ("this", "evening"),
    ("cet", "apres-midi"),
}
TOMORROW = {("tomorrow",), ("demain",)}
YESTERDAY = {("yesterday",), ("hier",)}
AFTER_TOMORROW = {("day", "after", "tomorrow"), ("apres-demain",), ("apres", "demain")}
NEXT = {"next", "prochain", "prochaine", "coming"}
THIS = {"this", "ce", "cette"}
AT = {"at", "a", "@", "vers", "around"}
ON = {"on", "le", "the", "la"}
AND = {"and", "et", ",", "&"}
TO = {"to", "-", "–", "—", "a", "au", "until", "till", "jusqu'a", "through", "thru"}
FROM = {"from", "de", "du", "between", "entre"}
UNTIL = {"until", "till", "through", "thru", "jusqu'au", "jusqu'a", "up"}
LENGTH_LEAD = {"for", "pendant", "pour", "durant", "duree", "duration", "lasting"}
MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes"}
HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "heure", "heures"}
TIMES_WORDS = {"time", "times", "fois", "occurrence", "occurrences", "sessions", "seances"}
NOON = {"noon", "midday", "midi"}
MIDNIGHT = {"midnight", "minuit"}
