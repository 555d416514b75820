"""Meetings: schedule (one-off or recurring), list, RSVP, cancel, move, agenda.

A meeting keeps its local start and IANA zone plus an RRULE (``bot.kernel.recurrence``); its
occurrences are computed, and an ``Occurrence`` row is made only when something hangs
off one. The announcement and reminders are sent by the scheduler's meetings planner,
which reads the same tables: nothing here has to tell the scheduler anything.
"""

from __future__ import annotations

import difflib
import secrets
import shlex
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import Translator
from bot.kernel.lookups import (
    community_language,
    find_community,
    my_communities,
    require_coordinator,
    require_member,
)
from bot.kernel.messages import (
    BulletList,
    Choice,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
)
from bot.kernel.recurrence import (
    LOCAL_FORMAT,
    AmbiguousRecurrence,
    first_local_instance,
    fold,
    next_instant,
    parse_day,
    parse_when,
    validate_rrule,
)
from bot.kernel.registry import Arg, command
from bot.kernel.settings import Settings
from bot.meetings.details import parse_details
from bot.meetings.native_events import MeetingEvent, sync_native_event
from bot.meetings.posts import (
    RSVP_ACTION,
    cancelled_message,
    local_text,
    moved_message,
    occurrence_block,
    recurrence_words,
)
from bot.meetings.query import (
    Upcoming,
    community_id_of,
    is_number,
    occurrence_at,
    occurrences_between,
    parse_occurrence_key,
    upcoming_of,
)
from data.models import AgendaItem, Community, Meeting, Member, Occurrence, Rsvp, Workspace

TEXTS = {
    "help.meeting schedule": (
        "Schedule a meeting, once or recurring, in your time zone",
        "Planifier une rencontre, unique ou récurrente, dans votre fuseau horaire",
    ),
    "help.meetings": (
        "Upcoming meetings, in your own time zone, with RSVP buttons and a calendar link",
        "Les prochaines rencontres, dans votre fuseau, avec boutons de réponse et lien d'agenda",
    ),
    "help.rsvp": (
        "Say whether you're coming to a meeting's next occurrence",
        "Dire si vous venez à la prochaine occurrence d'une rencontre",
    ),
    "help.meeting cancel": (
        "Cancel one occurrence of a meeting, or the whole series",
        "Annuler une occurrence d'une rencontre, ou toute la série",
    ),
    "help.meeting move": (
        "Move one occurrence of a meeting to another time",
        "Déplacer une occurrence d'une rencontre à un autre moment",
    ),
    "help.agenda": (
        "Add an item to the agenda of a meeting's next occurrence",
        "Ajouter un point à l'ordre du jour de la prochaine occurrence d'une rencontre",
    ),
    # ---- reading times and recurrences
    "when.unreadable": (
        "I couldn't read “{text}” as a time. Try “next Monday 4:30pm”, “tomorrow 9am” or "
        "“2027-05-29 16:30”.",
        "Je n'ai pas compris « {text} » comme une date. Essayez « lundi prochain 16h30 », "
        "« demain 9h » ou « 2027-05-29 16:30 ».",
    ),
    "when.no_time": (
        "“{text}” has a day but no time of day. Add one, e.g. “{text} 4:30pm”.",
        "« {text} » donne un jour mais pas d'heure. Ajoutez-en une, p. ex. « {text} 16h30 ».",
    ),
    "when.past": (
        "{when} ({zone}) has already passed. Give a time in the future.",
        "{when} ({zone}) est déjà passé. Indiquez un moment à venir.",
    ),
    "recurrence.unknown": (
        "I don't understand the repetition “{phrase}”. Try “every week”, “every 2 weeks”, "
        "“every weekday” or “every month on the last Monday”.",
        "Je ne comprends pas la répétition « {phrase} ». Essayez « chaque semaine », "
        "« toutes les 2 semaines », « en semaine » ou « chaque mois le dernier lundi ».",
    ),
    "recurrence.never": (
        "The repetition “{phrase}” never happens after the start.",
        "La répétition « {phrase} » ne se produit jamais après le début.",
    ),
    "recurrence.ambiguous": (
        "“{phrase}” can mean two things. Write “{monthly}” for that day of each month, "
        "or “{biweekly}” to repeat every few weeks.",
        "« {phrase} » peut vouloir dire deux choses. Écrivez « {monthly} » pour ce jour de "
        "chaque mois, ou « {biweekly} » pour revenir toutes les quelques semaines.",
    ),
    "recurrence.once": ("once", "une seule fois"),
    "recurrence.daily": ("every day", "chaque jour"),
    "recurrence.daily_n": ("every {n} days", "tous les {n} jours"),
    "recurrence.weekly": ("every week", "chaque semaine"),
    "recurrence.weekly_n": ("every {n} weeks", "toutes les {n} semaines"),
    "recurrence.monthly": ("every month", "chaque mois"),
    "recurrence.monthly_n": ("every {n} months", "tous les {n} mois"),
    "recurrence.yearly": ("every year", "chaque année"),
    "recurrence.yearly_n": ("every {n} years", "tous les {n} ans"),
    "recurrence.custom": ("repeating ({rule})", "répétée ({rule})"),
    "recurrence.custom_n": ("repeating ({rule})", "répétée ({rule})"),
    "recurrence.weekdays": ("every weekday", "chaque jour de semaine"),
    "recurrence.on": ("on {days}", "le {days}"),
    "recurrence.ordinal1": ("the first {day}", "premier {day}"),
    "recurrence.ordinal2": ("the second {day}", "deuxième {day}"),
    "recurrence.ordinal3": ("the third {day}", "troisième {day}"),
    "recurrence.ordinal4": ("the fourth {day}", "quatrième {day}"),
    "recurrence.ordinal5": ("the fifth {day}", "cinquième {day}"),
    "recurrence.ordinal-1": ("the last {day}", "dernier {day}"),
    # ---- scheduling
    "meeting.default_title": ("{community} meeting", "Rencontre {community}"),
    "meeting.bad_duration": (
        "A meeting lasts between 1 minute and 24 hours, e.g. “for 90m” or “for 1h30”.",
        "Une rencontre dure entre 1 minute et 24 heures, p. ex. « pendant 90m » ou "
        "« pendant 1h30 ».",
    ),
    "meeting.too_long": (
        "That {name} is too long (at most {limit} characters).",
        "Ce champ {name} est trop long ({limit} caractères au plus).",
    ),
    "meeting.scheduled": (
        "Scheduled “{title}” for {community} (#{number}).",
        "Rencontre « {title} » planifiée pour {community} (n° {number}).",
    ),
    "meeting.understood": ("I understood: {when}", "J'ai compris : {when}"),
    "meeting.repeats": (
        "Repeats: {rule}. Next: {dates}",
        "Répétition : {rule}. Prochaines : {dates}",
    ),
    "meeting.wrong_time": (
        "Not what you meant? `meeting cancel {number} all`, then schedule it again.",
        "Ce n'est pas ça ? `meeting cancel {number} all`, puis planifiez-la de nouveau.",
    ),
    "meeting.no_channel": (
        "“{community}” has no home channel, so no announcement or channel reminder will be "
        "posted. Run `community bind {community}` in its channel.",
        "« {community} » n'a pas de canal d'attache : ni annonce ni rappel n'y seront publiés. "
        "Lancez `community bind {community}` dans son canal.",
    ),
    # ---- listing
    "meetings.title": ("Upcoming meetings", "Prochaines rencontres"),
    "meetings.none": (
        "No meetings coming up. Coordinators can add one: `meeting schedule <community> next "
        "Monday 4:30pm every week`",
        "Aucune rencontre à venir. Les coordonnateurs peuvent en ajouter : `meeting schedule "
        "<communauté> lundi prochain 16h30 chaque semaine`",
    ),
    "meetings.calendar": ("Calendar of {community}: {link}", "Agenda de {community} : {link}"),
    "meetings.calendar_link": ("subscribe (.ics)", "s'abonner (.ics)"),
    "meetings.calendar_cli": (
        "Calendar of {community}: the operator can export it with `copbot calendar {argument}`.",
        "Agenda de {community} : l'exploitant peut l'exporter avec `copbot calendar {argument}`.",
    ),
    "meeting.counts": ("{going} going, {maybe} maybe", "présents : {going}, peut-être : {maybe}"),
    "meeting.moved_from": ("moved from {when}", "déplacée depuis {when}"),
    "meeting.agenda_heading": ("Agenda:", "Ordre du jour :"),
    "meeting.announcement_heading": ("Upcoming meeting", "Rencontre à venir"),
    "meeting.thread_hint": (
        "Reply in this thread with agenda ideas before, and notes during the meeting.",
        "Répondez dans ce fil : idées d'ordre du jour avant, notes pendant la rencontre.",
    ),
    "meeting.reminder": (
        "Reminder: {title} ({community}) starts {soon}.",
        "Rappel : {title} ({community}) commence {soon}.",
    ),
    "scheduled.fallback_dm": (
        "I couldn't send you this privately, so here it is:",
        "je n'ai pas pu vous l'envoyer en privé, alors le voici :",
    ),
    # ---- RSVP
    "rsvp.button.going": ("Going", "J'y serai"),
    "rsvp.button.maybe": ("Maybe", "Peut-être"),
    "rsvp.button.no": ("Can't come", "Absent"),
    "rsvp.done.going": (
        "You're going to “{title}” on {when}. I'll remind you by direct message.",
        "Vous serez à « {title} » le {when}. Je vous le rappellerai en message privé.",
    ),
    "rsvp.done.maybe": (
        "Noted as maybe for “{title}” on {when}. I'll remind you by direct message.",
        "Noté : vous viendrez peut-être à « {title} » le {when}. Je vous le rappellerai en "
        "message privé.",
    ),
    "rsvp.done.no": (
        "Noted: you can't come to “{title}” on {when}. No reminders for you.",
        "Noté : vous ne viendrez pas à « {title} » le {when}. Pas de rappel pour vous.",
    ),
    "rsvp.cancelled": (
        "That occurrence of “{title}” ({when}) is cancelled: there is nothing to answer.",
        "Cette occurrence de « {title} » ({when}) est annulée : il n'y a rien à répondre.",
    ),
    "rsvp.started": (
        "That occurrence of “{title}” has already started.",
        "Cette occurrence de « {title} » a déjà commencé.",
    ),
    "rsvp.bad_status": (
        "Answer with going, maybe or no: `rsvp <meeting> going`.",
        "Répondez going, maybe ou no : `rsvp <rencontre> going`.",
    ),
    # ---- finding meetings
    "meeting.unknown": (
        "There is no meeting “{name}”. Type `meetings` to see them with their numbers.",
        "Il n'y a pas de rencontre « {name} ». Tapez `meetings` pour les voir avec leur numéro.",
    ),
    "meeting.unknown_suggest": (
        "There is no meeting “{name}”. Did you mean: {options}?",
        "Il n'y a pas de rencontre « {name} ». Vouliez-vous dire : {options} ?",
    ),
    "meeting.which": (
        "Several meetings are called “{name}”: {options}. Use its number, e.g. `#12`.",
        "Plusieurs rencontres s'appellent « {name} » : {options}. Utilisez son numéro, "
        "p. ex. `#12`.",
    ),
    "meeting.no_upcoming": (
        "“{title}” has no upcoming occurrence.",
        "« {title} » n'a pas d'occurrence à venir.",
    ),
    "meeting.series_cancelled": (
        "“{title}” has been cancelled.",
        "« {title} » a été annulée.",
    ),
    "meeting.no_occurrence_on": (
        "“{title}” has no occurrence on {day}. Next ones: {dates}.",
        "« {title} » n'a pas d'occurrence le {day}. Prochaines : {dates}.",
    ),
    "meeting.which_occurrence": (
        "“{title}” repeats: say which date, or `all` for the series. Next ones: {dates}.",
        "« {title} » se répète : indiquez la date, ou `all` pour toute la série. Prochaines : "
        "{dates}.",
    ),
    "meeting.bad_date": (
        "I couldn't read “{text}” as a date. Use e.g. “2027-05-29” or “May 29”.",
        "Je n'ai pas compris « {text} » comme une date. Utilisez p. ex. « 2027-05-29 » ou "
        "« 29 mai ».",
    ),
    # ---- cancel / move / agenda
    "meeting.cancelled_one": (
        "Cancelled “{title}” on {when}. I told {count} member(s) who had answered.",
        "« {title} » du {when} est annulée. Membres prévenus (ceux qui avaient répondu) : {count}.",
    ),
    "meeting.cancelled_all": (
        "Cancelled the whole series “{title}”. I told {count} member(s) who had answered.",
        "Toute la série « {title} » est annulée. Membres prévenus (ceux qui "
        "avaient répondu) : {count}.",
    ),
    "meeting.already_cancelled": (
        "That occurrence of “{title}” is already cancelled.",
        "Cette occurrence de « {title} » est déjà annulée.",
    ),
    "meeting.cancelled_notice": (
        "{title} on {when} is cancelled.",
        "{title} du {when} est annulée.",
    ),
    "meeting.cancelled_series_notice": (
        "{title} is cancelled (the whole series; next would have been {when}).",
        "{title} est annulée (toute la série ; la prochaine aurait eu lieu le {when}).",
    ),
    "meeting.move_usage": (
        "Say what to move and where: `meeting move <meeting> <date> to <new time>`, e.g. "
        "`meeting move 12 2027-05-31 to 2027-06-01 16:30`.",
        "Indiquez quoi déplacer et où : `meeting move <rencontre> <date> to <nouvelle heure>`, "
        "p. ex. `meeting move 12 2027-05-31 to 2027-06-01 16:30`.",
    ),
    "meeting.moved": (
        "Moved “{title}” from {old} to {new}. I told {count} member(s) who had answered.",
        "« {title} » est déplacée du {old} au {new}. Membres prévenus (ceux qui "
        "avaient répondu) : {count}.",
    ),
    "meeting.moved_notice": (
        "{title} has moved: it was {old}, it is now {new}.",
        "{title} est déplacée : c'était le {old}, c'est maintenant le {new}.",
    ),
    "meeting.move_cancelled": (
        "That occurrence of “{title}” is cancelled; schedule a new meeting instead.",
        "Cette occurrence de « {title} » est annulée ; planifiez plutôt une nouvelle rencontre.",
    ),
    "meeting.blocked_notice": (
        "I couldn't reach you privately: see the notice above.",
        "je n'ai pas pu vous joindre en privé : voyez l'avis ci-dessus.",
    ),
    "agenda.added": (
        "Added to the agenda of “{title}” on {when}:",
        "Ajouté à l'ordre du jour de « {title} » du {when} :",
    ),
    "agenda.empty_item": (
        "Say what to add: `agenda <meeting> <item>`.",
        "Indiquez quoi ajouter : `agenda <rencontre> <point>`.",
    ),
    "agenda.posted": (
        "Agenda item from {member}: {item}",
        "Point à l'ordre du jour de {member} : {item}",
    ),
}

ALL_WORDS = ("all", "series", "tout", "toutes", "tous", "série", "serie")
MOVE_WORDS = (" to ", " -> ", " → ", " vers ")
MAX_TITLE, MAX_LOCATION = 200, 500
LISTED = 10
PER_MEETING = 3

MeetingArg = Annotated[
    str,
    Arg(
        "the meeting (title or number)",
        "la rencontre (titre ou numéro)",
        kind="meeting",
        max_length=200,
    ),
]


# ---- finding a meeting -----------------------------------------------------------------


def _label(meeting: Meeting, community_name: str) -> str:
    return f"#{meeting.id} {meeting.title} ({community_name})"


async def _labels(meetings: list[Meeting]) -> str:
    ids = [community_id_of(m) for m in meetings]
    names = {c.id: c.name for c in await Community.filter(id__in=ids)}
    return ", ".join(_label(m, names.get(community_id_of(m), "")) for m in meetings[:5])


async def find_meeting(ctx: Ctx, reference: str) -> tuple[Meeting, datetime | None]:
    """A meeting of this workspace by number (``12``, ``#12``), occurrence key
    (``12@20270529T2330Z``, as on buttons) or title; with the occurrence when the key
    names one."""
    text = reference.strip()
    in_workspace = Meeting.filter(community__workspace=ctx.workspace)
    key = parse_occurrence_key(text)
    number = text.lstrip("#")
    if key is not None or is_number(number):
        meeting_id = key[0] if key else int(number)
        found = await in_workspace.filter(id=meeting_id).first()
        if found is None:
            raise NotFound("meeting.unknown", name=text[:60])
        return found, key[1] if key else None
    exact = await in_workspace.filter(title__iexact=text).order_by("cancelled", "-id")
    if not exact:
        exact = await in_workspace.filter(title__icontains=text, cancelled=False).order_by("-id")
    live = [m for m in exact if not m.cancelled] or exact
    if len(live) > 1:
        mine = {c.id for c in await my_communities(ctx)}
        live = [m for m in live if community_id_of(m) in mine] or live
    if len(live) == 1:
        return live[0], None
    if len(live) > 1:
        raise UserError("meeting.which", name=text[:60], options=await _labels(live))
    titles = await in_workspace.filter(cancelled=False).limit(500).values_list("title", flat=True)
    close = difflib.get_close_matches(fold(text), [fold(str(t)) for t in titles], n=3, cutoff=0.5)
    if close:
        originals = [str(t) for t in titles if fold(str(t)) in close][:3]
        raise NotFound("meeting.unknown_suggest", name=text[:60], options=", ".join(originals))
    raise NotFound("meeting.unknown", name=text[:60])


async def _find_with_rest(
    ctx: Ctx, meeting: str, rest: str | None
) -> tuple[Meeting, datetime | None, str]:
    """``meeting`` and ``rest`` as the parser split them; an unquoted title of several
    words ("Python hour 2027-05-29") is re-split at the longest title that exists."""
    try:
        found, original = await find_meeting(ctx, meeting)
        return found, original, (rest or "").strip()
    except NotFound as first_error:
        words = (meeting + " " + (rest or "")).split()
        for size in range(len(words), 0, -1):
            title = " ".join(words[:size])
            match = (
                await Meeting.filter(community__workspace=ctx.workspace, title__iexact=title)
                .order_by("cancelled", "-id")
                .first()
            )
            if match is not None:
                return match, None, " ".join(words[size:])
        raise first_error


async def _community_of(meeting: Meeting) -> Community:
    return await Community.get(id=community_id_of(meeting))


async def _occurrence_row(item: Upcoming) -> Occurrence:
    if item.occurrence is not None:
        return item.occurrence
    row, _ = await Occurrence.get_or_create(
        meeting=item.meeting,
        original_start=item.original_start,
        defaults={"starts_at": item.starts_at},
    )
    return row


async def _next_of(ctx: Ctx, meeting: Meeting) -> Upcoming:
    if meeting.cancelled:
        raise UserError("meeting.series_cancelled", title=meeting.title)
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=1)
    if not upcoming:
        raise UserError("meeting.no_upcoming", title=meeting.title)
    return upcoming[0]


def _when(ctx: Ctx, instant: datetime) -> str:
    return local_text(instant, ctx.timezone, ctx.language)


async def _next_dates(ctx: Ctx, meeting: Meeting) -> str:
    upcoming = await upcoming_of([meeting], ctx.clock.now(), limit=3)
    zone = ZoneInfo(ctx.timezone)
    return (
        ", ".join(item.starts_at.astimezone(zone).strftime("%Y-%m-%d") for item in upcoming) or "—"
    )


async def _occurrence_on(ctx: Ctx, meeting: Meeting, text: str) -> Upcoming:
    """The occurrence a coordinator means by a date ("2027-05-29", "May 29", "next
    Monday"), read in their zone; matched against each occurrence's local date in the
    coordinator's zone or the meeting's."""
    key = parse_occurrence_key(text)
    if key is not None and key[0] == meeting.id:
        found = await occurrence_at(meeting, key[1])
        if found is None:
            raise NotFound("meeting.unknown", name=text[:60])
        return found
    day = _read_day(ctx, text)
    now = ctx.clock.now()
    # search a window around that day, wide enough for any zone difference
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    candidates = await occurrences_between(
        [meeting], start, start + timedelta(days=3), include_cancelled=True
    )
    for item in candidates:
        for zone in (ctx.timezone, meeting.timezone):
            local = item.original_start.astimezone(ZoneInfo(zone)).date()
            moved_local = item.starts_at.astimezone(ZoneInfo(zone)).date()
            if day in (local, moved_local) and item.starts_at >= now - timedelta(hours=12):
                return item
    raise UserError(
        "meeting.no_occurrence_on",
        title=meeting.title,
        day=day.isoformat(),
        dates=await _next_dates(ctx, meeting),
    )


def _read_day(ctx: Ctx, text: str) -> date:
    now_local = ctx.clock.now().astimezone(ZoneInfo(ctx.timezone)).replace(tzinfo=None)
    day = parse_day(text, ctx.language, now_local)
    if day is None:
        raise UserError("meeting.bad_date", text=text[:60])
    return day


# ---- telling members -------------------------------------------------------------------


async def _answered(items: list[Upcoming]) -> list[Member]:
    """Members who said going or maybe to any of these occurrences."""
    rows = [item.occurrence for item in items if item.occurrence is not None]
    if not rows:
        return []
    return await Member.filter(
        rsvps__occurrence_id__in=[row.id for row in rows], rsvps__status__in=("going", "maybe")
    ).distinct()


MessageBuilder = Callable[[Translator, str], Message]


async def _channel_translator(ctx: Ctx, community: Community) -> Translator:
    """The community's channel reads the language most of its members read, as the
    scheduled announcements, prompts and digest do."""
    language = await community_language(community, ctx.settings.default_language)
    return Translator(ctx.registry.texts, language)


async def _tell(
    ctx: Ctx, members: list[Member], community: Community, build: MessageBuilder
) -> None:
    """DM each member a message built in their language and zone, after the command
    commits; members who refuse direct messages are mentioned once, together, in the
    community's channel."""
    if not members:
        return
    messages = [(m, build(ctx.translator_for(m), ctx.zone_for(m))) for m in members]
    channel_tr = await _channel_translator(ctx, community)

    async def send() -> None:
        blocked = [m for m, message in messages if not await ctx.direct_now(m, message)]
        if not blocked or not community.home_channel_id:
            return
        mentions: list[Span] = []
        for index, member in enumerate(blocked):
            mentions += [Text(", ")] if index else []
            mentions.append(Mention(member.external_id, member.display_name))
        notice = Message().add(
            Paragraph((*mentions, Text(" — "), *channel_tr.spans("meeting.blocked_notice")))
        )
        await ctx.post_now(community.home_channel_id, notice)

    ctx.after_commit(send)


async def _notify(
    ctx: Ctx, community: Community, members: list[Member], build: MessageBuilder
) -> None:
    """Tell the channel, then each member who answered going or maybe."""
    if community.home_channel_id:
        channel_tr = await _channel_translator(ctx, community)
        await ctx.post(community.home_channel_id, build(channel_tr, ctx.settings.default_timezone))
    await _tell(ctx, members, community, build)


# ---- commands --------------------------------------------------------------------------


# how every meeting command names its meeting
MeetingRef = Annotated[
    str,
    Arg(
        "the meeting (title or number)",
        "la rencontre (titre ou numéro)",
        kind="meeting",
        max_length=200,
    ),
]


@command(
    "meeting schedule",
    usage="meeting schedule <community> <when> [every …] [at <link or place>] [for <duration>] "
    "[title]",
    examples=[
        "meeting schedule python next Monday 4:30pm every week at https://meet.jit.si/py "
        "Python hour",
        "meeting schedule python 2027-05-31 16:30 every month on the last Monday Monthly chat",
        "meeting schedule python tomorrow 9am for 90m at Room 204 — Kick-off",
    ],
    role="coordinator",
)
async def schedule_meeting(
    ctx: Ctx,
    community: Annotated[
        str, Arg("the community", "la communauté", kind="community", max_length=80)
    ],
    details: Annotated[
        str,
        Arg(
            "when, then optionally: every …, at <link or place>, for <duration>, the title",
            "quand, puis au choix : every …, at <lien ou lieu>, for <durée>, le titre",
            kind="text",
            max_length=800,
        ),
    ],
) -> Message:
    """Schedule a meeting, once or recurring, in your time zone"""
    found = await find_community(ctx, community)
    await require_coordinator(ctx, found)
    now = ctx.clock.now()
    try:
        parsed = parse_details(details, ctx.timezone, ctx.language, now)
    except AmbiguousRecurrence as question:
        # both phrasings, in the coordinator's own language
        raise UserError(
            "recurrence.ambiguous",
            phrase=question.values["phrase"],
            monthly=question.values[f"monthly_{ctx.language}"],
            biweekly=question.values[f"biweekly_{ctx.language}"],
        ) from question
    title = parsed.title or ctx.tr("meeting.default_title", community=found.name)
    if len(title) > MAX_TITLE:
        raise UserError("meeting.too_long", name="title", limit=MAX_TITLE)
    if len(parsed.location) > MAX_LOCATION:
        raise UserError("meeting.too_long", name="location", limit=MAX_LOCATION)
    local = parsed.when.replace(tzinfo=None)
    first = parsed.when.astimezone(UTC)
    if parsed.rrule:
        validate_rrule(parsed.rrule, local)
        # the series starts on its first real instance: "tomorrow 9am every month on the
        # second Tuesday" typed on a first Tuesday starts a week later, and calendar apps
        # count DTSTART itself as an instance (RFC 5545)
        local = first_local_instance(parsed.rrule, local)
        following = next_instant(local.strftime(LOCAL_FORMAT), ctx.timezone, parsed.rrule, now)
        if following is None:
            raise UserError("recurrence.never", phrase=parsed.rrule)
        first = following
    start_local = local.strftime(LOCAL_FORMAT)
    meeting = await Meeting.create(
        community=found,
        title=title,
        start_local=start_local,
        timezone=ctx.timezone,
        duration_minutes=parsed.duration_minutes or 60,
        rrule=parsed.rrule,
        location=parsed.location,
        created_by=ctx.member,
        created_at=now,
    )
    reply = Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans("meeting.scheduled", title=title, community=found.name, number=meeting.id)
        ),
        Paragraph(ctx.tr.spans("meeting.understood", when=Strong(_when(ctx, first)))),
    )
    if parsed.rrule:
        upcoming = await upcoming_of([meeting], now, limit=3)
        zone = ZoneInfo(ctx.timezone)
        dates = ", ".join(
            item.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") for item in upcoming
        )
        reply.add(
            Note(
                ctx.tr.spans(
                    "meeting.repeats", rule=recurrence_words(ctx.tr, parsed.rrule), dates=dates
                )
            )
        )
    await mirror_native_event(ctx, meeting, found)
    if not found.home_channel_id:
        reply.add(Note(ctx.tr.spans("meeting.no_channel", community=found.name)))
    reply.add(Note(ctx.tr.spans("meeting.wrong_time", number=meeting.id)))
    return reply


async def mirror_native_event(ctx: Ctx, meeting: Meeting, community: Community) -> None:
    """Show the meeting's next occurrence in the platform's own calendar (Discord's Events
    tab) where the platform can and the community wants it; the id is kept for updates."""
    if not community.scheduled_events_enabled:
        return
    upcoming = [] if meeting.cancelled else await upcoming_of([meeting], ctx.clock.now(), limit=1)
    if not upcoming and not meeting.external_event_id:
        return
    start = upcoming[0].starts_at if upcoming else ctx.clock.now()
    event = MeetingEvent(
        title=meeting.title,
        starts_at=start,
        ends_at=start + timedelta(minutes=meeting.duration_minutes),
        description=meeting.agenda,
        location=meeting.location,
        channel_id=community.home_channel_id,
        external_id=meeting.external_event_id,
        cancelled=not upcoming,
    )
    ctx.after_commit(lambda: mirror_after_commit(ctx, meeting.id, event))


async def mirror_after_commit(ctx: Ctx, meeting_id: int, event: MeetingEvent) -> None:
    """The platform call, after the command committed; the id it returns is stored by one
    conditional statement of its own (unless another command changed it meanwhile)."""
    external_id = await sync_native_event(ctx.outbox, ctx.workspace.external_id, event)
    if external_id != event.external_id:
        await Meeting.filter(id=meeting_id, external_event_id=event.external_id).update(
            external_event_id=external_id
        )


async def ensure_calendar_token(workspace: Workspace) -> str:
    """The workspace's unguessable calendar-feed token, made once (a race between two
    requests keeps the first one written)."""
    if workspace.calendar_token:
        return workspace.calendar_token
    await Workspace.filter(id=workspace.id, calendar_token__isnull=True).update(
        calendar_token=secrets.token_urlsafe(24)
    )
    fresh = await Workspace.get(id=workspace.id)
    workspace.calendar_token = fresh.calendar_token
    return str(fresh.calendar_token)


def calendar_url(settings: Settings, token: str, community: Community) -> str:
    return f"{settings.public_base_url}/calendar/{token}/{community.id}.ics"


@command(
    "meetings",
    usage="meetings [community]",
    examples=["meetings", "meetings python"],
)
async def list_meetings(
    ctx: Ctx,
    community: Annotated[
        str | None,
        Arg("the community", "la communauté", kind="community", max_length=80, via_in=True),
    ] = None,
) -> Message:
    """Upcoming meetings, in your own time zone, with RSVP buttons and a calendar link"""
    if community:
        communities = [await find_community(ctx, community)]
    else:
        home = (
            await Community.get_or_none(
                workspace=ctx.workspace, home_channel_id=ctx.channel_id, archived=False
            )
            if ctx.channel_id
            else None
        )
        communities = [home] if home else await my_communities(ctx)
        if not communities:
            communities = await Community.filter(workspace=ctx.workspace, archived=False).order_by(
                "name"
            )
    by_id = {c.id: c for c in communities}
    meetings = await Meeting.filter(community_id__in=list(by_id), cancelled=False)
    per_meeting: dict[int, int] = {}
    upcoming: list[Upcoming] = []
    for item in await upcoming_of(meetings, ctx.clock.now(), limit=LISTED * PER_MEETING):
        # a weekly series should not crowd out the monthly one
        per_meeting[item.meeting.id] = per_meeting.get(item.meeting.id, 0) + 1
        if per_meeting[item.meeting.id] <= PER_MEETING and len(upcoming) < LISTED:
            upcoming.append(item)
    message = Message(ephemeral=True).add(Heading(ctx.tr("meetings.title")))
    if not upcoming:
        message.add(Paragraph(ctx.tr.spans("meetings.none")))
    for item in upcoming:
        community_row = by_id[community_id_of(item.meeting)]
        message.add(
            *await occurrence_block(ctx.tr, item, community_row, ctx.timezone, buttons=True)
        )
    shown = [by_id[cid] for cid in dict.fromkeys(community_id_of(m) for m in meetings)]
    if shown and ctx.settings.http_enabled:
        token = await ensure_calendar_token(ctx.workspace)
        for row in shown:
            link = Link(calendar_url(ctx.settings, token, row), ctx.tr("meetings.calendar_link"))
            message.add(Note(ctx.tr.spans("meetings.calendar", community=row.name, link=link)))
    elif shown:
        for row in shown:
            message.add(
                Note(
                    ctx.tr.spans(
                        "meetings.calendar_cli", community=row.name, argument=shlex.quote(row.name)
                    )
                )
            )
    return message


async def _rsvp(ctx: Ctx, item: Upcoming, status: str) -> Message:
    if item.cancelled:
        raise UserError("rsvp.cancelled", title=item.meeting.title, when=_when(ctx, item.starts_at))
    if item.starts_at <= ctx.clock.now():
        raise UserError("rsvp.started", title=item.meeting.title)
    community = await _community_of(item.meeting)
    await require_member(ctx, community)
    row = await _occurrence_row(item)
    now = ctx.clock.now()
    existing = await Rsvp.get_or_none(occurrence=row, member=ctx.member)
    if existing is None:
        await Rsvp.create(occurrence=row, member=ctx.member, status=status, at=now)
    else:
        existing.status = status
        existing.at = now
        await existing.save(update_fields=["status", "at"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                f"rsvp.done.{status}", title=item.meeting.title, when=_when(ctx, item.starts_at)
            )
        )
    )


@command(
    "rsvp",
    usage="rsvp <meeting> going|maybe|no",
    examples=["rsvp python hour going", "rsvp #12 maybe"],
    role="member",
)
async def rsvp(
    ctx: Ctx,
    meeting: MeetingArg,
    status: Annotated[
        str,
        Arg(
            "going, maybe or no",
            "going, maybe ou no",
            kind="choice",
            choices=("going", "maybe", "no"),
        ),
    ],
) -> Message:
    """Say whether you're coming to a meeting's next occurrence"""
    found, original = await find_meeting(ctx, meeting)
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound("meeting.unknown", name=meeting[:60])
    else:
        item = await _next_of(ctx, found)
    return await _rsvp(ctx, item, status)


async def press_rsvp(ctx: Ctx, value: str) -> Message:
    key, _, status = value.rpartition(":")
    parsed = parse_occurrence_key(key)
    if parsed is None or status not in ("going", "maybe", "no"):
        raise UserError("error.stale_button")
    meeting = await Meeting.get_or_none(id=parsed[0], community__workspace=ctx.workspace)
    item = await occurrence_at(meeting, parsed[1]) if meeting else None
    if item is None:
        raise UserError("error.stale_button")
    return await _rsvp(ctx, item, status)


@command(
    "meeting cancel",
    usage="meeting cancel <meeting> [occurrence date|all]",
    examples=[
        "meeting cancel 12 2027-05-31",
        "meeting cancel 12 all",
        'meeting cancel "Python hour" next Monday',
    ],
    role="coordinator",
)
async def cancel_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    which: Annotated[
        str | None,
        Arg(
            "the occurrence's date, or all",
            "la date de l'occurrence, ou all",
            kind="text",
            max_length=100,
        ),
    ] = None,
) -> Message:
    """Cancel one occurrence of a meeting, or the whole series"""
    found, original, rest = await _find_with_rest(ctx, meeting, which)
    community = await _community_of(found)
    await require_coordinator(ctx, community)
    now = ctx.clock.now()
    if found.cancelled:
        raise UserError("meeting.series_cancelled", title=found.title)
    whole = fold(rest) in ALL_WORDS or (not rest and original is None and not found.rrule)
    if whole:
        future = await upcoming_of([found], now, limit=500, within=timedelta(days=400))
        found.cancelled = True
        await found.save(update_fields=["cancelled"])
        await mirror_native_event(ctx, found, community)
        members = await _answered(future)
        if future:
            first = future[0]
            await _notify(
                ctx,
                community,
                members,
                lambda tr, zone: cancelled_message(tr, first, zone, series=True),
            )
        return Message(ephemeral=True).add(
            Paragraph(ctx.tr.spans("meeting.cancelled_all", title=found.title, count=len(members)))
        )
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound("meeting.unknown", name=meeting[:60])
    elif rest:
        item = await _occurrence_on(ctx, found, rest)
    else:
        raise UserError(
            "meeting.which_occurrence", title=found.title, dates=await _next_dates(ctx, found)
        )
    if item.cancelled:
        raise UserError("meeting.already_cancelled", title=found.title)
    row = await _occurrence_row(item)
    row.cancelled = True
    await row.save(update_fields=["cancelled"])
    await mirror_native_event(ctx, found, community)
    members = await _answered([item])
    await _notify(
        ctx, community, members, lambda tr, zone: cancelled_message(tr, item, zone, series=False)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "meeting.cancelled_one",
                title=found.title,
                when=_when(ctx, item.starts_at),
                count=len(members),
            )
        )
    )


@command(
    "meeting move",
    usage="meeting move <meeting> <occurrence date> to <new time>",
    examples=[
        "meeting move 12 2027-05-31 to 2027-06-01 16:30",
        'meeting move "Python hour" next Monday to Tuesday 5pm',
    ],
    role="coordinator",
)
async def move_meeting(
    ctx: Ctx,
    meeting: MeetingRef,
    change: Annotated[
        str,
        Arg(
            "<occurrence date> to <new time>",
            "<date de l'occurrence> to <nouvelle heure>",
            kind="text",
            max_length=200,
        ),
    ],
) -> Message:
    """Move one occurrence of a meeting to another time"""
    found, original, rest = await _find_with_rest(ctx, meeting, change)
    community = await _community_of(found)
    await require_coordinator(ctx, community)
    if found.cancelled:
        raise UserError("meeting.series_cancelled", title=found.title)
    padded = f" {rest} "
    split = max((padded.lower().rfind(word), word) for word in MOVE_WORDS)
    if split[0] < 0:
        raise UserError("meeting.move_usage")
    which = padded[: split[0]].strip()
    target = padded[split[0] + len(split[1]) :].strip()
    if not target:
        raise UserError("meeting.move_usage")
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound("meeting.unknown", name=meeting[:60])
    elif which:
        item = await _occurrence_on(ctx, found, which)
    elif not found.rrule:
        item = await _next_of(ctx, found)
    else:
        raise UserError(
            "meeting.which_occurrence", title=found.title, dates=await _next_dates(ctx, found)
        )
    if item.cancelled:
        raise UserError("meeting.move_cancelled", title=found.title)
    new_start = parse_when(target, ctx.timezone, ctx.language, ctx.clock.now()).astimezone(UTC)
    old_start = item.starts_at
    row = await _occurrence_row(item)
    row.starts_at = new_start
    await row.save(update_fields=["starts_at"])
    await mirror_native_event(ctx, found, community)
    moved = Upcoming(found, item.original_start, new_start, row)
    members = await _answered([moved])
    await _notify(
        ctx, community, members, lambda tr, zone: moved_message(tr, moved, old_start, zone)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "meeting.moved",
                title=found.title,
                old=_when(ctx, old_start),
                new=Strong(_when(ctx, new_start)),
                count=len(members),
            )
        )
    )


@command(
    "agenda",
    usage="agenda <meeting> <item>",
    examples=[
        'agenda "Python hour" Share your grading scripts',
        "agenda 12 Welcome the new members",
    ],
    role="member",
)
async def add_agenda(
    ctx: Ctx,
    meeting: MeetingRef,
    item: Annotated[
        str, Arg("the agenda item", "le point à ajouter", kind="text", max_length=300)
    ] = "",
) -> Message:
    """Add an item to the agenda of a meeting's next occurrence"""
    found, original, text = await _find_with_rest(ctx, meeting, item)
    if not text:
        raise UserError("agenda.empty_item")
    community = await _community_of(found)
    await require_member(ctx, community)
    if original is not None:
        upcoming = await occurrence_at(found, original)
        if upcoming is None or upcoming.cancelled or upcoming.starts_at <= ctx.clock.now():
            upcoming = await _next_of(ctx, found)
    else:
        upcoming = await _next_of(ctx, found)
    row = await _occurrence_row(upcoming)
    await AgendaItem.create(occurrence=row, member=ctx.member, text=text[:300], at=ctx.clock.now())
    if community.home_channel_id and row.thread_ref:
        note = Message().add(
            Paragraph(
                ctx.tr.spans(
                    "agenda.posted",
                    member=Mention(ctx.member.external_id, ctx.member.display_name),
                    item=Text(text),
                )
            )
        )
        await ctx.post(community.home_channel_id, note, thread=row.thread_ref)
    items = (
        await AgendaItem.filter(occurrence=row).order_by("at", "id").values_list("text", flat=True)
    )
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans("agenda.added", title=found.title, when=_when(ctx, upcoming.starts_at))
        ),
        BulletList(tuple((Text(str(line)),) for line in items)),
    )


async def complete_meeting(ctx: Ctx, prefix: str) -> list[Choice]:
    query = Meeting.filter(community__workspace=ctx.workspace, cancelled=False)
    text = prefix.strip().lstrip("#")
    if is_number(text):
        query = query.filter(id=int(text))
    elif text:
        query = query.filter(title__icontains=text)
    meetings = await query.order_by("title").limit(25)
    ids = [community_id_of(m) for m in meetings]
    names = {c.id: c.name for c in await Community.filter(id__in=ids)}
    return [Choice(_label(m, names.get(community_id_of(m), ""))[:100], str(m.id)) for m in meetings]


PRESS_HANDLERS = {RSVP_ACTION: press_rsvp}
COMPLETERS = {"meeting": complete_meeting}
