"""The command registry: each command is declared once, in its area module.

A command is an async function decorated with ``@command``. Its typed signature *is* its
schema: every parameter after ``ctx`` is ``Annotated[<type>, Arg(...)]``, and a default
makes it optional. Its docstring's first line is its English help; the French one is the
``help.<name>`` text of the area's ``TEXTS``. Adapters read ``Registry.commands`` to build
Slack sub-commands, Discord application commands and the console's parser.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Literal

from bot.kernel.i18n import Catalog

ArgKind = Literal[
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
    "int",
]
Role = Literal["anyone", "member", "coordinator", "admin"]


@dataclass(frozen=True)
class Arg:
    """A parameter's help (English, French) and how to read it from text."""

    en: str
    fr: str
    kind: ArgKind = "word"
    choices: tuple[str, ...] = ()
    max_length: int = 200
    # for an optional community: may be given as "in <community>" anywhere in the line
    via_in: bool = False


@dataclass(frozen=True)
class Param:
    name: str
    arg: Arg
    required: bool
    default: Any = None


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


def command(
    name: str,
    *,
    usage: str,
    examples: Iterable[str] = (),
    role: Role = "anyone",
    hidden: bool = False,
) -> Callable[[Handler], Handler]:
    """Mark a function as a command. Only attaches metadata; ``Registry`` collects it."""

    def mark(handler: Handler) -> Handler:
        setattr(handler, _META, _CommandMeta(name, role, usage, tuple(examples), hidden))
        return handler

    return mark


def _params(handler: Handler) -> tuple[Param, ...]:
    hints = typing.get_type_hints(handler, include_extras=True)
    signature = inspect.signature(handler)
    params: list[Param] = []
    for position, (pname, parameter) in enumerate(signature.parameters.items()):
        if position == 0:
            continue  # ctx
        hint = hints.get(pname)
        metadata = getattr(hint, "__metadata__", ())
        arg = next((m for m in metadata if isinstance(m, Arg)), None)
        if arg is None:
            raise TypeError(f"{handler.__qualname__}: parameter {pname} needs Annotated[..., Arg]")
        required = parameter.default is inspect.Parameter.empty
        params.append(Param(pname, arg, required, None if required else parameter.default))
    return tuple(params)


@dataclass
class Registry:
    commands: dict[str, Command] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    press_handlers: dict[str, Handler] = field(default_factory=dict)
    form_handlers: dict[str, Handler] = field(default_factory=dict)
    event_handlers: dict[str, Handler] = field(default_factory=dict)
    completers: dict[str, Handler] = field(default_factory=dict)

    @classmethod
    def from_modules(cls, modules: Iterable[ModuleType]) -> Registry:
        registry = cls()
        for module in modules:
            registry.add_module(module)
        return registry

    def add_module(self, module: ModuleType) -> None:
        texts: Catalog = getattr(module, "TEXTS", {})
        for key, value in texts.items():
            if key in self.texts and self.texts[key] != value:
                raise ValueError(f"text {key!r} defined twice differently ({module.__name__})")
            self.texts[key] = value
        for _, handler in inspect.getmembers(module, inspect.iscoroutinefunction):
            meta: _CommandMeta | None = getattr(handler, _META, None)
            # a command imported from another area belongs to that area, not this one
            if meta is not None and handler.__module__ == module.__name__:
                self.add(handler, meta)
        # buttons, forms, events and autocompletion: module-level dicts of key -> handler
        for attribute, table in (
            ("PRESS_HANDLERS", self.press_handlers),
            ("FORM_HANDLERS", self.form_handlers),
            ("EVENT_HANDLERS", self.event_handlers),
            ("COMPLETERS", self.completers),
        ):
            for key, handler in getattr(module, attribute, {}).items():
                if key in table:
                    raise ValueError(f"{attribute} {key!r} defined twice ({module.__name__})")
                table[key] = handler

    def add(self, handler: Handler, meta: _CommandMeta) -> None:
        if meta.name in self.commands:
            raise ValueError(f"command {meta.name!r} defined twice")
        doc = inspect.getdoc(handler) or ""
        self.commands[meta.name] = Command(
            name=meta.name,
            handler=handler,
            params=_params(handler),
            help_en=doc.split("\n", 1)[0].strip(),
            role=meta.role,
            usage=meta.usage,
            examples=meta.examples,
            hidden=meta.hidden,
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
