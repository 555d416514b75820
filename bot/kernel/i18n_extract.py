"""What ``pybabel extract`` finds beyond calls to the translation functions: the parts of
a command declared once in its area (``babel.cfg`` names this extractor).

For each ``@command("name", usage=..., examples=[...])`` handler it yields the docstring's
first line (the help), the usage line and each example (contexts ``command usage`` and
``command example``), each command word and parameter name (contexts ``command name`` and
``option name``, for Discord's ``name_localizations``).

Calls to the keywords (``ctx.tr(...)``, ``N_(...)``, ``UserError(...)``...) are found from
the syntax tree rather than by Babel's token scanner, which misses a call nested in the
arguments of another (``tr.spans("{x}", x=tr("y"))``) and calls inside f-strings.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

# the translation functions and what they take, as ``pybabel extract -k`` reads them
# (the Makefile's ``make catalogs`` and the catalog tests both read this one list)
KEYWORDS = {
    "gettext": None,
    "tr": None,
    "spans": None,
    "N_": None,
    "ngettext": (1, 2),
    "nspans": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pspans": ((1, "c"), 2),
    "UserError": None,
    "NotFound": None,
    "PermissionDenied": None,
    "Arg": None,
    "LibraryPrompt": (2,),
    # the words members type for what a command does (bot/kernel/command_words.py)
    "said": None,
    # the web front's words (adapters/web/words.py) and its templates' _()
    "_": None,
    "words": None,
    "plain": None,
}


# what a translator is told of a keyword's strings (``#.`` in the catalogs)
NOTES = {
    "said": (
        "Words members type for what a command does (the command is named on the source "
        "line), in your language, separated by spaces; an unknown command typed as one of "
        "them is answered with that command.",
    ),
}


def pybabel_flags() -> str:
    """``-k tr -k nspans:1,2 -k pspans:1c,2 ...`` for the command line."""
    flags = []
    for name, spec in KEYWORDS.items():
        if spec is None:
            flags.append(f"-k {name}")
            continue
        parts = [f"{p[0]}{p[1]}" if isinstance(p, tuple) else str(p) for p in spec]
        flags.append(f"-k {name}:{','.join(parts)}")
    return " ".join(flags)


USAGE, EXAMPLE = "command usage", "command example"
COMMAND_NAME, OPTION_NAME = "command name", "option name"

Extracted = tuple[int, str, Any, list[str]]


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: dict[str, Any],
) -> Iterator[Extracted]:
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    yield from keyword_calls(source, keywords)
    yield from registry_messages(source)


def keyword_calls(source: str, keywords: Mapping[str, Any]) -> Iterator[Extracted]:
    """Every call of a keyword (by its last name: ``ctx.tr.spans`` is ``spans``), with its
    positional arguments; Babel picks the ones the keyword's spec names and skips an
    argument that is not a literal (``None``)."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if isinstance(name, str) and name in keywords and node.args:
            arguments = tuple(_text(arg) for arg in node.args)
            if any(argument is not None for argument in arguments):
                yield node.lineno, name, arguments, list(NOTES.get(name, ()))


def registry_messages(source: str) -> Iterator[Extracted]:
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if _is_command(decorator):
                assert isinstance(decorator, ast.Call)
                yield from _command_messages(node, decorator)


def _is_command(decorator: ast.expr) -> bool:
    if not isinstance(decorator, ast.Call):
        return False
    func = decorator.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "command" and bool(decorator.args) and _text(decorator.args[0]) is not None


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _command_messages(
    handler: ast.AsyncFunctionDef | ast.FunctionDef, decorator: ast.Call
) -> Iterator[Extracted]:
    line = decorator.lineno
    name = _text(decorator.args[0]) or ""
    where = [f"command: {name}"]
    doc = ast.get_docstring(handler)
    if doc and doc.split("\n", 1)[0].strip():
        yield handler.body[0].lineno, "gettext", doc.split("\n", 1)[0].strip(), where
    for keyword in decorator.keywords:
        if keyword.arg == "usage" and (usage := _text(keyword.value)):
            yield keyword.value.lineno, "pgettext", (USAGE, usage), where
        elif keyword.arg == "examples" and isinstance(keyword.value, ast.List | ast.Tuple):
            for item in keyword.value.elts:
                if (example := _text(item)) is not None:
                    yield item.lineno, "pgettext", (EXAMPLE, example), where
    for word in name.split():
        yield line, "pgettext", (COMMAND_NAME, word), where
    for position, arg in enumerate(handler.args.args):
        if position > 0:  # ctx
            yield arg.lineno, "pgettext", (OPTION_NAME, arg.arg), where


if __name__ == "__main__":
    print(pybabel_flags())
