"""Discord application commands generated from the core's command registry.

Nothing here is written per command: each registry command becomes a slash command, or a
sub-command of its first word (``community create`` -> ``/community create``; three words
make a sub-command group). Options are typed from ``Arg.kind``, described from ``Arg.en``
with ``Arg.fr`` as the French localization, and the community, meeting, resource and time
zone kinds autocomplete through ``Core.autocomplete``. ``CommandSchema.routes`` maps what
Discord sends back (the path of names) to the registry command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.kernel.registry import Command, Param, Registry

STRING, INTEGER, USER = 3, 4, 6
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
OPTION_TYPES = {"int": INTEGER, "member": USER}
AUTOCOMPLETE_KINDS = frozenset({"community", "meeting", "resource", "timezone"})
MANAGE_GUILD = 1 << 5
GUILD_CONTEXT = 0  # commands only make sense in a server: the server is the workspace
NAME = re.compile(r"^[-_\w]{1,32}$")
MAX_OPTIONS, MAX_COMMANDS, MAX_DESCRIPTION = 25, 100, 100


@dataclass(frozen=True)
class Route:
    """The registry command behind a Discord command path, plus options its path fixes
    (a choice expanded into sub-commands: ``/networking on``)."""

    command: Command
    fixed: dict[str, str] = field(default_factory=dict)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.command.params if p.name == name), None)


@dataclass
class CommandSchema:
    payload: list[dict[str, Any]]
    routes: dict[tuple[str, ...], Route]


def _clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    text = " ".join(text.split()) or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _described(english: str, french: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": _clip(english)}
    if french:
        entry["description_localizations"] = {"fr": _clip(french)}
    return entry


def _help(registry: Registry, name: str, fallback: str) -> tuple[str, str | None]:
    english, french = registry.texts.get(f"help.{name}", (fallback, None))  # type: ignore[arg-type]
    return english or fallback, french


def _group_help(
    registry: Registry, path: tuple[str, ...], options: list[dict[str, Any]]
) -> tuple[str, str]:
    """A group's own help text if the registry has one, else what it holds."""
    name = " ".join(path)
    english, french = registry.texts.get(f"help.{name}", ("", ""))
    listing = ", ".join(sorted(o["name"] for o in options))
    return english or f"{name}: {listing}", french or f"{name} : {listing}"


def option_for(param: Param) -> dict[str, Any]:
    arg = param.arg
    option: dict[str, Any] = {
        "type": OPTION_TYPES.get(arg.kind, STRING),
        "name": param.name.lower(),
        **_described(arg.en, arg.fr),
        "required": param.required,
    }
    if arg.kind == "choice":
        option["choices"] = [{"name": c, "value": c} for c in arg.choices[:25]]
    elif arg.kind in AUTOCOMPLETE_KINDS:
        option["autocomplete"] = True
    if option["type"] == STRING and arg.kind not in ("tags", "choice"):
        option["max_length"] = max(1, min(arg.max_length, 6000))
    return option


def _leaf(
    registry: Registry,
    name: str,
    command: Command,
    fixed: dict[str, str],
    english: str | None = None,
) -> dict[str, Any]:
    help_en, help_fr = _help(registry, command.name, command.help_en)
    return {
        "type": SUB_COMMAND,
        "name": name,
        **_described(english or help_en, help_fr),
        "options": [option_for(p) for p in command.params if p.name not in fixed],
    }


def _expand_bare(
    registry: Registry, bare: Command, taken: set[str]
) -> list[tuple[str, dict[str, str]]]:
    """Discord can't run a command that also has sub-commands, so a bare command beside
    its sub-commands (``networking on|off`` beside ``networking schedule``) becomes one
    sub-command per value of its leading choice, or else a sub-command named like it."""
    first = bare.params[0] if bare.params else None
    if first is not None and first.required and first.arg.kind == "choice":
        names = [c.lower() for c in first.arg.choices]
        if all(NAME.match(n) for n in names) and not taken.intersection(names):
            return [(n, {first.name: n}) for n in names]
    return [(bare.words[-1], {})]


def _children(
    registry: Registry,
    prefix: tuple[str, ...],
    commands: list[Command],
    routes: dict[tuple[str, ...], Route],
    depth: int,
) -> list[dict[str, Any]]:
    """Sub-commands (and groups) for the commands below ``prefix``."""
    by_word: dict[str, list[Command]] = {}
    for command in commands:
        by_word.setdefault(command.words[len(prefix)], []).append(command)
    options: list[dict[str, Any]] = []
    for word, group in sorted(by_word.items()):
        path = (*prefix, word)
        bare = next((c for c in group if len(c.words) == len(path)), None)
        deeper = [c for c in group if len(c.words) > len(path)]
        if not deeper and bare is not None:
            options.append(_leaf(registry, word, bare, {}))
            routes[path] = Route(bare)
            continue
        if depth >= 2:
            raise ValueError(f"commands nest deeper than Discord allows under {' '.join(path)}")
        sub = _children(registry, path, deeper, routes, depth + 1)
        if bare is not None:
            for name, fixed in _expand_bare(registry, bare, {o["name"] for o in sub}):
                sub.append(_leaf(registry, name, bare, fixed))
                routes[(*path, name)] = Route(bare, fixed)
        english, french = _group_help(registry, path, sub)
        options.append(
            {"type": SUB_COMMAND_GROUP, "name": word, **_described(english, french), "options": sub}
        )
    return options


def build_schema(registry: Registry) -> CommandSchema:
    visible = [c for c in registry.commands.values() if not c.hidden]
    routes: dict[tuple[str, ...], Route] = {}
    top: dict[str, list[Command]] = {}
    for command in visible:
        top.setdefault(command.words[0], []).append(command)
    payload: list[dict[str, Any]] = []
    for word, commands in sorted(top.items()):
        bare = next((c for c in commands if len(c.words) == 1), None)
        deeper = [c for c in commands if len(c.words) > 1]
        if not deeper and bare is not None:
            body = _leaf(registry, word, bare, {})
            routes[(word,)] = Route(bare)
            options = body["options"]
            english, french = _help(registry, bare.name, bare.help_en)
        else:
            options = _children(registry, (word,), deeper, routes, 1)
            if bare is not None:
                for name, fixed in _expand_bare(registry, bare, {o["name"] for o in options}):
                    options.append(_leaf(registry, name, bare, fixed))
                    routes[(word, name)] = Route(bare, fixed)
            english, french = _group_help(registry, (word,), options)
        entry: dict[str, Any] = {
            "type": 1,
            "name": word,
            **_described(english, french),
            "options": options,
            "contexts": [GUILD_CONTEXT],
            "integration_types": [0],
        }
        if all(c.role == "admin" for c in commands):
            # only a default: server managers can re-grant it; the core checks regardless
            entry["default_member_permissions"] = str(MANAGE_GUILD)
        payload.append(entry)
    return CommandSchema(payload, routes)


def problems(payload: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in a payload (names, counts, lengths, option order)."""
    found: list[str] = []
    if len(payload) > MAX_COMMANDS:
        found.append(f"{len(payload)} commands: Discord allows {MAX_COMMANDS}")

    def check(entry: dict[str, Any], where: str) -> None:
        name = entry["name"]
        if not NAME.match(name) or name != name.lower():
            found.append(f"{where}: bad name {name!r}")
        for key in ("description",):
            if not 1 <= len(entry[key]) <= MAX_DESCRIPTION:
                found.append(f"{where}: {key} length {len(entry[key])}")
        for text in entry.get("description_localizations", {}).values():
            if not 1 <= len(text) <= MAX_DESCRIPTION:
                found.append(f"{where}: localized description length {len(text)}")
        options = entry.get("options", [])
        if len(options) > MAX_OPTIONS:
            found.append(f"{where}: {len(options)} options")
        names = [o["name"] for o in options]
        if len(set(names)) != len(names):
            found.append(f"{where}: duplicate option names {names}")
        seen_optional = False
        for option in options:
            if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
                check(option, f"{where} {option['name']}")
                continue
            if option.get("required"):
                if seen_optional:
                    found.append(f"{where}: required {option['name']} after an optional one")
            else:
                seen_optional = True
            check(option, f"{where} [{option['name']}]")

    for command in payload:
        check(command, "/" + command["name"])
    return found
