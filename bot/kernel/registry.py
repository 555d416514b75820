"""The registry: each command, button, form and event handler is declared once, in its
area module, and collected here by ``Registry.add_module``.

A command is an async function decorated with ``@command``. Its typed signature *is* its
schema: every parameter after ``ctx`` is ``Annotated[<type>, Arg(...)]``, and a default
makes it optional. The ``Arg`` kind names the resolver (``bot.kernel.resolvers``) that turns
the member's text into the object the handler receives (a ``Community``, a ``Member``...).
``role`` is the check the core enforces before the handler runs. Buttons (``@button``) and
forms (``@form``) are declared the same way: their value (the text a button carries, the
context a form carries) is read into the handler's parameters by the same resolvers, and
their role is enforced the same way. Events (``@on``) may have several handlers. Effects
(``@effect``, ``bot.kernel.effects``) run a command's queued effect after its commit.

Adapters read ``Registry.commands`` to build Slack sub-commands, Discord application
commands and the console's parser.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

from bot.kernel.effects import EffectHandler, effect_name, kernel_effect_handlers
from bot.kernel.resolvers import Resolver, kernel_resolvers

if typing.TYPE_CHECKING:
    from bot.kernel.forms import FormSpec

ArgKind = Literal[
    "prompt",  # a discussion prompt's number
    "word",  # one token
    "text",  # the rest of the line
    "community",  # a community name (autocomplete)
    "meeting",  # a meeting title or number (autocomplete)
    "resource",  # a resource title, number or URL (autocomplete)
    "member",  # a mention (@name, <@U..>)
    "url",
    "tags",  # any number of #tags
    "choice",  # one of Arg.choices
    "timezone",  # an IANA zone or a city (autocomplete)
    "language",  # one of the languages the settings offer (autocomplete)
    "int",
]
# who may run a command, press a button or submit a form, enforced by the core:
# "member" and "coordinator" of the community the arguments name (a workspace admin counts
# as a coordinator), "admin" of the workspace
Role = Literal["anyone", "member", "coordinator", "admin"]
# roles that are about a community: the handler must take an argument that names one
COMMUNITY_ROLES = ("member", "coordinator")


@dataclass(frozen=True)
class Arg:
    """A parameter: its label (English, marked with ``N_`` and translated where it is
    shown) and how to read it from text (``kind``: which resolver)."""

    label: str
    kind: ArgKind = "word"
    choices: tuple[str, ...] = ()
    max_length: int = 200
    # for an optional community: may be given as "in <community>" anywhere in the line
    via_in: bool = False
    # an archived community is accepted (leave, stats)
    archived: bool = False
    # what to say instead when no community has the name given (a msgid with {name})
    unknown: str | None = None


class _Implied:
    """The default of a parameter the member may leave out but the handler always gets:
    its resolver supplies it (the community of the channel, or the member's only one)."""

    def __repr__(self) -> str:
        return "IMPLIED"


IMPLIED: Any = _Implied()


@dataclass(frozen=True)
class Param:
    name: str
    arg: Arg
    required: bool
    default: Any = None

    @property
    def implied(self) -> bool:
        """Optional to type, but resolved all the same (see ``IMPLIED``)."""
        return self.default is IMPLIED


Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Command:
    name: str  # "join", "community create"
    handler: Handler
    params: tuple[Param, ...]
    help_en: str
    role: Role
    usage: str  # "join <community>"
    examples: tuple[str, ...]
    hidden: bool = False  # not listed in help (console-only helpers and the like)
    # writes nothing: runs without a transaction (no BEGIN/COMMIT round trips and, on
    # SQLite, no hold on the connection while it works). Only a first-seen member's row
    # may be written, on its own.
    read_only: bool = False

    @property
    def entry(self) -> str:
        return self.name

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.name.split())

    @property
    def group(self) -> str | None:
        """The parent of a sub-command ("community" for "community create")."""
        return self.words[0] if len(self.words) > 1 else None


_META = "__copbot_command__"


@dataclass(frozen=True)
class _CommandMeta:
    name: str
    role: Role
    usage: str
    examples: tuple[str, ...]
    hidden: bool
    read_only: bool


def command(
    name: str,
    *,
    usage: str,
    examples: Iterable[str] = (),
    role: Role = "anyone",
    hidden: bool = False,
    read_only: bool = False,
) -> Callable[[Handler], Handler]:
    """Mark a function as a command. Only attaches metadata; ``Registry`` collects it."""

    def mark(handler: Handler) -> Handler:
        meta = _CommandMeta(name, role, usage, tuple(examples), hidden, read_only)
        setattr(handler, _META, meta)
        return handler

    return mark


@dataclass(frozen=True)
class Action:
    """A button or a form: ``name`` is the action or form id the message carried.

    A button's value, or a form's context, is split on ``separator`` (``:``) into the
    handler's parameters (the last one takes the rest), each read by its resolver. A form's
    handler takes the submitted ``values`` (a dict) right after ``ctx``."""

    name: str
    handler: Handler
    params: tuple[Param, ...]
    role: Role
    is_form: bool = False
    separator: str = ":"

    @property
    def entry(self) -> str:
        return f"{'form' if self.is_form else 'press'}:{self.name}"


@dataclass(frozen=True)
class _ActionMeta:
    name: str
    role: Role
    is_form: bool
    separator: str = ":"


_ACTION_META = "__copbot_action__"
_EVENT_META = "__copbot_event__"
_LISTEN_META = "__copbot_listens__"


def button(
    action: str, *, role: Role = "anyone", separator: str = ":"
) -> Callable[[Handler], Handler]:
    """Mark a function as what a button (or select) with this ``action`` does."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _ACTION_META, _ActionMeta(action, role, False, separator))
        return handler

    return mark


def form(form_id: str, *, role: Role = "anyone") -> Callable[[Handler], Handler]:
    """Mark a function as what submitting the form ``form_id`` does."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _ACTION_META, _ActionMeta(form_id, role, is_form=True))
        return handler

    return mark


def on(event: str) -> Callable[[Handler], Handler]:
    """Mark a function as a handler of the platform event ``event`` (``Core.event``: a
    member joined the workspace, a channel, replied in a thread). An event may have several
    handlers, in several areas; each is called, in the order the areas were discovered."""

    def mark(handler: Handler) -> Handler:
        events = getattr(handler, _EVENT_META, ())
        setattr(handler, _EVENT_META, (*events, event))
        return handler

    return mark


def listens(event: str) -> Callable[[Handler], Handler]:
    """Mark a function as a listener of an event one area tells the others about with
    ``ctx.emit`` (``"community.joined"``): how areas work together without importing each
    other. Listeners run in the emitter's transaction and return what the emitter adds to
    its reply, if anything."""

    def mark(handler: Handler) -> Handler:
        events = getattr(handler, _LISTEN_META, ())
        setattr(handler, _LISTEN_META, (*events, event))
        return handler

    return mark


def _params(handler: Handler, skip: int = 1) -> tuple[Param, ...]:
    hints = typing.get_type_hints(handler, include_extras=True)
    signature = inspect.signature(handler)
    params: list[Param] = []
    for position, (pname, parameter) in enumerate(signature.parameters.items()):
        if position < skip:
            continue  # ctx (and a form's values)
        hint = hints.get(pname)
        metadata = getattr(hint, "__metadata__", ())
        arg = next((m for m in metadata if isinstance(m, Arg)), None)
        if arg is None:
            raise TypeError(f"{handler.__qualname__}: parameter {pname} needs Annotated[..., Arg]")
        required = parameter.default is inspect.Parameter.empty
        params.append(Param(pname, arg, required, None if required else parameter.default))
    return tuple(params)


COMMUNITY_KINDS = ("community", "meeting", "resource", "prompt")


def _check_declared(entry: str, role: Role, params: tuple[Param, ...]) -> None:
    """A community role needs an argument the community can be read from; refused at
    start-up rather than silently unenforced."""
    if role in COMMUNITY_ROLES and not any(p.arg.kind in COMMUNITY_KINDS for p in params):
        raise TypeError(f"{entry}: role {role!r} needs a community, meeting, resource or prompt")


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    press_handlers: dict[str, Action] = field(default_factory=dict)
    form_handlers: dict[str, Action] = field(default_factory=dict)
    event_handlers: dict[str, list[Handler]] = field(default_factory=dict)
    listeners: dict[str, list[Handler]] = field(default_factory=dict)
    # argument kind -> what reads it: the kernel's, plus those the areas define
    resolvers: dict[str, Resolver] = field(default_factory=kernel_resolvers)
    # how each form is built and checked answer by answer, with drafts (each area's FORMS;
    # what saving it does is its @form handler)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    # effect handler name -> what runs a command's queued effect (``bot.kernel.effects``):
    # the kernel's post, direct and join_channel, plus those the areas declare
    effect_handlers: dict[str, EffectHandler] = field(default_factory=kernel_effect_handlers)

    @property
    def completers(self) -> dict[str, Handler]:
        """Argument kind -> ``complete(ctx, prefix)``, for the kinds that complete."""
        return {kind: r.complete for kind, r in self.resolvers.items() if r.completes}

    def resolver(self, kind: str) -> Resolver:
        return self.resolvers[kind]

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Registry:
        registry = cls()
        for module in modules:
            registry.add_module(module)
        registry.check()
        return registry

    def add_module(self, module: ModuleType) -> None:
        for legacy in ("PRESS_HANDLERS", "FORM_HANDLERS", "EVENT_HANDLERS", "COMPLETERS"):
            if hasattr(module, legacy):  # would be silently ignored: say what replaced it
                raise TypeError(
                    f"{module.__name__}.{legacy}: declare handlers with @button, @form or @on, "
                    "and completion in a Resolver"
                )
        for spec in getattr(module, "FORMS", ()):
            if spec.form_id in self.forms:
                raise ValueError(f"form {spec.form_id!r} defined twice ({module.__name__})")
            self.forms[spec.form_id] = spec
        for _, handler in inspect.getmembers(module, inspect.iscoroutinefunction):
            # a handler imported from another module belongs to that module, not this one
            if handler.__module__ != module.__name__:
                continue
            meta: _CommandMeta | None = getattr(handler, _META, None)
            if meta is not None:
                self.add(handler, meta)
            action: _ActionMeta | None = getattr(handler, _ACTION_META, None)
            if action is not None:
                self.add_action(handler, action)
            for event in getattr(handler, _EVENT_META, ()):
                self.event_handlers.setdefault(event, []).append(handler)
            for event in getattr(handler, _LISTEN_META, ()):
                self.listeners.setdefault(event, []).append(handler)
            name = effect_name(handler)
            if name is not None:
                if name in self.effect_handlers:
                    raise ValueError(f"effect {name!r} defined twice ({module.__name__})")
                self.effect_handlers[name] = handler
        for _, found in inspect.getmembers(module, inspect.isclass):
            if issubclass(found, Resolver) and found.__module__ == module.__name__ and found.kind:
                if found.kind in self.resolvers and not isinstance(
                    self.resolvers[found.kind], found
                ):
                    raise ValueError(f"resolver {found.kind!r} defined twice ({module.__name__})")
                self.resolvers[found.kind] = found()

    def check(self) -> None:
        """Every argument kind used has a resolver, and every form spec its @form handler
        (called once all modules are added)."""
        for form_id in self.forms:
            if form_id not in self.form_handlers:
                raise TypeError(f"form {form_id!r} has a FormSpec but no @form handler")
        entries: list[Command | Action] = [
            *self.commands.values(),
            *self.press_handlers.values(),
            *self.form_handlers.values(),
        ]
        for entry in entries:
            for param in entry.params:
                if param.arg.kind not in self.resolvers:
                    raise TypeError(f"{entry.name}: no resolver for kind {param.arg.kind!r}")

    def add_action(self, handler: Handler, meta: _ActionMeta) -> None:
        table = self.form_handlers if meta.is_form else self.press_handlers
        if meta.name in table:
            kind = "form" if meta.is_form else "button"
            raise ValueError(f"{kind} {meta.name!r} defined twice ({handler.__module__})")
        params = _params(handler, skip=2 if meta.is_form else 1)
        action = Action(meta.name, handler, params, meta.role, meta.is_form, meta.separator)
        _check_declared(action.entry, meta.role, params)
        table[meta.name] = action

    def add(self, handler: Handler, meta: _CommandMeta) -> None:
        if meta.name in self.commands:
            raise ValueError(f"command {meta.name!r} defined twice")
        doc = inspect.getdoc(handler) or ""
        params = _params(handler)
        _check_declared(meta.name, meta.role, params)
        self.commands[meta.name] = Command(
            name=meta.name,
            handler=handler,
            params=params,
            help_en=doc.split("\n", 1)[0].strip(),
            role=meta.role,
            usage=meta.usage,
            examples=meta.examples,
            hidden=meta.hidden,
            read_only=meta.read_only,
        )

    def find(self, words: list[str]) -> tuple[Command, int] | None:
        """The command the leading words name (longest match first) and how many words."""
        lowered = [w.lower() for w in words[:3]]
        for size in (3, 2, 1):
            if len(lowered) >= size:
                candidate = self.commands.get(" ".join(lowered[:size]))
                if candidate is not None:
                    return candidate, size
        return None

    def groups(self) -> dict[str, list[Command]]:
        """Sub-commands by group name ("community" -> create, edit, ...)."""
        grouped: dict[str, list[Command]] = {}
        for cmd in self.commands.values():
            if cmd.group:
                grouped.setdefault(cmd.group, []).append(cmd)
        return grouped
