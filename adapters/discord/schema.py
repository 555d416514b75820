"""Discord application commands generated from the core's command registry.

Nothing here is written per command: each registry command becomes a slash command, or a
sub-command of its first word (``community create`` -> ``/community create``; three words
make a sub-command group). Options are typed from ``Arg.kind`` and the community, meeting,
resource and time zone kinds autocomplete through ``Core.autocomplete``. Descriptions and
names are English, with ``description_localizations`` and ``name_localizations`` for each
offered language Discord knows, read from that language's catalog (command words and
option names under the ``command name``/``option name`` contexts). ``CommandSchema.routes``
maps what Discord sends back (the path of names) to the registry command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.kernel.core import Core
from bot.kernel.i18n import Translator
from bot.kernel.registry import Command, Param, Registry

STRING, INTEGER, USER = 3, 4, 6
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
OPTION_TYPES = {"int": INTEGER, "prompt": INTEGER, "member": USER}
MANAGE_GUILD = 1 << 5
GUILD_CONTEXT = 0  # commands only make sense in a server: the server is the workspace
NAME = re.compile(r"^[-_\w]{1,32}$")  # \w is Unicode: Discord's ^[-_\p{L}\p{N}]{1,32}$
MAX_OPTIONS, MAX_COMMANDS, MAX_DESCRIPTION = 25, 100, 100


# the locales Discord accepts in localizations (its list, as its documentation spells it)
_LOCALE_LIST = (
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs "
    "el bg ru uk hi th zh-CN ja zh-TW ko"
)
DISCORD_LOCALES = frozenset(_LOCALE_LIST.split())
COMMAND_NAME, OPTION_NAME = "command name", "option name"
# Discord locale -> the catalog that localizes it
Localizers = dict[str, Translator]


def discord_locale(language: str) -> str | None:
    """The Discord locale of one of our language codes (``fr`` -> ``fr``), if Discord has it."""
    if language in DISCORD_LOCALES:
        return language
    base = language.split("-", 1)[0]
    return next((loc for loc in sorted(DISCORD_LOCALES) if loc.split("-", 1)[0] == base), None)


def localizers(translators: list[Translator]) -> Localizers:
    """The non-English translators keyed by the Discord locale they localize."""
    out: Localizers = {}
    for tr in translators:
        locale = discord_locale(tr.language)
        if locale is not None and tr.locale.language != "en":
            out[locale] = tr
    return out


def localized_name(name: str, tr: Translator, context: str) -> str | None:
    """The catalog's name for a command word or option, made to follow Discord's name rules
    (lower case, no spaces, 1-32 letters, digits, - or _); None when it has none."""
    text = tr.pgettext(context, name).strip().lower().replace(" ", "-").replace("'", "-")
    return text if NAME.match(text) else None


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


def _described(english: str, local: Localizers) -> dict[str, Any]:
    entry: dict[str, Any] = {"description": _clip(english)}
    translated = {loc: _clip(tr(english)) for loc, tr in local.items() if tr(english) != english}
    if translated:
        entry["description_localizations"] = translated
    return entry


def _named(name: str, local: Localizers, context: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    names = {loc: n for loc, tr in local.items() if (n := localized_name(name, tr, context))}
    if names:
        entry["name_localizations"] = names
    return entry


def _group_help(
    registry: Registry, path: tuple[str, ...], options: list[dict[str, Any]], local: Localizers
) -> dict[str, Any]:
    """A group's own help text if the registry has a command by its name, else what it
    holds."""
    name = " ".join(path)
    own = registry.commands.get(name)
    if own is not None and own.help_en:
        return _described(own.help_en, local)
    listing = ", ".join(sorted(o["name"] for o in options))
    entry: dict[str, Any] = {"description": _clip(f"{name}: {listing}")}
    if local:
        entry["description_localizations"] = {
            loc: _clip(tr("{name}: {commands}", name=name, commands=listing))
            for loc, tr in local.items()
        }
    return entry


def option_for(
    param: Param, registry: Registry | None = None, local: Localizers | None = None
) -> dict[str, Any]:
    arg = param.arg
    local = local or {}
    option: dict[str, Any] = {
        "type": OPTION_TYPES.get(arg.kind, STRING),
        **_named(param.name.lower(), local, OPTION_NAME),
        **_described(arg.label, local),
        "required": param.required,
    }
    if arg.kind == "choice":
        option["choices"] = [{"name": c, "value": c} for c in arg.choices[:25]]
    elif option["type"] == STRING and _completes(registry, arg.kind):
        option["autocomplete"] = True
    if option["type"] == STRING and arg.kind not in ("tags", "choice"):
        option["max_length"] = max(1, min(arg.max_length, 6000))
    return option


def _completes(registry: Registry | None, kind: str) -> bool:
    """Whether the resolver of an argument kind offers completions (community, meeting,
    resource, time zone)."""
    resolver = (registry or Registry()).resolvers.get(kind)
    return resolver is not None and resolver.completes


def _leaf(
    registry: Registry, name: str, command: Command, fixed: dict[str, str], local: Localizers
) -> dict[str, Any]:
    return {
        "type": SUB_COMMAND,
        **_named(name, local, COMMAND_NAME),
        **_described(command.help_en or name, local),
        "options": [option_for(p, registry, local) for p in command.params if p.name not in fixed],
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
    local: Localizers,
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
            options.append(_leaf(registry, word, bare, {}, local))
            routes[path] = Route(bare)
            continue
        if depth >= 2:
            raise ValueError(f"commands nest deeper than Discord allows under {' '.join(path)}")
        sub = _children(registry, path, deeper, routes, depth + 1, local)
        if bare is not None:
            for name, fixed in _expand_bare(registry, bare, {o["name"] for o in sub}):
                sub.append(_leaf(registry, name, bare, fixed, local))
                routes[(*path, name)] = Route(bare, fixed)
        options.append(
            {
                "type": SUB_COMMAND_GROUP,
                **_named(word, local, COMMAND_NAME),
                **_group_help(registry, path, sub, local),
                "options": sub,
            }
        )
    return options


def build_schema(registry: Registry, local: Localizers | None = None) -> CommandSchema:
    """``local``: the catalogs that localize names and descriptions, by Discord locale."""
    local = local or {}
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
            body = _leaf(registry, word, bare, {}, local)
            routes[(word,)] = Route(bare)
            options = body["options"]
            described = _described(bare.help_en or word, local)
        else:
            options = _children(registry, (word,), deeper, routes, 1, local)
            if bare is not None:
                for name, fixed in _expand_bare(registry, bare, {o["name"] for o in options}):
                    options.append(_leaf(registry, name, bare, fixed, local))
                    routes[(word, name)] = Route(bare, fixed)
            described = _group_help(registry, (word,), options, local)
        entry: dict[str, Any] = {
            "type": 1,
            **_named(word, local, COMMAND_NAME),
            **described,
            "options": options,
            "contexts": [GUILD_CONTEXT],
            "integration_types": [0],
        }
        if all(c.role == "admin" for c in commands):
            # only a default: server managers can re-grant it; the core checks regardless
            entry["default_member_permissions"] = str(MANAGE_GUILD)
        payload.append(entry)
    return CommandSchema(payload, routes)


def core_schema(core: Core) -> CommandSchema:
    """The schema of the core's registry, localized in every language it offers."""
    offered = [core.translator(code) for code in core.settings.language_codes]
    return build_schema(core.registry, localizers(offered))


def problems(payload: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in a payload (names, counts, lengths, option order)."""
    found: list[str] = []
    if len(payload) > MAX_COMMANDS:
        found.append(f"{len(payload)} commands: Discord allows {MAX_COMMANDS}")

    def check(entry: dict[str, Any], where: str) -> None:
        name = entry["name"]
        for each in (name, *entry.get("name_localizations", {}).values()):
            if not NAME.match(each) or each != each.lower():
                found.append(f"{where}: bad name {each!r}")
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
        for locale in {loc for o in options for loc in o.get("name_localizations", {})}:
            local_names = [o.get("name_localizations", {}).get(locale, o["name"]) for o in options]
            if len(set(local_names)) != len(local_names):
                found.append(f"{where}: duplicate {locale} option names {local_names}")
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
