"""Profiles: the introduction (a form, or one line of text), ``whois``, and the personal
settings ``timezone`` and ``language``."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from bot.kernel.args import MemberArg
from bot.kernel.context import Ctx
from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.forms import FormSpec
from bot.kernel.i18n import N_, Translator, language_name
from bot.kernel.lookups import coordinated_community_ids, my_communities
from bot.kernel.messages import (
    Code,
    Field,
    Fields,
    Form,
    Message,
    Note,
    Paragraph,
    Span,
    Strong,
    Text,
    spans,
)
from bot.kernel.registry import Arg, command, form
from bot.members import newcomers
from bot.members.newcomers import FIELD_LIMITS, TEXT_FIELDS, mention

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
    fields = ctx.tr("title, org, location, interests, help, learn, networking")
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        key, colon, value = part.partition(":")
        if not colon:
            raise UserError(
                "I could not read “{part}”. Write `field: value` pairs "
                "separated by semicolons, e.g. `intro title: Teacher; "
                "interests: python, moodle`. Fields: {fields}.",
                part=part.strip()[:60],
                fields=fields,
            )
        name = FIELD_ALIASES.get(_fold(key))
        if name is None:
            raise UserError(
                "“{name}” is not a profile field. Use: {fields}.",
                name=key.strip()[:40],
                fields=fields,
            )
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
                raise UserError(
                    "“{tag}” is not a tag: use letters, digits and dashes after "
                    "#, e.g. #course-design.",
                    field="interests",
                    tag=candidate[:40],
                )
            if tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise UserError("At most {limit} tags, please.", field="interests", limit=MAX_TAGS)
    # the form shows them joined: that text must fit the field (a platform refuses a form
    # pre-filled with more than the field takes)
    joined = ", ".join(tags)
    if len(joined) > FIELD_LIMITS["interests"]:
        raise UserError(
            "Your interests take {length} characters once written out; the most is {limit}. "
            "Use fewer or shorter ones.",
            field="interests",
            length=len(joined),
            limit=FIELD_LIMITS["interests"],
        )
    return tags


# a field's name inside a sentence ("The location is too long")
FIELD_NAMES = {
    "title": N_("title or role"),
    "organization": N_("organization"),
    "location": N_("location"),
    "interests": N_("interests"),
    "can_help_with": N_("“can help with”"),
    "wants_to_learn": N_("“wants to learn”"),
}


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
                "The {name} is too long (at most {limit} characters).",
                field=name,
                name=tr(FIELD_NAMES[name]),
                limit=FIELD_LIMITS[name],
            )
        clean[name] = parse_interests(text) if name == "interests" else " ".join(text.split())
    if "networking" in values:
        answer = _fold(values["networking"] or "")
        if answer and answer not in YES + NO:
            raise UserError(
                "Networking takes yes or no, not “{value}”.", field="networking", value=answer[:20]
            )
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
        raise UserError(
            "Your introduction is empty: tell us at least your role, organization or interests."
        )
    if first_time:
        member.intro_posted_at = ctx.clock.now()
        changes["intro_posted_at"] = member.intro_posted_at
    if changes:
        await member.save(update_fields=list(changes))
    reply = Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                N_("Thanks, your introduction is saved.")
                if first_time
                else N_("Your profile is updated.")
            )
        )
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
        reply.add(
            Note(
                newcomers.join_spans(
                    ctx.tr, N_("I introduced you in {channels}."), "channels", channels
                )
            )
        )
    if not communities:
        reply.add(
            Note(ctx.tr.spans("Join a community to be introduced there: type `communities`."))
        )
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
        str | None, Arg(N_("your profile as field: value pairs"), kind="text", max_length=2000)
    ] = None,
) -> Message:
    """Fill in or edit your introduction (a form, or `field: value` pairs)"""
    if details:
        return await save_intro(ctx, parse_intro_text(ctx, details))
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Tell the others who you are. Without a form, type for example: `{example}`",
                example=Code(
                    ctx.tr(
                        "intro title: Instructional designer; org: Red River "
                        "College; interests: #moodle, course design; help: Moodle "
                        "quizzes; learn: video editing; networking: yes"
                    )
                ),
            )
        ),
        newcomers.intro_request(ctx.tr, ctx.member),
    )


@form("intro")
async def submit_intro(ctx: Ctx, values: dict[str, str]) -> Message:
    """The introduction form: fields not sent are left as they were."""
    return await save_intro(ctx, values)


# ---- whois ---------------------------------------------------------------------------


@command("whois", usage="whois @member", examples=["whois @alex"], read_only=True)
async def whois(ctx: Ctx, member: MemberArg) -> Message:
    """A member's profile and communities"""
    target = member
    tr = ctx.tr
    message = Message(ephemeral=True)
    heading: list[Span] = [mention(target)]
    if target.title:
        heading += [Text(" — "), Text(target.title)]
    message.add(Paragraph(tuple(heading)))
    details = newcomers.profile_fields(tr, target)
    if not newcomers.has_profile(target):
        message.add(
            Note(tr.spans("{member} has not introduced themself yet.", member=target.display_name))
        )
    communities = await my_communities(ctx, target)
    coordinating = await coordinated_community_ids(target, [c.id for c in communities])
    names: list[Span] = []
    for community in communities:
        if names:
            names.append(Text(", "))
        names.append(Strong(community.name))
        if community.id in coordinating:
            names.append(Text(" (" + tr("coordinator") + ")"))
    details.append(Field(tr("Communities"), tuple(names) or spans(tr("none yet"))))
    details.append(Field(tr("Time zone"), spans(ctx.zone_for(target))))
    language = target.language or ctx.settings.default_language
    details.append(Field(tr("Language"), spans(language_name(language, tr))))
    if target.networking_opt_in:
        details.append(Field(tr("One-to-one networking"), spans(tr("open to it"))))
    return message.add(Fields(tuple(details)))


# ---- time zone -----------------------------------------------------------------------


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
        str | None, Arg(N_("a city or an IANA time zone"), kind="timezone", max_length=64)
    ] = None,
) -> Message:
    """Set your time zone (a city or an IANA name); without one, shows it"""
    if not zone:
        current = ctx.timezone
        return Message(ephemeral=True).add(
            Paragraph(
                ctx.tr.spans(
                    "Your time zone is {zone} (it is {time} there). Change it "
                    "with `timezone <city or zone>`, e.g. `timezone Winnipeg`.",
                    zone=Code(current),
                    time=_local_time(current, ctx),
                )
            )
        )
    found = zone  # the time zone resolver read the city or name
    ctx.member.timezone = found
    await ctx.member.save(update_fields=["timezone"])
    return Message(ephemeral=True).add(
        Paragraph(
            ctx.tr.spans(
                "Your time zone is now {zone} (it is {time} there). Meeting times are shown in it.",
                zone=Code(found),
                time=_local_time(found, ctx),
            )
        )
    )


# ---- language ------------------------------------------------------------------------


@command("language", usage="language <language>", examples=["language fr", "language en"])
async def language(
    ctx: Ctx,
    language: Annotated[str, Arg(N_("a language code"), kind="language")],
) -> Message:
    """Choose the language I speak to you in"""
    # the languages offered are the LANGUAGES setting: a new language is a catalog file
    ctx.member.language = language
    await ctx.member.save(update_fields=["language"])
    tr = ctx.translator_for(ctx.member)
    return Message(ephemeral=True).add(
        Paragraph(
            tr.spans(
                "I will speak {language} with you from now on.",
                language=language_name(language, tr),
            )
        )
    )


async def build_intro_form(ctx: Ctx, context: str) -> Form:
    return newcomers.intro_form(ctx.tr, ctx.member, context)


async def check_intro_answer(ctx: Ctx, name: str, text: str) -> None:
    """One answer of the introduction, checked as the whole form is."""
    validate_profile(ctx.tr, {name: text})


# the introduction is checked answer by answer, with a draft; saving it is submit_intro
FORMS = [
    FormSpec(form_id="intro", command="intro", build=build_intro_form, check=check_intro_answer)
]
