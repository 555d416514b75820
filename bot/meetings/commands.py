"""Meetings: schedule (one-off or recurring), list, RSVP, cancel, move, agenda.

A meeting keeps its local start and IANA zone plus an RRULE (``bot.kernel.recurrence``); its
occurrences are computed, and an ``Occurrence`` row is made only when something hangs
off one. The announcement and reminders are sent by the scheduler's meetings planner,
which reads the same tables: nothing here has to tell the scheduler anything.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from bot.kernel.args import CommunityArg, MaybeCommunity
from bot.kernel.context import Ctx
from bot.kernel.errors import NotFound, UserError
from bot.kernel.i18n import N_
from bot.kernel.lookups import my_communities
from bot.kernel.messages import (
    BulletList,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Strong,
    Text,
)
from bot.kernel.occurrences import (
    Upcoming,
    community_id_of,
    occurrence_at,
    upcoming_of,
)
from bot.kernel.recurrence import (
    LOCAL_FORMAT,
    AmbiguousRecurrence,
    first_local_instance,
    fold,
    next_instant,
    parse_when,
    validate_rrule,
)
from bot.kernel.registry import Arg, button, command
from bot.meetings.calendars import calendar_url, ensure_calendar_token, mirror_native_event
from bot.meetings.details import parse_details
from bot.meetings.finding import MeetingRef, next_dates, occurrence_on
from bot.meetings.notices import answered, notify
from bot.meetings.posts import (
    RSVP_ACTION,
    cancelled_message,
    local_text,
    moved_message,
    occurrence_block,
    recurrence_words,
)
from data.models import AgendaItem, Community, Meeting, Occurrence, Rsvp

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


# ---- commands --------------------------------------------------------------------------


RsvpStatus = Annotated[
    str, Arg(N_("going, maybe or no"), kind="choice", choices=("going", "maybe", "no"))
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
    community: CommunityArg,
    details: Annotated[
        str,
        Arg(
            N_("when, then optionally: every …, at <link or place>, for <duration>, the title"),
            kind="text",
            max_length=800,
        ),
    ],
) -> Message:
    """Schedule a meeting, once or recurring, in your time zone"""
    found = community
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


@command(
    "meetings",
    usage="meetings [community]",
    examples=["meetings", "meetings python"],
)
async def list_meetings(
    ctx: Ctx,
    community: MaybeCommunity = None,
) -> Message:
    """Upcoming meetings, in your own time zone, with RSVP buttons and a calendar link"""
    if community is not None:
        communities = [community]
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
    meeting: MeetingRef,
    status: RsvpStatus,
) -> Message:
    """Say whether you're coming to a meeting's next occurrence"""
    found, original = meeting.meeting, meeting.original
    if original is not None:
        item = await occurrence_at(found, original)
        if item is None:
            raise NotFound("meeting.unknown", name=f"#{found.id}")
    else:
        item = await _next_of(ctx, found)
    return await _rsvp(ctx, item, status)


# the button's value is "<occurrence key>:<status>" (``posts.rsvp_buttons``)
@button(RSVP_ACTION, role="member")
async def press_rsvp(ctx: Ctx, meeting: MeetingRef, status: RsvpStatus) -> Message:
    item = await occurrence_at(meeting.meeting, meeting.original) if meeting.original else None
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
        str | None, Arg(N_("the occurrence's date, or all"), kind="text", max_length=100)
    ] = None,
) -> Message:
    """Cancel one occurrence of a meeting, or the whole series"""
    # an unquoted title of several words was re-split by the meeting resolver
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = (which or "").strip()
    now = ctx.clock.now()
    if found.cancelled:
        raise UserError("meeting.series_cancelled", title=found.title)
    whole = fold(rest) in ALL_WORDS or (not rest and original is None and not found.rrule)
    if whole:
        future = await upcoming_of([found], now, limit=500, within=timedelta(days=400))
        found.cancelled = True
        await found.save(update_fields=["cancelled"])
        await mirror_native_event(ctx, found, community)
        members = await answered(future)
        if future:
            first = future[0]
            await notify(
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
            raise NotFound("meeting.unknown", name=f"#{found.id}")
    elif rest:
        item = await occurrence_on(ctx, found, rest)
    else:
        raise UserError(
            "meeting.which_occurrence", title=found.title, dates=await next_dates(ctx, found)
        )
    if item.cancelled:
        raise UserError("meeting.already_cancelled", title=found.title)
    row = await _occurrence_row(item)
    row.cancelled = True
    await row.save(update_fields=["cancelled"])
    await mirror_native_event(ctx, found, community)
    members = await answered([item])
    await notify(
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
    change: Annotated[str, Arg(N_("<occurrence date> to <new time>"), kind="text", max_length=200)],
) -> Message:
    """Move one occurrence of a meeting to another time"""
    found, original, community = meeting.meeting, meeting.original, meeting.community
    rest = change.strip()
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
            raise NotFound("meeting.unknown", name=f"#{found.id}")
    elif which:
        item = await occurrence_on(ctx, found, which)
    elif not found.rrule:
        item = await _next_of(ctx, found)
    else:
        raise UserError(
            "meeting.which_occurrence", title=found.title, dates=await next_dates(ctx, found)
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
    members = await answered([moved])
    await notify(
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
    item: Annotated[str, Arg(N_("the agenda item"), kind="text", max_length=300)] = "",
) -> Message:
    """Add an item to the agenda of a meeting's next occurrence"""
    found, original, community = meeting.meeting, meeting.original, meeting.community
    text = (item or "").strip()
    if not text:
        raise UserError("agenda.empty_item")
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
