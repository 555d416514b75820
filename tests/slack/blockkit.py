"""Slack's Block Kit limits, as the real Web API enforces them: a message or view that
breaks one is refused (``invalid_blocks``), so the fake refuses it too.

The figures are Slack's published ones (api.slack.com/reference/block-kit): 50 blocks in a
message and 100 in a modal or App Home; a section's text at most 3000 characters, its
fields at most 10 of at most 2000; a header's text 150; at most 10 elements in a context
block and 25 in an actions block; a button's text 75, value 2000, url 3000; action ids
255; a select's options 100, each with text 75 and value 150; every text non-empty.
A message's blocks together may hold only about 13,200 characters of text: past that Slack
answers ``msg_blocks_too_long`` (undocumented; measured in slackapi/bolt-js#2509).
"""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_TEXT = 13_000


def text_chars(node: Any) -> int:
    if isinstance(node, dict):
        own = len(node["text"]) if isinstance(node.get("text"), str) else 0
        return own + sum(text_chars(v) for v in node.values() if isinstance(v, dict | list))
    if isinstance(node, list):
        return sum(text_chars(item) for item in node)
    return 0


class Problems:
    def __init__(self) -> None:
        self.found: list[str] = []

    def need(self, ok: bool, what: str) -> None:
        if not ok:
            self.found.append(what)


def _text(problems: Problems, obj: Any, where: str, limit: int, *, kinds: tuple[str, ...]) -> None:
    if not isinstance(obj, dict):
        problems.found.append(f"{where}: not a text object")
        return
    problems.need(obj.get("type") in kinds, f"{where}: text type {obj.get('type')!r}")
    text = obj.get("text")
    problems.need(isinstance(text, str) and len(text) >= 1, f"{where}: empty text")
    if isinstance(text, str):
        problems.need(len(text) <= limit, f"{where}: {len(text)} characters > {limit}")


def _element(problems: Problems, element: dict[str, Any], where: str) -> None:
    kind = element.get("type")
    action_id = element.get("action_id")
    if action_id is not None:
        problems.need(len(str(action_id)) <= 255, f"{where}: action_id too long")
    if kind == "button":
        _text(problems, element.get("text"), f"{where}.text", 75, kinds=("plain_text",))
        problems.need(len(str(element.get("value", ""))) <= 2000, f"{where}: value > 2000")
        problems.need(len(str(element.get("url", ""))) <= 3000, f"{where}: url > 3000")
    elif kind == "static_select":
        options = element.get("options") or []
        problems.need(1 <= len(options) <= 100, f"{where}: {len(options)} options")
        for index, option in enumerate(options):
            _text(problems, option.get("text"), f"{where}.option{index}", 75, kinds=("plain_text",))
            value = str(option.get("value", ""))
            problems.need(1 <= len(value) <= 150, f"{where}.option{index}: value length")
        if "placeholder" in element:
            _text(
                problems, element["placeholder"], f"{where}.placeholder", 150, kinds=("plain_text",)
            )
    elif kind == "plain_text_input":
        problems.need(int(element.get("max_length", 3000)) <= 3000, f"{where}: max_length")
        problems.need(len(str(element.get("initial_value", ""))) <= 3000, f"{where}: initial_value")
    else:
        problems.found.append(f"{where}: element type {kind!r} not expected")


def _block(problems: Problems, block: dict[str, Any], where: str, surface: str) -> None:
    kind = block.get("type")
    if "block_id" in block:
        problems.need(len(str(block["block_id"])) <= 255, f"{where}: block_id > 255")
    mrkdwn_or_plain = ("mrkdwn", "plain_text")
    if kind == "section":
        has_text = "text" in block
        fields = block.get("fields")
        problems.need(has_text or bool(fields), f"{where}: section without text or fields")
        if has_text:
            _text(problems, block["text"], f"{where}.text", 3000, kinds=mrkdwn_or_plain)
        if fields is not None:
            problems.need(1 <= len(fields) <= 10, f"{where}: {len(fields)} fields")
            for index, item in enumerate(fields):
                _text(problems, item, f"{where}.field{index}", 2000, kinds=mrkdwn_or_plain)
    elif kind == "header":
        _text(problems, block.get("text"), f"{where}.text", 150, kinds=("plain_text",))
    elif kind == "context":
        elements = block.get("elements") or []
        problems.need(1 <= len(elements) <= 10, f"{where}: {len(elements)} context elements")
        for index, item in enumerate(elements):
            _text(problems, item, f"{where}.element{index}", 3000, kinds=mrkdwn_or_plain)
    elif kind == "actions":
        elements = block.get("elements") or []
        problems.need(1 <= len(elements) <= 25, f"{where}: {len(elements)} actions elements")
        ids = [e.get("action_id") for e in elements if e.get("action_id")]
        problems.need(len(ids) == len(set(ids)), f"{where}: duplicate action_id")
        for index, element in enumerate(elements):
            _element(problems, element, f"{where}.element{index}")
    elif kind == "divider":
        pass
    elif kind == "input" and surface == "modal":
        _text(problems, block.get("label"), f"{where}.label", 2000, kinds=("plain_text",))
        _element(problems, block.get("element") or {}, f"{where}.element")
    else:
        problems.found.append(f"{where}: block type {kind!r} not allowed in a {surface}")


def block_problems(blocks: Any, surface: str = "message") -> list[str]:
    """What Slack would reject in ``blocks`` (empty when they are fine)."""
    problems = Problems()
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    limit = MAX_BLOCKS[surface]
    problems.need(len(blocks) <= limit, f"{len(blocks)} blocks > {limit}")
    for index, block in enumerate(blocks):
        _block(problems, block, f"blocks[{index}]", surface)
    if surface == "message":
        total = text_chars(blocks)
        problems.need(total <= MAX_MESSAGE_TEXT, f"msg_blocks_too_long: {total} characters")
    return problems.found


def view_problems(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view: not an object"]
    surface = str(view.get("type"))
    if surface not in ("modal", "home"):
        return [f"view type {surface!r}"]
    problems = block_problems(view.get("blocks") or [], surface)
    if surface == "modal":
        for key in ("title", "submit", "close"):
            if key in view:
                obj = view[key]
                text = obj.get("text", "") if isinstance(obj, dict) else ""
                if not 1 <= len(text) <= 24:
                    problems.append(f"view.{key}: {len(text)} characters")
        if len(str(view.get("private_metadata", ""))) > 3000:
            problems.append("view.private_metadata > 3000")
    return problems
