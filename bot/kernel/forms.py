"""Forms that never throw answers away.

An area declares each of its forms once, as a ``FormSpec`` in its module's ``FORMS`` list:
how to build it (with the member's current values), how to check one answer, and what
saving it does. The engine then gives every form, on every platform, the same rules:

- each answer is checked when it is given (``check_answer``): a bad one is asked again,
  alone, with the reason; the answers before it stay;
- answers given so far are a *draft* (``FormDraft``), kept until the form is saved, and a
  form opened again is pre-filled from it (``prefill``), on the console, in a Slack modal
  and in a Discord modal alike; a submission that fails keeps what was typed;
- choice answers take the obvious words in English and French (``yes``, ``oui``, ``y``,
  ``peut-être``...) and say which choice they took.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.messages import Choice, Form, FormField, FormRequest, Message
from data.models import FormDraft, Member

if TYPE_CHECKING:
    from bot.kernel.context import Ctx


@dataclass(frozen=True)
class FormSpec:
    """One form of an area, beside the ``@form`` handler that saves it.

    ``build`` makes the form filled with what the member already has (``context`` is the
    form's own, carried through the platform unchanged); ``check`` raises ``UserError`` for
    a bad answer to one field (the engine has already checked length and choices).
    ``command`` is what a member types to open it again."""

    form_id: str
    command: str
    build: Callable[[Ctx, str], Awaitable[Form]]
    check: Callable[[Ctx, str, str], Awaitable[None]] | None = None


# The words a member may answer a choice with, by the value they stand for; compared
# without accents, letter case or final punctuation.
CHOICE_WORDS: dict[str, tuple[str, ...]] = {
    "yes": ("yes", "y", "yeah", "yep", "sure", "ok", "okay", "true", "oui", "o", "ouais", "vrai"),
    "no": ("no", "n", "nope", "false", "non", "faux", "pas du tout"),
    "maybe": ("maybe", "perhaps", "m", "peut-etre", "peut etre", "p-e", "pe", "possible"),
}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces, no final punctuation: how answers compare."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.strip(" .!?;:,'\"«»“”").split())


def pick_choice(field: FormField, answer: str) -> Choice | None:
    """The choice an answer names: its value or label, its number in the list, or one of
    the usual words for yes, no and maybe in English and French."""
    said = fold(answer)
    if not said:
        return None
    for choice in field.choices:
        if said in (fold(choice.value), fold(choice.label)):
            return choice
    if said.isdigit() and 1 <= int(said) <= len(field.choices):
        return field.choices[int(said) - 1]
    for value, words in CHOICE_WORDS.items():
        if said in words:
            return next((c for c in field.choices if c.value == value), None)
    return None


@dataclass(frozen=True)
class Answer:
    """A checked answer: the value to keep, and the choice it was read as (if a choice)."""

    value: str
    took: Choice | None = None


async def check_answer(ctx: Ctx, spec: FormSpec, form: Form, name: str, raw: str) -> Answer:
    """Check one answer as it is given; raises ``UserError`` (with ``field``) saying why."""
    field = next((f for f in form.fields if f.name == name), None)
    if field is None:
        raise UserError("That question is not part of this form.", field=name)
    text = clean_text(raw)
    if field.kind == "choice" and field.choices:
        if not text and not field.required:
            return Answer("")
        choice = pick_choice(field, text)
        if choice is None:
            raise UserError(
                "“{answer}” is not one of the choices for “{question}”: answer {choices}.",
                field=name,
                answer=text[:40],
                question=field.label,
                choices=" / ".join(c.label for c in field.choices),
            )
        return Answer(choice.value, choice)
    if field.required and not text:
        raise UserError("“{question}” needs an answer.", field=name, question=field.label)
    if spec.check is not None:  # the area's own words first: they know the field best
        await spec.check(ctx, name, text)
    if len(text) > field.max_length:
        raise UserError(
            "“{question}” takes at most {limit} characters; this answer has {length}.",
            field=name,
            question=field.label,
            limit=field.max_length,
            length=len(text),
        )
    return Answer(text)


# ---- drafts -------------------------------------------------------------------------


async def load_draft(member: Member, form_id: str) -> dict[str, str]:
    draft = await FormDraft.get_or_none(member=member, form_id=form_id)
    return dict(draft.values) if draft is not None else {}


async def keep_in_draft(
    member: Member, form_id: str, values: dict[str, str], now: datetime
) -> None:
    """Add answers to the member's draft of a form (answers to other questions stay)."""
    draft = await FormDraft.get_or_none(member=member, form_id=form_id)
    if draft is None:
        await FormDraft.create(member=member, form_id=form_id, values=values, updated_at=now)
        return
    draft.values = {**draft.values, **values}
    draft.updated_at = now
    await draft.save(update_fields=["values", "updated_at"])


async def drop_draft(member: Member, form_id: str) -> None:
    await FormDraft.filter(member=member, form_id=form_id).delete()


def with_values(form: Form, values: dict[str, str]) -> Form:
    """The form with ``values`` as its fields' initial values."""
    if not values:
        return form
    fields = tuple(
        replace(f, initial=values[f.name]) if f.name in values else f for f in form.fields
    )
    return replace(form, fields=fields)


async def prefill(member: Member, form: Form) -> Form:
    """The form pre-filled with the member's draft of it, if they left one."""
    return with_values(form, await load_draft(member, form.form_id))


async def prefill_message(member: Member, message: Message) -> Message:
    """A reply whose form request (if any) opens pre-filled with the member's draft."""
    for index, part in enumerate(message.parts):
        if isinstance(part, FormRequest):
            message.parts[index] = replace(part, form=await prefill(member, part.form))
    return message
