"""Profiles: the introduction (a form, or one line of text), ``whois``, and the personal
settings ``timezone`` and ``language``."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo, available_timezones

from bot.kernel.context import Ctx
from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.lookups import find_member, membership_of, my_communities
from bot.kernel.messages import (
    Choice,
    Code,
    Field,
    Fields,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    spans,
)
from bot.kernel.registry import Arg, command
from bot.members import newcomers
from bot.members.newcomers import FIELD_LIMITS, TEXT_FIELDS, mention
from data.models import Community, Member

TEXTS = {
    "help.intro": (
        "Fill in or edit your introduction (a form, or `field: value` pairs)",
        "Remplir ou modifier votre présentation (un formulaire, ou des paires `champ : valeur`)",
    ),
    "help.whois": (
        "A member's profile and communities",
        "Le profil et les communautés d'un membre",
    ),
    "help.timezone": (
        "Set your time zone (a city or an IANA name); without one, shows it",
        "Choisir votre fuseau horaire (une ville ou un nom IANA) ; sans valeur, l'affiche",
    ),
    "help.language": (
        "Choose the language I speak to you in: en or fr",
        "Choisir la langue dans laquelle je vous parle : en ou fr",
    ),
    "intro.open": (
        "Tell the others who you are. Without a form, type for example: `{example}`",
        "Dites aux autres qui vous êtes. Sans formulaire, tapez par exemple : `{example}`",
    ),
    "intro.example": (
        "intro title: Instructional designer; org: Red River College; interests: #moodle, "
        "course design; help: Moodle quizzes; learn: video editing; networking: yes",
        "intro titre : Conseillère pédagogique; organisation : Cégep de Jonquière; "
        "intérêts : #moodle, conception de cours; aide : questionnaires Moodle; "
        "apprendre : montage vidéo; réseautage : oui",
    ),
    "intro.saved": (
        "Thanks, your introduction is saved.",
        "Merci, votre présentation est enregistrée.",
    ),
    "intro.updated": ("Your profile is updated.", "Votre profil est mis à jour."),
    "intro.join_tip": (
        "Join a community to be introduced there: type `communities`.",
        "Rejoignez une communauté pour y être présenté : tapez `communities`.",
    ),
    "intro.empty": (
        "Your introduction is empty: tell us at least your role, organization or interests.",
        "Votre présentation est vide : indiquez au moins votre rôle, organisation ou intérêts.",
    ),
    "intro.bad_syntax": (
        "I could not read “{part}”. Write `field: value` pairs separated by semicolons, e.g. "
        "`intro title: Teacher; interests: python, moodle`. Fields: {fields}.",
        "Je n'ai pas pu lire « {part} ». Écrivez des paires `champ : valeur` séparées par des "
        "points-virgules, p. ex. `intro titre : Enseignant; intérêts : python, moodle`. "
        "Champs : {fields}.",
    ),
    "intro.unknown_field": (
        "“{name}” is not a profile field. Use: {fields}.",
        "« {name} » n'est pas un champ du profil. Utilisez : {fields}.",
    ),
    "intro.field_names": (
        "title, org, location, interests, help, learn, networking",
        "titre, organisation, lieu, intérêts, aide, apprendre, réseautage",
    ),
    "intro.name.title": ("title or role", "titre ou rôle"),
    "intro.name.organization": ("organization", "organisation"),
    "intro.name.location": ("location", "lieu"),
    "intro.name.interests": ("interests", "intérêts"),
    "intro.name.can_help_with": ("“can help with”", "« peut aider avec »"),
    "intro.name.wants_to_learn": ("“wants to learn”", "« veut apprendre »"),
    "intro.bad_networking": (
        "Networking takes yes or no, not “{value}”.",
        "Le réseautage prend oui ou non, pas « {value} ».",
    ),
    "whois.communities": ("Communities", "Communautés"),
    "whois.timezone": ("Time zone", "Fuseau horaire"),
    "whois.language": ("Language", "Langue"),
    "whois.networking": ("One-to-one networking", "Réseautage individuel"),
    "whois.networking_on": ("open to it", "ouvert"),
    "whois.no_intro": (
        "{member} has not introduced themself yet.",
        "{member} ne s'est pas encore présenté.",
    ),
    "whois.coordinator": ("coordinator", "coordonnateur"),
    "whois.none": ("none yet", "aucune pour l'instant"),
    "language.en": ("English", "anglais"),
    "language.fr": ("French", "français"),
    "timezone.current": (
        "Your time zone is {zone} (it is {time} there). Change it with `timezone <city or "
        "zone>`, e.g. `timezone Winnipeg`.",
        "Votre fuseau horaire est {zone} (il y est {time}). Changez-le avec `timezone <ville "
        "ou fuseau>`, p. ex. `timezone Winnipeg`.",
    ),
    "timezone.set": (
        "Your time zone is now {zone} (it is {time} there). Meeting times are shown in it.",
        "Votre fuseau horaire est maintenant {zone} (il y est {time}). Les heures des "
        "rencontres y sont affichées.",
    ),
    "timezone.unknown": (
        "I don't know the time zone “{name}”. Did you mean: {options}? Give a city or an IANA "
        "name such as America/Toronto.",
        "Je ne connais pas le fuseau horaire « {name} ». Vouliez-vous dire : {options} ? "
        "Donnez une ville ou un nom IANA comme America/Toronto.",
    ),
    "timezone.unknown_plain": (
        "I don't know the time zone “{name}”. Give a city (Toronto, Montréal, Vancouver...) "
        "or an IANA name such as America/Toronto.",
        "Je ne connais pas le fuseau horaire « {name} ». Donnez une ville (Toronto, Montréal, "
        "Vancouver...) ou un nom IANA comme America/Toronto.",
    ),
    "language.set": (
        "I will speak English with you from now on.",
        "Je vous parlerai en français désormais.",
    ),
}

MAX_TAGS = 10
_TAG = re.compile(r"^[\w][\w\-.+]{0,39}$", re.UNICODE)
YES = ("yes", "y", "oui", "o", "on", "true", "1")
NO = ("no", "n", "non", "off", "false", "0")

# The names accepted before ":" in a text introduction, English and French, compared
# without accents or letter case.
FIELD_ALIASES = {
    "title": "title",
    "role": "title",
    "job": "title",
    "titre": "title",
    "poste": "title",
    "org": "organization",
    "organization": "organization",
    "organisation": "organization",
    "employer": "organization",
    "employeur": "organization",
    "location": "location",
    "where": "location",
    "city": "location",
    "lieu": "location",
    "ville": "location",
    "interests": "interests",
    "interest": "interests",
    "tags": "interests",
    "interets": "interests",
    "interet": "interests",
    "help": "can_help_with",
    "can help": "can_help_with",
    "can help with": "can_help_with",
    "aide": "can_help_with",
    "peut aider": "can_help_with",
    "peut aider avec": "can_help_with",
    "learn": "wants_to_learn",
    "wants to learn": "wants_to_learn",
    "want to learn": "wants_to_learn",
    "apprendre": "wants_to_learn",
    "veut apprendre": "wants_to_learn",
    "networking": "networking",
    "reseautage": "networking",
}


def _fold(text: str) -> str:
    """Lower case without accents, single spaces: how names are compared."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.split())


# ---- the introduction ----------------------------------------------------------------


def parse_intro_text(ctx: Ctx, text: str) -> dict[str, str]:
    """``title: X; org: Y; interests: a, b`` -> form values. Only the fields given."""
    values: dict[str, str] = {}
    fields = ctx.tr("intro.field_names")
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        key, colon, value = part.partition(":")
        if not colon:
            raise UserError("intro.bad_syntax", part=part.strip()[:60], fields=fields)
        name = FIELD_ALIASES.get(_fold(key))
        if name is None:
            raise UserError("intro.unknown_field", name=key.strip()[:40], fields=fields)
        values[name] = value
    return values


def parse_interests(raw: str) -> list[str]:
    """``#moodle #ai, course design`` -> ``["moodle", "ai", "course-design"]``: #tags are
    single words; a comma-separated phrase without # becomes one dashed tag."""
    tags: list[str] = []
    for piece in raw.split(","):
        words = piece.split()
        if not words:
            continue
        candidates = (
            [w.lstrip("#") for w in words if w.lstrip("#")]
            if any(w.startswith("#") for w in words)
            else ["-".join(words)]
        )
        for candidate in candidates:
            tag = candidate.lower()
            if not _TAG.match(tag):
                raise UserError("error.bad_tag", field="interests", tag=candidate[:40])
            if tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise UserError("error.too_many_tags", field="interests", limit=MAX_TAGS)
    return tags


def validate_profile(tr: Translator, values: dict[str, str]) -> dict[str, Any]:
    """Checked, cleaned values for the fields present; raises on the first bad one, with
    the field's name so a form shows the error beside it. Unknown keys are ignored."""
    clean: dict[str, Any] = {}
    for name in (*TEXT_FIELDS, "interests"):
        if name not in values:
            continue
        text = clean_text(values[name] or "")
        if len(text) > FIELD_LIMITS[name]:
            raise UserError(
                "error.too_long",
                field=name,
                name=tr(f"intro.name.{name}"),
                limit=FIELD_LIMITS[name],
            )
        clean[name] = parse_interests(text) if name == "interests" else " ".join(text.split())
    if "networking" in values:
        answer = _fold(values["networking"] or "")
        if answer and answer not in YES + NO:
            raise UserError("intro.bad_networking", field="networking", value=answer[:20])
        if answer:
            clean["networking_opt_in"] = answer in YES
    return clean


async def save_intro(ctx: Ctx, values: dict[str, str]) -> Message:
    """Save the introduction. The first time, post it in each of the member's communities
    and suggest people to meet."""
    member = ctx.member
    changes = validate_profile(ctx.tr, values)
    for name, value in changes.items():
        setattr(member, name, value)
    first_time = member.intro_posted_at is None
    if first_time and not newcomers.has_profile(member):
        raise UserError("intro.empty")
    if first_time:
        member.intro_posted_at = ctx.clock.now()
        changes["intro_posted_at"] = member.intro_posted_at
    if changes:
        await member.save(update_fields=list(changes))
    reply = Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("intro.saved" if first_time else "intro.updated"))
    )
    details = newcomers.profile_fields(ctx.tr, member)
    if details:
        reply.add(Fields(tuple(details)))
    if not first_time:
        return reply
    communities = await my_communities(ctx)
    channels = []
    for community in communities:
        channel = await newcomers.post_welcome(ctx, member, community)
        if channel is not None:
            channels.append(channel)
    if channels:
        reply.add(Note(newcomers.join_spans(ctx.tr, "welcome.posted", "channels", channels)))
    if not communities:
        reply.add(Note(ctx.tr.spans("intro.join_tip")))
    reply.add(*await newcomers.suggestion_parts(ctx, member, communities))
    return reply


@command(
    "intro",
    usage="intro [title: …; org: …; location: …; interests: …; help: …; learn: …; "
    "networking: yes|no]",
    examples=[
        "intro",
        "intro title: Instructional designer; org: Red River College; "
        "interests: #moodle, course design; help: Moodle quizzes; learn: video editing",
    ],
)
async def intro(
    ctx: Ctx,
    details: Annotated[
        str | None,
        Arg(
            "your profile as field: value pairs",
            "votre profil en paires champ : valeur",
            kind="text",
            max_length=2000,
        ),
    ] = None,
) -> Message:
    """Fill in or edit your introduction (a form, or `field: value` pairs)"""
    if details:
        return await save_intro(ctx, parse_intro_text(ctx, details))
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("intro.open", example=Code(ctx.tr("intro.example")))),
        newcomers.intro_request(ctx.tr, ctx.member),
    )


async def submit_intro(ctx: Ctx, values: dict[str, str], context: str = "") -> Message:
    """The introduction form: fields not sent are left as they were."""
    return await save_intro(ctx, values)


# ---- whois ---------------------------------------------------------------------------


@command("whois", usage="whois @member", examples=["whois @alex"])
async def whois(
    ctx: Ctx, member: Annotated[str, Arg("the member", "le membre", kind="member")]
) -> Message:
    """A member's profile and communities"""
    target = await find_member(ctx, member)
    tr = ctx.tr
    message = Message(ephemeral=True)
    heading: list[Span] = [mention(target)]
    if target.title:
        heading += [Text(" — "), Text(target.title)]
    message.add(Paragraph(tuple(heading)))
    details = newcomers.profile_fields(tr, target)
    if not newcomers.has_profile(target):
        message.add(Note(tr.spans("whois.no_intro", member=target.display_name)))
    communities = await my_communities(ctx, target)
    names: list[Span] = []
    for community in communities:
        if names:
            names.append(Text(", "))
        names.append(Strong(community.name))
        if await _is_coordinator(target, community):
            names.append(Text(f" ({tr('whois.coordinator')})"))
    details.append(Field(tr("whois.communities"), tuple(names) or spans(tr("whois.none"))))
    details.append(Field(tr("whois.timezone"), spans(ctx.zone_for(target))))
    language = target.language or ctx.settings.default_language
    details.append(Field(tr("whois.language"), spans(tr(f"language.{language}"))))
    if target.networking_opt_in:
        details.append(Field(tr("whois.networking"), spans(tr("whois.networking_on"))))
    return message.add(Fields(tuple(details)))


async def _is_coordinator(member: Member, community: Community) -> bool:
    membership = await membership_of(member, community)
    return membership is not None and membership.role == "coordinator"


# ---- time zone -----------------------------------------------------------------------

# Cities people type, mapped to their IANA zone (Canada first: the typical members).
CITY_ZONES = {
    "Toronto": "America/Toronto",
    "Ottawa": "America/Toronto",
    "Montréal": "America/Toronto",
    "Québec": "America/Toronto",
    "Quebec City": "America/Toronto",
    "Gatineau": "America/Toronto",
    "Sherbrooke": "America/Toronto",
    "Hamilton": "America/Toronto",
    "London, Ontario": "America/Toronto",
    "Sudbury": "America/Toronto",
    "Thunder Bay": "America/Toronto",
    "Vancouver": "America/Vancouver",
    "Victoria": "America/Vancouver",
    "Kelowna": "America/Vancouver",
    "Halifax": "America/Halifax",
    "Charlottetown": "America/Halifax",
    "Fredericton": "America/Moncton",
    "Moncton": "America/Moncton",
    "Saint John": "America/Moncton",
    "St. John's": "America/St_Johns",
    "Winnipeg": "America/Winnipeg",
    "Regina": "America/Regina",
    "Saskatoon": "America/Regina",
    "Edmonton": "America/Edmonton",
    "Calgary": "America/Edmonton",
    "Yellowknife": "America/Edmonton",
    "Whitehorse": "America/Whitehorse",
    "Iqaluit": "America/Iqaluit",
    "New York": "America/New_York",
    "Boston": "America/New_York",
    "Washington": "America/New_York",
    "Chicago": "America/Chicago",
    "Denver": "America/Denver",
    "Los Angeles": "America/Los_Angeles",
    "San Francisco": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Paris": "Europe/Paris",
    "Lyon": "Europe/Paris",
    "Marseille": "Europe/Paris",
    "London": "Europe/London",
    "Brussels": "Europe/Brussels",
    "Bruxelles": "Europe/Brussels",
    "Geneva": "Europe/Zurich",
    "Genève": "Europe/Zurich",
    "Berlin": "Europe/Berlin",
    "Dakar": "Africa/Dakar",
    "Port-au-Prince": "America/Port-au-Prince",
}


def _zone_key(text: str) -> str:
    """How a zone or city is looked up: no accents, case, dots or apostrophes; "saint"
    as "st"; underscores as spaces (so "st john's" finds America/St_Johns)."""
    key = _fold(text.replace("_", " ").replace(".", " ").replace("'", "").replace("’", ""))
    key = re.sub(r"^saint\b", "st", key)
    return " ".join(key.split())


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    """The IANA names tzdata knows (read from disk once)."""
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=1)
def zone_index() -> dict[str, str]:
    """Every way of naming a zone we accept -> its IANA name: the cities above, each IANA
    name itself, and each IANA name's last part ("tokyo" -> Asia/Tokyo)."""
    index = {_zone_key(city): zone for city, zone in CITY_ZONES.items()}
    zones = sorted(all_zones(), key=lambda z: (z.count("/"), z))
    for zone in zones:
        index.setdefault(_zone_key(zone), zone)
    for zone in zones:
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            index.setdefault(_zone_key(zone.rsplit("/", 1)[1]), zone)
    return index


def resolve_zone(text: str) -> str | None:
    return zone_index().get(_zone_key(text))


def close_zones(text: str) -> list[str]:
    """Up to three zones whose name or city looks like ``text``."""
    key = _zone_key(text)
    index = zone_index()
    keys = difflib.get_close_matches(key, list(index), n=6, cutoff=0.6)
    if len(key) >= 3:
        keys += [k for k in index if key in k and k not in keys]
    out: list[str] = []
    for found in keys:
        if index[found] not in out:
            out.append(index[found])
    return out[:3]


def _local_time(zone: str, ctx: Ctx) -> str:
    return ctx.clock.now().astimezone(ZoneInfo(zone)).strftime("%H:%M")


@command(
    "timezone",
    usage="timezone [city or IANA zone]",
    examples=["timezone Montréal", "timezone America/Vancouver", "timezone St. John's"],
)
async def timezone(
    ctx: Ctx,
    zone: Annotated[
        str | None,
        Arg(
            "a city or an IANA time zone",
            "une ville ou un fuseau IANA",
            kind="timezone",
            max_length=64,
        ),
    ] = None,
) -> Message:
    """Set your time zone (a city or an IANA name); without one, shows it"""
    if not zone:
        current = ctx.timezone
        return Message(ephemeral=True).add(
            Paragraph(
                ctx.tr.spans("timezone.current", zone=Code(current), time=_local_time(current, ctx))
            )
        )
    found = resolve_zone(zone)
    if found is None:
        options = close_zones(zone)
        if options:
            raise UserError("timezone.unknown", name=zone[:60], options=", ".join(options))
        raise UserError("timezone.unknown_plain", name=zone[:60])
    ctx.member.timezone = found
    await ctx.member.save(update_fields=["timezone"])
    return Message(ephemeral=True).add(
        Paragraph(ctx.tr.spans("timezone.set", zone=Code(found), time=_local_time(found, ctx)))
    )


async def complete_timezone(ctx: Ctx, prefix: str) -> list[Choice]:
    """Cities first (with their zone), then IANA names containing what was typed."""
    key = _zone_key(prefix)
    choices = [
        Choice(f"{city} ({zone})", zone)
        for city, zone in CITY_ZONES.items()
        if _zone_key(city).startswith(key)
    ]
    if key:
        choices += [Choice(zone, zone) for found, zone in _zone_keys() if key in found]
    return choices[:25]


@lru_cache(maxsize=1)
def _zone_keys() -> tuple[tuple[str, str], ...]:
    return tuple((_zone_key(zone), zone) for zone in all_zones())


# ---- language ------------------------------------------------------------------------


@command("language", usage="language en|fr", examples=["language fr", "language en"])
async def language(
    ctx: Ctx,
    language: Annotated[str, Arg("en or fr", "en ou fr", kind="choice", choices=("en", "fr"))],
) -> Message:
    """Choose the language I speak to you in: en or fr"""
    ctx.member.language = language
    await ctx.member.save(update_fields=["language"])
    tr = ctx.translator_for(ctx.member)
    return Message(ephemeral=True).add(Paragraph(tr.spans("language.set")))


FORM_HANDLERS = {"intro": submit_intro}
COMPLETERS = {"timezone": complete_timezone}
