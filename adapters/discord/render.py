"""The message model rendered for Discord: markdown content or an embed, components, modals.

Member text (``Text`` spans) is always escaped: markdown, masked links, ``<@…>``/``<#…>``/
``<t:…>`` tokens and @everyone/@here can't take effect. Independently of escaping, every
message carries ``allowed_mentions`` that lets Discord notify only the users of explicit
``Mention`` spans: never @everyone, @here or a role.

A message without a heading or fields is plain markdown content (mentions in it notify).
One with a heading or fields becomes an embed; a leading paragraph with mentions stays
content above it, because mentions inside an embed never notify anyone.
"""

from __future__ import annotations

import io
import re
import secrets
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, assert_never

import discord

from adapters.discord.ids import Overflow, encode
from bot.kernel.messages import (
    Attachment,
    BulletList,
    Button,
    Buttons,
    ChannelRef,
    Code,
    Fields,
    Form,
    FormRequest,
    Heading,
    Link,
    Mention,
    Message,
    Note,
    Paragraph,
    Part,
    Select,
    Span,
    Strong,
    Text,
    Time,
)

MAX_CONTENT, MAX_DESCRIPTION, MAX_TITLE = 2000, 4096, 256
MAX_FIELD_NAME, MAX_FIELD_VALUE, MAX_FIELDS = 256, 1024, 25
MAX_ROWS, MAX_BUTTONS_PER_ROW, MAX_OPTIONS = 5, 5, 25
MAX_MODAL_FIELDS = 5
ERROR_COLOUR, EMBED_COLOUR = 0xD83C3E, 0x2F7D6D
# what formats inline (emphasis, code, spoilers, quotes, masked links, <@…> <#…> <t:…>)
_MARKDOWN = re.compile(r"([\\*_~`|>\[\]<])")
# what formats only at the start of a line (headings, subtext, lists)
_LINE_START = re.compile(r"(?m)^(\s*)([#+-]|\d+\.)")
_URL = re.compile(r"https?://[^\s<>]+")
_BROADCAST = re.compile(r"@(everyone|here)", re.IGNORECASE)
# a character that one of the four above needs (a URL its ":"); text with none is inert
_NEEDS_ESCAPING = re.compile(r"[\\*_~`|>\[\]<@:#+\-.]")
_TIME_STYLES = {"full": "F", "short": "f", "date": "D", "time": "t", "relative": "R"}
_SAFE_URL = re.compile(r"^https?://[^\s<>()]+$")


def escape(text: str) -> str:
    """Member text as inert markdown: shown as typed, formats nothing, mentions no one."""
    if not _NEEDS_ESCAPING.search(text):
        return text  # most of a reply's words
    return _escape_all(text)


def _escape_all(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        # links stay clickable (escaping would break them); they can't hold a mention
        out.append(_BROADCAST.sub("@\u200b\\1", match.group(0)))
        position = match.end()
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _escape_plain(text: str) -> str:
    escaped = _LINE_START.sub(r"\1\\\2", _MARKDOWN.sub(r"\\\1", text))
    return _BROADCAST.sub("@\u200b\\1", escaped)


def _code(text: str) -> str:
    text = text.replace("`", "ˋ")  # a backtick would end the code span
    return f"`{text}`" if text else ""


def span_markdown(span: Span) -> str:
    match span:
        case Text():
            return escape(span.text)
        case Strong():
            return f"**{escape(span.text)}**" if span.text else ""
        case Code():
            return _code(span.text)
        case Mention():
            return f"<@{span.user_id}>" if span.user_id.isdigit() else escape("@" + span.name)
        case ChannelRef():
            if span.channel_id.isdigit():
                return f"<#{span.channel_id}>"
            return escape("#" + span.name)
        case Link():
            if not _SAFE_URL.match(span.url):
                return escape(span.label or span.url)
            return f"[{escape(span.label)}]({span.url})" if span.label else span.url
        case Time():
            epoch = int(span.instant.timestamp())
            style = _TIME_STYLES[span.style]
            if span.style == "full":
                return f"<t:{epoch}:F> (<t:{epoch}:R>)"
            return f"<t:{epoch}:{style}>"
        case _:
            assert_never(span)


def line(spans: tuple[Span, ...]) -> str:
    return "".join([span_markdown(s) for s in spans])


def mentioned_users(message: Message) -> list[int]:
    """The users a message may notify: only those of explicit ``Mention`` spans."""
    found: list[int] = []

    def visit(spans: tuple[Span, ...]) -> None:
        for span in spans:
            if isinstance(span, Mention) and span.user_id.isdigit():
                found.append(int(span.user_id))

    for part in message.parts:
        match part:
            case Paragraph() | Note():
                visit(part.spans)
            case Fields():
                for fld in part.fields:
                    visit(fld.value)
            case BulletList():
                for item in part.items:
                    visit(item)
            case Heading() | Buttons() | Select() | FormRequest() | Attachment():
                pass  # plain text, components or files: they notify nobody
            case _:
                assert_never(part)
    return list(dict.fromkeys(found))[:100]


def allowed_mentions(message: Message) -> discord.AllowedMentions:
    users = [discord.Object(id=u) for u in mentioned_users(message)]
    return discord.AllowedMentions(everyone=False, roles=False, users=users, replied_user=False)


class Forms:
    """Forms behind "open the form" buttons, kept in memory (bounded). After a restart a
    form button asks the core again (see ``adapters.discord.interactions``). Tokens are
    random: a counter would start again after a restart, and an old button would open
    whatever form (another member's, filled with their profile) got its number anew."""

    def __init__(self, limit: int = 5_000) -> None:
        self.limit = limit
        self._forms: OrderedDict[str, Form] = OrderedDict()

    def keep(self, form: Form) -> str:
        token = secrets.token_urlsafe(9)
        self._forms[token] = form
        while len(self._forms) > self.limit:
            self._forms.popitem(last=False)
        return token

    def get(self, token: str) -> Form | None:
        return self._forms.get(token)


class ComponentsView(discord.ui.View):
    """Only carries components to Discord. Presses are routed by their custom ids
    (stateless), so discord.py must not keep this view in its store: it reports itself
    finished, which also keeps memory flat however many messages are sent."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    def is_finished(self) -> bool:
        return True


class FormModal(discord.ui.Modal):
    """A modal whose submission is routed by custom id (see ``ComponentsView``)."""

    def is_finished(self) -> bool:
        return True


@dataclass
class Rendered:
    content: str | None
    embeds: list[discord.Embed]
    view: ComponentsView | None
    allowed_mentions: discord.AllowedMentions
    # the form to open at once, when the message is nothing but a form request
    form: Form | None = None
    attachments: tuple[Attachment, ...] = ()

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for discord.py's send methods."""
        args: dict[str, Any] = {
            "embeds": self.embeds,
            "allowed_mentions": self.allowed_mentions,
        }
        if self.attachments:  # a calendar file, attached as Discord allows
            args["files"] = [
                discord.File(io.BytesIO(a.content), filename=a.filename) for a in self.attachments
            ]
        if self.content:
            args["content"] = self.content
        if self.view is not None:
            args["view"] = self.view
        return args


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _body_lines(parts: Sequence[Part]) -> list[str]:
    lines: list[str] = []
    for part in parts:
        match part:
            case Heading():
                lines.append(f"**{escape(part.text)}**")
            case Paragraph():
                lines.append(line(part.spans))
            case Note():
                lines.append("-# " + line(part.spans).replace("\n", "\n-# "))
            case BulletList():
                lines.extend("• " + line(item) for item in part.items)
            case Fields():
                lines.extend(f"**{escape(f.label)}:** {line(f.value)}" for f in part.fields)
            case Buttons() | Select() | FormRequest() | Attachment():
                pass  # components, made by ``_components``; files, attached
            case _:
                assert_never(part)
    return [entry for entry in lines if entry]


def render(
    message: Message, overflow: Overflow, forms: Forms, guild: str | None = None
) -> Rendered:
    """``guild``: set for a direct message, the server its components are about."""
    text_parts = [
        p for p in message.parts if isinstance(p, Heading | Paragraph | Note | BulletList | Fields)
    ]
    content: str | None = None
    embeds: list[discord.Embed] = []
    as_embed = any(isinstance(p, Heading | Fields) for p in text_parts)
    if not as_embed:
        content = "\n".join(_body_lines(text_parts))
        if len(content) > MAX_CONTENT:
            as_embed, content = True, None
    if as_embed:
        lead = text_parts[0] if text_parts else None
        if isinstance(lead, Paragraph) and any(isinstance(s, Mention) for s in lead.spans):
            content = _clip(line(lead.spans), MAX_CONTENT)
            text_parts = text_parts[1:]
        embeds = [_embed(text_parts, message.is_error)]
    view = _components(message, overflow, forms, guild)
    request = message.form_request
    only_form = request is not None and not text_parts and len(message.parts) == 1
    return Rendered(
        content or None,
        embeds,
        view,
        allowed_mentions(message),
        request.form if only_form and request else None,
        tuple(p for p in message.parts if isinstance(p, Attachment)),
    )


def _embed(parts: Sequence[Part], is_error: bool) -> discord.Embed:
    title = None
    if parts and isinstance(parts[0], Heading):
        title, parts = _clip(parts[0].text, MAX_TITLE), parts[1:]
    fields: list[tuple[str, str]] = []
    body: list[Part] = []
    for part in parts:
        if isinstance(part, Fields) and len(fields) + len(part.fields) <= MAX_FIELDS:
            fields += [(f.label, line(f.value)) for f in part.fields]
        else:
            body.append(part)
    embed = discord.Embed(
        title=title,  # titles are plain text: no markdown, no mentions
        description=_clip("\n".join(_body_lines(body)), MAX_DESCRIPTION) or None,
        colour=ERROR_COLOUR if is_error else EMBED_COLOUR,
    )
    for name, value in fields:
        embed.add_field(
            name=_clip(name, MAX_FIELD_NAME) or "-",
            value=_clip(value, MAX_FIELD_VALUE) or "-",
            inline=True,
        )
    return embed


_STYLES = {
    "default": discord.ButtonStyle.secondary,
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
}


def _button(
    button: Button, overflow: Overflow, row: int, guild: str | None
) -> discord.ui.Button[Any]:
    label = _clip(button.label, 80) or "…"
    if button.url:
        return discord.ui.Button(label=label, url=button.url, row=row)
    custom_id = encode("press", button.action, button.value, overflow, guild)
    return discord.ui.Button(label=label, custom_id=custom_id, style=_STYLES[button.style], row=row)


def _components(
    message: Message, overflow: Overflow, forms: Forms, guild: str | None
) -> ComponentsView | None:
    view = ComponentsView()
    row = 0
    for part in message.parts:
        if row >= MAX_ROWS:
            break
        match part:
            case Heading() | Paragraph() | Note() | BulletList() | Fields() | Attachment():
                continue  # the text, made by ``_body_lines`` or ``_embed``; files, attached
            case Buttons() | Select() | FormRequest():
                pass
            case _:
                assert_never(part)
        if isinstance(part, Buttons):
            for start in range(0, len(part.buttons), MAX_BUTTONS_PER_ROW):
                if row >= MAX_ROWS:
                    break
                for button in part.buttons[start : start + MAX_BUTTONS_PER_ROW]:
                    view.add_item(_button(button, overflow, row, guild))
                row += 1
        elif isinstance(part, Select) and part.choices:
            select: discord.ui.Select[Any] = discord.ui.Select(
                custom_id=encode("select", part.action, "", overflow, guild),
                placeholder=_clip(part.placeholder, 150),
                options=[
                    discord.SelectOption(label=_clip(c.label, 100), value=c.value[:100])
                    for c in part.choices[:MAX_OPTIONS]
                ],
                row=row,
            )
            view.add_item(select)
            row += 1
        elif isinstance(part, FormRequest):
            token = forms.keep(part.form)
            custom_id = encode("open_form", part.form.form_id, token, overflow, guild)
            view.add_item(
                discord.ui.Button(
                    label=_clip(part.label, 80) or "…",
                    custom_id=custom_id,
                    style=discord.ButtonStyle.primary,
                    row=row,
                )
            )
            row += 1
    return view if view.children else None


def split_form(form: Form) -> tuple[Form, Form | None]:
    """A Discord modal holds five fields. A longer form is asked in pages: the required
    fields and then the first optional ones (the form lists the most useful first) now,
    the rest behind a button in the answer to this page."""
    if len(form.fields) <= MAX_MODAL_FIELDS:
        return form, None
    required = [f for f in form.fields if f.required]
    optional = [f for f in form.fields if not f.required]
    now = {id(f) for f in (required + optional)[:MAX_MODAL_FIELDS]}
    first = tuple(f for f in form.fields if id(f) in now)
    rest = tuple(f for f in form.fields if id(f) not in now)
    return replace(form, fields=first), replace(form, fields=rest)


def next_page_label(rest: Form) -> str:
    """The button to the rest of a form: its field labels say what is left to fill in."""
    return _clip("➕ " + ", ".join(f.label for f in rest.fields), 80)


def build_modal(
    form: Form,
    overflow: Overflow,
    forms: Forms,
    values: dict[str, str] | None = None,
    guild: str | None = None,
) -> FormModal:
    """The form (or its first page) as a modal; ``values`` refill it. ``guild``: the
    server a modal opened from a direct message is about (its submission has none)."""
    page, rest = split_form(form)
    if rest is None:
        custom_id = encode("modal", form.form_id, form.context, overflow, guild)
    else:
        custom_id = encode("modal_next", form.form_id, forms.keep(rest), overflow, guild)
    modal = FormModal(title=_clip(form.title, 45) or "…", custom_id=custom_id)
    for fld in page.fields:
        initial = (values or {}).get(fld.name, fld.initial)
        component: discord.ui.Item[Any]
        if fld.kind == "choice" and fld.choices:
            component = discord.ui.Select(
                custom_id=fld.name,
                required=fld.required,
                min_values=1 if fld.required else 0,
                options=[
                    discord.SelectOption(
                        label=_clip(c.label, 100), value=c.value[:100], default=c.value == initial
                    )
                    for c in fld.choices[:MAX_OPTIONS]
                ],
            )
        else:
            long = fld.kind == "long"
            # Discord refuses the whole modal when a pre-filled value is longer than its
            # field's max_length: a value saved before a limit was tightened is shown whole
            # (the core then says what to shorten), never cut and never refused
            limit = max(1, min(max(fld.max_length, len(initial)), 4000))
            component = discord.ui.TextInput(
                custom_id=fld.name,
                style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
                required=fld.required,
                max_length=limit,
                default=initial[:limit] or None,
                placeholder=_clip(fld.placeholder, 100) or None,
            )
        modal.add_item(discord.ui.Label(text=_clip(fld.label, 45) or "…", component=component))
    return modal


def submitted_values(components: list[dict[str, Any]]) -> dict[str, str]:
    """Field name -> value from a modal submission (labels, action rows, selects)."""
    values: dict[str, str] = {}

    def visit(component: dict[str, Any]) -> None:
        custom_id = component.get("custom_id")
        if custom_id and "value" in component:
            values[custom_id] = str(component["value"] or "")
        elif custom_id and "values" in component:
            values[custom_id] = ",".join(component["values"])
        for child in component.get("components", []) or []:
            visit(child)
        if isinstance(component.get("component"), dict):
            visit(component["component"])

    for component in components:
        visit(component)
    return values
