"""The forms of time shown by ``help`` for the commands that read one, in the reader's
language (every form is read in either language; these are the ones to learn first).

They are catalog text like any other, so a language is still only a file; but the grammar
reads English and French alone, so a catalog for another language should keep these in
one of those two (the pseudo-locale keeps them as they are, like command examples)."""

from __future__ import annotations

from bot.kernel.i18n import Translator

READS_TIME = (
    "meeting schedule",
    "meeting move",
    "meeting cancel",
    "prompt schedule",
    "networking schedule",
)


def forms(tr: Translator) -> tuple[str, ...]:
    # Translators: forms of time the grammar reads (English or French only)
    return (
        tr.pgettext("command example", "every Tuesday at 12:30"),
        tr.pgettext("command example", "every other Thursday at 3pm"),
        tr.pgettext("command example", "first Monday of the month at 9am"),
        tr.pgettext("command example", "every month on the 15th at noon"),
        tr.pgettext("command example", "every weekday at 8:15"),
        tr.pgettext("command example", "next Monday 4:30pm every week until June 30"),
        tr.pgettext("command example", "tomorrow 3pm to 4:30pm"),
        tr.pgettext("command example", "2027-06-01 16:30 for 90 minutes"),
    )
