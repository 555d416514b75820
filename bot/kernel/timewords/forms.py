"""The forms of time shown by ``help`` for the commands that read one, in the reader's
language (every form is read in either language; these are the ones to learn first)."""

from __future__ import annotations

READS_TIME = (
    "meeting schedule",
    "meeting move",
    "meeting cancel",
    "prompt schedule",
    "networking schedule",
)
FORMS = {
    "en": (
        "every Tuesday at 12:30",
        "every other Thursday at 3pm",
        "first Monday of the month at 9am",
        "every month on the 15th at noon",
        "every weekday at 8:15",
        "next Monday 4:30pm every week until June 30",
        "tomorrow 3pm to 4:30pm",
        "2027-06-01 16:30 for 90 minutes",
    ),
    "fr": (
        "chaque mardi à 12 h 30",
        "un jeudi sur deux à 15 h",
        "le premier lundi du mois à 9 h",
        "le 15 de chaque mois à midi",
        "du lundi au vendredi à 8 h 15",
        "lundi prochain 16 h 30 chaque semaine jusqu'au 30 juin",
        "demain de 15 h à 16 h 30",
        "2027-06-01 16 h 30 pendant 1 h 30",
    ),
}


def forms(language: str) -> tuple[str, ...]:
    return FORMS.get(language, FORMS["en"])
