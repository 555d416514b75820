# ruff: noqa: E501  (one phrasing a line reads best as a table)
"""Every phrasing copbot must read, and what it must make of it: the start (local wall
clock), the RRULE, the length and the words left for the title; or the question it must
ask (each answer read again to what it must give); or the refusal. Run against fixed
clocks, two of them on the eve of the March and November daylight-saving changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.kernel.errors import UserError
from bot.kernel.timewords import Question, Reading, read

TORONTO = "America/Toronto"
CLOCKS = {
    # Monday 10:00 in Toronto (EDT)
    "may": datetime(2027, 5, 3, 14, 0, tzinfo=UTC),
    # Saturday noon EST; clocks spring forward at 02:00 on Sunday 2027-03-14
    "march": datetime(2027, 3, 13, 17, 0, tzinfo=UTC),
    # Saturday noon EDT; clocks fall back at 02:00 on Sunday 2027-11-07
    "november": datetime(2027, 11, 6, 16, 0, tzinfo=UTC),
    # Saturday noon in Paris (CET); clocks spring forward on Sunday 2027-03-28
    "paris": datetime(2027, 3, 27, 11, 0, tzinfo=UTC),
    # Friday 10:00 EST, the last day of the year
    "newyear": datetime(2027, 12, 31, 15, 0, tzinfo=UTC),
}
WEEKLY_TU = "FREQ=WEEKLY;BYDAY=TU"
WORKWEEK = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@dataclass(frozen=True)
class R:
    start: str
    rrule: str | None = None
    duration: int | None = None
    rest: tuple[str, ...] = ()
    zone: str = TORONTO


@dataclass(frozen=True)
class Q:
    asks: str  # a piece of the question's English
    answers: tuple[tuple[str, str | None], ...]  # (start, rrule) each answer reads to


@dataclass(frozen=True)
class E:
    says: str  # a piece of the refusal's English


def _r(start: str, rrule: str | None = None, duration: int | None = None,
       rest: tuple[str, ...] = (), zone: str = TORONTO) -> R:  # fmt: skip
    return R(start, rrule, duration, rest, zone)


TWO_WAYS = "reads two ways"
TWO_THINGS = "can mean two things"
SOME_MONTHS = "Some months have no day"
UNUSED = "I didn't use"

# fmt: off
ENGLISH = [
    ("may", "every Tuesday at 12:30 Lunch chat", _r("2027-05-04T12:30", WEEKLY_TU, rest=("Lunch chat",))),
    ("may", "Tuesdays 12:30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "Tuesdays at 12:30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "every tuesday at 12:30pm", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "weekly on Wednesday at 10am", _r("2027-05-05T10:00", "FREQ=WEEKLY;BYDAY=WE")),
    ("may", "every other Thursday at 3pm", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "every 2 weeks on Thursday at 3pm", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "every two weeks on Thursday at 3pm", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "biweekly on Thursday at 3pm", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "every other week on Friday at 2pm", _r("2027-05-07T14:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")),
    ("may", "every second week on Friday at 2pm", _r("2027-05-07T14:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")),
    ("may", "first Monday of the month at 9am", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "second Monday of the month at 9am", _r("2027-05-10T09:00", "FREQ=MONTHLY;BYDAY=+2MO")),
    ("may", "third Monday of the month at 9am", _r("2027-05-17T09:00", "FREQ=MONTHLY;BYDAY=+3MO")),
    ("may", "last Monday of the month at 9am", _r("2027-05-31T09:00", "FREQ=MONTHLY;BYDAY=-1MO")),
    ("may", "the first Monday of every month at 9am", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "monthly on the first Tuesday at noon", _r("2027-05-04T12:00", "FREQ=MONTHLY;BYDAY=+1TU")),
    ("may", "every month on the first Tuesday at noon", _r("2027-05-04T12:00", "FREQ=MONTHLY;BYDAY=+1TU")),
    ("may", "every first Monday at 9am", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "every last Friday at 4pm", _r("2027-05-28T16:00", "FREQ=MONTHLY;BYDAY=-1FR")),
    ("may", "every month on the 15th at noon", _r("2027-05-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "the 15th of each month at noon", _r("2027-05-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "every month on the last day at 5pm", _r("2027-05-31T17:00", "FREQ=MONTHLY;BYMONTHDAY=-1")),
    ("may", "every 2 months on the 1st at 9am", _r("2027-06-01T09:00", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1")),
    ("may", "every day at 8:15", _r("2027-05-04T08:15", "FREQ=DAILY")),
    ("may", "daily at 8:15", _r("2027-05-04T08:15", "FREQ=DAILY")),
    ("may", "every 3 days at 7am", _r("2027-05-04T07:00", "FREQ=DAILY;INTERVAL=3")),
    ("may", "every weekday at 8:15", _r("2027-05-04T08:15", WORKWEEK)),
    ("may", "weekdays at 8:15", _r("2027-05-04T08:15", WORKWEEK)),
    ("may", "Monday to Friday at 9am", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "from Monday to Friday 9am", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "Monday-Friday 9am", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "every weekday 9am to 9:30am standup", _r("2027-05-04T09:00", WORKWEEK, 30, ("standup",))),
    ("may", "every Monday and Wednesday at 17:00", _r("2027-05-03T17:00", "FREQ=WEEKLY;BYDAY=MO,WE")),
    ("may", "every Monday, Wednesday, and Friday at 3:00 PM", _r("2027-05-03T15:00", "FREQ=WEEKLY;BYDAY=MO,WE,FR")),
    ("may", "Mondays and Wednesdays at 5pm", _r("2027-05-03T17:00", "FREQ=WEEKLY;BYDAY=MO,WE")),
    ("may", "next Monday 4:30pm every week", _r("2027-05-10T16:30", "FREQ=WEEKLY;BYDAY=MO")),
    ("may", "next Tuesday 12:30 weekly Lunch", _r("2027-05-04T12:30", WEEKLY_TU, rest=("Lunch",))),
    ("may", "every Tuesday at 12:30 until June 30", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270630T235959")),
    ("may", "every Tuesday at 12:30 until June 30, 2027", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270630T235959")),
    ("may", "2027-05-04 10:00 every week until 2027-06-29", _r("2027-05-04T10:00", WEEKLY_TU + ";UNTIL=20270629T235959")),
    ("may", "every Tuesday at 12:30 for 6 weeks", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270614T235959")),
    ("may", "every Thursday 3pm for 3 months", _r("2027-05-06T15:00", "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270805T235959")),
    ("may", "every Tuesday at 12:30 10 times", _r("2027-05-04T12:30", WEEKLY_TU + ";COUNT=10")),
    ("may", "every day at 7am for 5 times", _r("2027-05-04T07:00", "FREQ=DAILY;COUNT=5")),
    ("may", "weekly wed 10:00", _r("2027-05-05T10:00", "FREQ=WEEKLY;BYDAY=WE")),
    ("may", "every 2 weeks monday 9am", _r("2027-05-10T09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")),
    ("may", "monthly first tuesday 12:00", _r("2027-05-04T12:00", "FREQ=MONTHLY;BYDAY=+1TU")),
    ("may", "monthly 15th 9:00", _r("2027-05-15T09:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "daily 8:00", _r("2027-05-04T08:00", "FREQ=DAILY")),
    ("may", "tomorrow 3pm to 4:30pm Workshop", _r("2027-05-04T15:00", None, 90, ("Workshop",))),
    ("may", "3pm to 4:30pm tomorrow Workshop", _r("2027-05-04T15:00", None, 90, ("Workshop",))),
    ("may", "tomorrow 12:30-13:30", _r("2027-05-04T12:30", None, 60)),
    ("may", "tomorrow 3-4:30pm", _r("2027-05-04T15:00", None, 90)),
    ("may", "tomorrow from 3pm to 5", _r("2027-05-04T15:00", None, 120)),
    ("may", "tomorrow at 9 for 90 minutes", _r("2027-05-04T09:00", None, 90)),
    ("may", "tomorrow 9am for 2 hours", _r("2027-05-04T09:00", None, 120)),
    ("may", "tomorrow 9am for an hour", _r("2027-05-04T09:00", None, 60)),
    ("may", "tomorrow 9am for 1h30", _r("2027-05-04T09:00", None, 90)),
    ("may", "tomorrow 9am for half an hour", _r("2027-05-04T09:00", None, 30)),
    ("may", "tomorrow at noon for 45 min", _r("2027-05-04T12:00", None, 45)),
    ("may", "at 3pm tomorrow for 1 hour 30 minutes", _r("2027-05-04T15:00", None, 90)),
    ("may", "tomorrow 9am for 90m at Room 204 — Kick-off", _r("2027-05-04T09:00", None, 90, ("at Room 204 — Kick-off",))),
    ("may", "2027-06-01 16:30", _r("2027-06-01T16:30")),
    ("may", "June 1 4:30pm", _r("2027-06-01T16:30")),
    ("may", "June 1st, 2027 at 4:30pm", _r("2027-06-01T16:30")),
    ("may", "1 June 2027 16:30", _r("2027-06-01T16:30")),
    ("may", "the 30th of June at 9am", _r("2027-06-30T09:00")),
    ("may", "13/04/2028 10:00", _r("2028-04-13T10:00")),
    ("may", "Friday 9am", _r("2027-05-07T09:00")),
    ("may", "this Friday 9am", _r("2027-05-07T09:00")),
    ("may", "Monday 9am", _r("2027-05-10T09:00")),
    ("may", "Monday 11am", _r("2027-05-03T11:00")),
    ("may", "Tuesday, May 4 2027 10am", _r("2027-05-04T10:00")),
    ("may", "today 5pm", _r("2027-05-03T17:00")),
    ("may", "tonight 7pm", _r("2027-05-03T19:00")),
    ("may", "day after tomorrow at noon", _r("2027-05-05T12:00")),
    ("may", "in 3 days at 10am", _r("2027-05-06T10:00")),
    ("may", "in 30 minutes", _r("2027-05-03T10:30")),
    ("may", "in 2 hours", _r("2027-05-03T12:00")),
    ("may", "9am", _r("2027-05-04T09:00")),
    ("may", "11am", _r("2027-05-03T11:00")),
    ("may", "tomorrow midnight", _r("2027-05-04T00:00")),
    ("may", "every Tuesday at 1pm America/Vancouver", _r("2027-05-04T13:00", WEEKLY_TU, zone="America/Vancouver")),
    ("may", "tomorrow 9am UTC", _r("2027-05-04T09:00", zone="UTC")),
    ("may", "tomorrow 10am at Room 204 Kick-off", _r("2027-05-04T10:00", rest=("at Room 204 Kick-off",))),
    ("may", "Sun salutation tomorrow 7am", _r("2027-05-04T07:00", rest=("Sun salutation",))),
    ("may", '"Monday Motivation" tomorrow 7am', _r("2027-05-04T07:00", rest=("Monday Motivation",))),
    # questions
    ("may", "every 2nd Tuesday at 10am", Q(TWO_THINGS, (("2027-05-11T10:00", "FREQ=MONTHLY;BYDAY=+2TU"), ("2027-05-04T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")))),
    ("may", "every second Tuesday at 10am", Q(TWO_THINGS, (("2027-05-11T10:00", "FREQ=MONTHLY;BYDAY=+2TU"), ("2027-05-04T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")))),
    ("may", "03/04/2028 10:00", Q(TWO_WAYS, (("2028-04-03T10:00", None), ("2028-03-04T10:00", None)))),
    ("may", "5/6 9am", Q(TWO_WAYS, (("2027-06-05T09:00", None), ("2027-05-06T09:00", None)))),
    ("may", "every month on the 31st at 10am", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=31")))),
    ("may", "every month on the 30th at 10am", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-30T10:00", "FREQ=MONTHLY;BYMONTHDAY=30")))),
    ("may", "every month on the 29th at 10am", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-29T10:00", "FREQ=MONTHLY;BYMONTHDAY=29")))),
    ("may", "2027-05-31 10:00 every month", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=31")))),
    ("may", "tomorrow 3pm Tuesday", Q(UNUSED, (("2027-05-04T15:00", None), ("2027-05-04T15:00", None)))),
    ("may", "every Tuesday at 12:30 Weekly sync", Q(UNUSED, (("2027-05-04T12:30", WEEKLY_TU), ("2027-05-04T12:30", WEEKLY_TU)))),
    ("may", "tomorrow 3pm 4pm Workshop", Q(UNUSED, (("2027-05-04T15:00", None), ("2027-05-04T15:00", None)))),
    ("may", "every Tuesday 12:30 daily", Q(UNUSED, (("2027-05-04T12:30", WEEKLY_TU), ("2027-05-04T12:30", WEEKLY_TU)))),
    ("may", "Last Friday review tomorrow 3pm", Q(UNUSED, (("2027-05-04T15:00", None), ("2027-05-04T15:00", None)))),
    # refusals
    ("may", "2027-02-30 10:00", E("not a date on the calendar")),
    ("may", "2027-13-01 10:00", E("not a date on the calendar")),
    ("may", "yesterday 9am", E("already passed")),
    ("may", "2020-01-01 10:00", E("already passed")),
    ("may", "today 9am", E("already passed")),
    ("may", "25:00 tomorrow", E("not a time of day")),
    ("may", "13pm tomorrow", E("not a time of day")),
    ("may", "flibber jabber wocky", E("couldn't find a time")),
    ("may", "x" * 5000, E("too long")),
    ("may", "tomorrow", E("At what time")),
    ("may", "every week at 10am", E("Which day of the week")),
    ("may", "every Tuesday", E("At what time")),
    ("may", "tomorrow 3pm to 2pm", E("is not after the start")),
    ("may", "tomorrow 9am for 25 hours", E("between 1 minute and 24 hours")),
    ("may", "every 0 weeks on Monday 9am", E("Repeat at most every")),
    ("may", "every Tuesday 10am until 2027-01-01", E("before it starts")),
    ("may", "tomorrow 3pm until June 30", E("need a repeat")),
    ("may", "Tuesday, May 12 2027 10am", E("does not fall on")),
    ("may", "tomorrow 9am Mars/Base", E("not a time zone")),
    ("may", "every month at 10am", E("Which day of the month")),
]

FRENCH = [
    ("may", "chaque mardi à 12 h 30 Dîner causerie", _r("2027-05-04T12:30", WEEKLY_TU, rest=("Dîner causerie",))),
    ("may", "chaque mardi 12h30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "tous les mardis à 12 h 30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "les mardis à 12 h 30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "mardis 12h30", _r("2027-05-04T12:30", WEEKLY_TU)),
    ("may", "un jeudi sur deux à 15 h", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "toutes les deux semaines le jeudi à 15 h", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "toutes les 2 semaines le jeudi à 15h", _r("2027-05-06T15:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH")),
    ("may", "une semaine sur deux le vendredi à 14 h", _r("2027-05-07T14:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR")),
    ("may", "le premier lundi du mois à 9 h", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "le deuxième mardi du mois à 9 h", _r("2027-05-11T09:00", "FREQ=MONTHLY;BYDAY=+2TU")),
    ("may", "le 2e mardi du mois à 9 h", _r("2027-05-11T09:00", "FREQ=MONTHLY;BYDAY=+2TU")),
    ("may", "le dernier vendredi du mois à 16 h", _r("2027-05-28T16:00", "FREQ=MONTHLY;BYDAY=-1FR")),
    ("may", "le premier lundi de chaque mois à 9h", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "chaque mois le premier lundi à 9 h", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "chaque premier lundi à 9 h", _r("2027-06-07T09:00", "FREQ=MONTHLY;BYDAY=+1MO")),
    ("may", "chaque dernier vendredi à 16 h", _r("2027-05-28T16:00", "FREQ=MONTHLY;BYDAY=-1FR")),
    ("may", "chaque mois premier mardi 12h", _r("2027-05-04T12:00", "FREQ=MONTHLY;BYDAY=+1TU")),
    ("may", "tous les jours à 8 h 15", _r("2027-05-04T08:15", "FREQ=DAILY")),
    ("may", "chaque jour à 8h15", _r("2027-05-04T08:15", "FREQ=DAILY")),
    ("may", "quotidiennement à 7 h", _r("2027-05-04T07:00", "FREQ=DAILY")),
    ("may", "tous les 3 jours à 7 h", _r("2027-05-04T07:00", "FREQ=DAILY;INTERVAL=3")),
    ("may", "du lundi au vendredi à 9 h", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "lundi au vendredi 9 h", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "en semaine à 9 h", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "tous les jours ouvrables à 9 h", _r("2027-05-04T09:00", WORKWEEK)),
    ("may", "le 15 de chaque mois à midi", _r("2027-05-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "le 15 du mois à midi", _r("2027-05-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "chaque mois le 15 à midi", _r("2027-05-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "tous les mois le 15 à 9 h", _r("2027-05-15T09:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "mensuel le 15 à 9 h", _r("2027-05-15T09:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("may", "le dernier jour du mois à 17 h", _r("2027-05-31T17:00", "FREQ=MONTHLY;BYMONTHDAY=-1")),
    ("may", "tous les 2 mois le 1er à 9 h", _r("2027-06-01T09:00", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1")),
    ("may", "chaque lundi et mercredi à 17 h", _r("2027-05-03T17:00", "FREQ=WEEKLY;BYDAY=MO,WE")),
    ("may", "les lundis et mercredis à 17 h", _r("2027-05-03T17:00", "FREQ=WEEKLY;BYDAY=MO,WE")),
    ("may", "chaque mardi à 12 h 30 jusqu'au 30 juin", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270630T235959")),
    ("may", "chaque mardi à 12 h 30 jusqu’au 30 juin 2027", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270630T235959")),
    ("may", "chaque mardi à 12 h 30 pendant 6 semaines", _r("2027-05-04T12:30", WEEKLY_TU + ";UNTIL=20270614T235959")),
    ("may", "chaque jeudi 15 h pendant 3 mois", _r("2027-05-06T15:00", "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270805T235959")),
    ("may", "chaque mardi à 12 h 30, 10 fois", _r("2027-05-04T12:30", WEEKLY_TU + ";COUNT=10")),
    ("may", "chaque jour à 7 h, 5 fois", _r("2027-05-04T07:00", "FREQ=DAILY;COUNT=5")),
    ("may", "chaque semaine mercredi 10h", _r("2027-05-05T10:00", "FREQ=WEEKLY;BYDAY=WE")),
    ("may", "hebdomadaire mercredi 10 h", _r("2027-05-05T10:00", "FREQ=WEEKLY;BYDAY=WE")),
    ("may", "toutes les 2 semaines lundi 9h", _r("2027-05-10T09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO")),
    ("may", "demain de 15 h à 16 h 30 Atelier", _r("2027-05-04T15:00", None, 90, ("Atelier",))),
    ("may", "demain 15h-16h30", _r("2027-05-04T15:00", None, 90)),
    ("may", "chaque mardi de 12 h à 13 h", _r("2027-05-04T12:00", WEEKLY_TU, 60)),
    ("may", "tous les jours de 8 h à 8 h 30", _r("2027-05-04T08:00", "FREQ=DAILY", 30)),
    ("may", "demain à 9 h pendant 1 h 30", _r("2027-05-04T09:00", None, 90)),
    ("may", "demain 9h pendant 90 minutes", _r("2027-05-04T09:00", None, 90)),
    ("may", "demain 9 h pendant une heure", _r("2027-05-04T09:00", None, 60)),
    ("may", "demain 9 h pendant 2 heures", _r("2027-05-04T09:00", None, 120)),
    ("may", "demain 9 h pendant une demi-heure", _r("2027-05-04T09:00", None, 30)),
    ("may", "demain à midi", _r("2027-05-04T12:00")),
    ("may", "à 9 h demain", _r("2027-05-04T09:00")),
    ("may", "demain à minuit", _r("2027-05-04T00:00")),
    ("may", "lundi prochain 16 h 30 chaque semaine", _r("2027-05-10T16:30", "FREQ=WEEKLY;BYDAY=MO")),
    ("may", "mardi prochain 12 h 30", _r("2027-05-04T12:30")),
    ("may", "mardi prochain à 12 h 30 hebdomadaire Dîner", _r("2027-05-04T12:30", WEEKLY_TU, rest=("Dîner",))),
    ("may", "vendredi 9 h", _r("2027-05-07T09:00")),
    ("may", "ce vendredi à 9 h", _r("2027-05-07T09:00")),
    ("may", "le mardi 4 mai 2027 à 10 h", _r("2027-05-04T10:00")),
    ("may", "le 1er juin à 16 h 30", _r("2027-06-01T16:30")),
    ("may", "1er juin 2027 16h30", _r("2027-06-01T16:30")),
    ("may", "30 juin 2027 à 9 h", _r("2027-06-30T09:00")),
    ("may", "le 30 juin à 9 h", _r("2027-06-30T09:00")),
    ("may", "2027-06-01 à 16 h 30", _r("2027-06-01T16:30")),
    ("may", "aujourd'hui 17 h", _r("2027-05-03T17:00")),
    ("may", "ce soir 19 h", _r("2027-05-03T19:00")),
    ("may", "après-demain à midi", _r("2027-05-05T12:00")),
    ("may", "dans 3 jours à 10 h", _r("2027-05-06T10:00")),
    ("may", "dans 30 minutes", _r("2027-05-03T10:30")),
    ("may", "dans 2 heures", _r("2027-05-03T12:00")),
    ("may", "9 h", _r("2027-05-04T09:00")),
    ("may", "11 h", _r("2027-05-03T11:00")),
    ("may", "chaque mardi à 13 h America/Vancouver", _r("2027-05-04T13:00", WEEKLY_TU, zone="America/Vancouver")),
    ("may", "demain 10 h à la salle 204 Lancement", _r("2027-05-04T10:00", rest=("à la salle 204 Lancement",))),
    ("may", "Jeu de rôle demain 10 h", _r("2027-05-04T10:00", rest=("Jeu de rôle",))),
    # questions
    ("may", "chaque deuxième mardi à 10 h", Q(TWO_THINGS, (("2027-05-11T10:00", "FREQ=MONTHLY;BYDAY=+2TU"), ("2027-05-04T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")))),
    ("may", "tous les 2e mardis à 10 h", Q(TWO_THINGS, (("2027-05-11T10:00", "FREQ=MONTHLY;BYDAY=+2TU"), ("2027-05-04T10:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")))),
    ("may", "03/04/2028 à 10 h", Q(TWO_WAYS, (("2028-04-03T10:00", None), ("2028-03-04T10:00", None)))),
    ("may", "le 31 de chaque mois à 10 h", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=31")))),
    ("may", "le 30 de chaque mois à 10 h", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-30T10:00", "FREQ=MONTHLY;BYMONTHDAY=30")))),
    ("may", "2027-05-31 10 h chaque mois", Q(SOME_MONTHS, (("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=-1"), ("2027-05-31T10:00", "FREQ=MONTHLY;BYMONTHDAY=31")))),
    ("may", "demain 15 h mardi", Q(UNUSED, (("2027-05-04T15:00", None), ("2027-05-04T15:00", None)))),
    ("may", "chaque mardi à 12 h 30 Hebdo de l'équipe", Q(UNUSED, (("2027-05-04T12:30", WEEKLY_TU), ("2027-05-04T12:30", WEEKLY_TU)))),
    ("may", "demain 15 h 16 h Atelier", Q(UNUSED, (("2027-05-04T15:00", None), ("2027-05-04T15:00", None)))),
    # refusals
    ("may", "2027-02-30 10 h", E("not a date on the calendar")),
    ("may", "30 février 2028 à 10 h", E("not a date on the calendar")),
    ("may", "hier 9 h", E("already passed")),
    ("may", "aujourd'hui 9 h", E("already passed")),
    ("may", "25 h demain", E("not a time of day")),
    ("may", "n'importe quoi", E("couldn't find a time")),
    ("may", "demain", E("At what time")),
    ("may", "chaque semaine à 10 h", E("Which day of the week")),
    ("may", "demain de 15 h à 14 h", E("is not after the start")),
    ("may", "chaque mardi 10 h jusqu'au 2027-01-01", E("before it starts")),
    ("may", "demain 15 h jusqu'au 30 juin", E("need a repeat")),
    ("may", "le lundi 4 mai 2027 à 10 h", E("does not fall on")),
    ("may", "demain 9 h pendant 30 heures", E("between 1 minute and 24 hours")),
    ("may", "tous les mois à 10 h", E("Which day of the month")),
]

SEASONS = [
    # the night clocks spring forward in Toronto
    ("march", "every day at 9am", _r("2027-03-14T09:00", "FREQ=DAILY")),
    ("march", "tous les jours à 9 h", _r("2027-03-14T09:00", "FREQ=DAILY")),
    ("march", "tomorrow 9am", _r("2027-03-14T09:00")),
    ("march", "every Sunday at 10am", _r("2027-03-14T10:00", "FREQ=WEEKLY;BYDAY=SU")),
    ("march", "le 14 mars à 10 h", _r("2027-03-14T10:00")),
    ("march", "March 14 10am", _r("2027-03-14T10:00")),
    ("march", "in 24 hours", _r("2027-03-14T13:00")),
    ("march", "dans 24 heures", _r("2027-03-14T13:00")),
    ("march", "tomorrow 2:30am", E("does not exist")),
    ("march", "demain 2 h 30", E("does not exist")),
    # the night clocks fall back in Toronto: 01:30 happens twice, the first is meant
    ("november", "tomorrow 1:30am", _r("2027-11-07T01:30")),
    ("november", "demain 1 h 30", _r("2027-11-07T01:30")),
    ("november", "in 24 hours", _r("2027-11-07T11:00")),
    ("november", "dans 24 heures", _r("2027-11-07T11:00")),
    ("november", "every day at 1:30am", _r("2027-11-07T01:30", "FREQ=DAILY")),
    ("november", "tous les jours à 1 h 30", _r("2027-11-07T01:30", "FREQ=DAILY")),
    ("november", "next Sunday 10am every week", _r("2027-11-07T10:00", "FREQ=WEEKLY;BYDAY=SU")),
    ("november", "dimanche prochain 10 h chaque semaine", _r("2027-11-07T10:00", "FREQ=WEEKLY;BYDAY=SU")),
    ("november", "every month on the first Sunday at 9am", _r("2027-11-07T09:00", "FREQ=MONTHLY;BYDAY=+1SU")),
    ("november", "le premier dimanche du mois à 9 h", _r("2027-11-07T09:00", "FREQ=MONTHLY;BYDAY=+1SU")),
    # Paris springs forward two weeks later than Toronto
    ("paris", "demain 2 h 30 Europe/Paris", E("does not exist")),
    ("paris", "dans 24 heures Europe/Paris", _r("2027-03-28T13:00", zone="Europe/Paris")),
    # the year turns
    ("newyear", "January 5 9am", _r("2028-01-05T09:00")),
    ("newyear", "le 5 janvier à 9 h", _r("2028-01-05T09:00")),
    ("newyear", "every month on the 15th at noon", _r("2028-01-15T12:00", "FREQ=MONTHLY;BYMONTHDAY=15")),
    ("newyear", "February 29 10am", _r("2028-02-29T10:00")),
    ("newyear", "le 29 février à 10 h", _r("2028-02-29T10:00")),
    ("newyear", "every Tuesday at 12:30 until June 30", _r("2028-01-04T12:30", WEEKLY_TU + ";UNTIL=20280630T235959")),
    ("newyear", "chaque mardi à 12 h 30 jusqu'au 30 juin", _r("2028-01-04T12:30", WEEKLY_TU + ";UNTIL=20280630T235959")),
    ("newyear", "12/31 3pm", _r("2027-12-31T15:00")),
]

# fmt: on
TABLE = ENGLISH + FRENCH + SEASONS


def test_the_table_is_large_and_half_french() -> None:
    assert len(TABLE) >= 150
    assert len(FRENCH) >= 0.4 * len(TABLE)


def _check_reading(reading: Reading | Question, expected: R, text: str) -> None:
    assert isinstance(reading, Reading), f"{text!r} asked {reading}"
    got = (reading.start_local, reading.rule.rrule if reading.rule else None,
           reading.duration, reading.rest, reading.zone)  # fmt: skip
    assert got == (expected.start, expected.rrule, expected.duration, expected.rest, expected.zone)


@pytest.mark.parametrize(
    ("clock", "text", "expected"),
    [row for row in TABLE if not isinstance(row[2], E) or row[2].says],
)
def test_phrasing(clock: str, text: str, expected: R | Q | E) -> None:
    now = CLOCKS[clock]
    zone = "Europe/Paris" if clock == "paris" else TORONTO
    if isinstance(expected, E):
        with pytest.raises(UserError) as refused:
            read(text, now, zone)
        assert expected.says in refused.value.key
        return
    result = read(text, now, zone)
    if isinstance(expected, R):
        _check_reading(result, expected, text)
        return
    assert isinstance(result, Question), f"{text!r} did not ask: {result}"
    assert expected.asks in result.msgid
    assert len(result.options) == len(expected.answers)
    for option, (start, rrule) in zip(result.options, expected.answers, strict=True):
        answered = read(option.text, now, zone)
        assert isinstance(answered, Reading), f"answer {option.text!r} asked again: {answered}"
        assert answered.start_local == start, option.text
        assert (answered.rule.rrule if answered.rule else None) == rrule, option.text


def test_an_unused_word_kept_as_title_stays_in_the_title() -> None:
    now = CLOCKS["may"]
    asked = read("every Tuesday at 12:30 Weekly sync", now, TORONTO)
    assert isinstance(asked, Question)
    keep, drop = asked.options
    kept = read(keep.text, now, TORONTO)
    dropped = read(drop.text, now, TORONTO)
    assert isinstance(kept, Reading) and isinstance(dropped, Reading)
    assert kept.rest_text == "Weekly sync"
    assert dropped.rest_text == "sync"
