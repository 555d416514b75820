"""Which discussion prompt a community gets next, and posting it: approved member suggestions
first, then the coordinators' own prompts, then the library in the community's language.
Used by ``prompt now`` and by the scheduler's prompts planner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.kernel.i18n import Translator
from bot.kernel.messages import (
    Heading,
    Message,
    Note,
    Paragraph,
    Text,
)
from data.models import Community, Prompt
from data.prompt_library import BY_KEY, LIBRARY, LibraryPrompt

# among prompts never posted (or posted equally long ago): suggestions, custom, library
SOURCE_RANK = {"suggested": 0, "custom": 1, "library": 2}
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class NextPrompt:
    """The prompt to post: a stored row, or a library prompt never posted here."""

    text: str
    row: Prompt | None
    library: LibraryPrompt | None


def _text_of(row: Prompt, tr: Translator) -> str:
    if row.source == "library" and row.library_key in BY_KEY:
        return BY_KEY[row.library_key].text(tr)
    return row.text


async def next_prompt(community: Community, tr: Translator) -> NextPrompt:
    """Never-posted before posted; then member suggestions, custom, library; then oldest."""
    rows = await Prompt.filter(community=community).order_by("created_at", "id")
    used_keys = {row.library_key for row in rows if row.library_key}
    candidates: list[tuple[tuple[bool, datetime, int, int], NextPrompt]] = []
    for position, row in enumerate(rows):
        if row.status != "approved":
            continue
        if row.source == "library" and row.library_key not in BY_KEY:
            continue  # dropped from a later library version
        rank = SOURCE_RANK.get(row.source, 1)
        posted = row.last_posted_at
        key = (posted is not None, posted or _NEVER, rank, position)
        candidates.append((key, NextPrompt(_text_of(row, tr), row, None)))
    for position, item in enumerate(LIBRARY):
        if item.key not in used_keys:
            key = (False, _NEVER, SOURCE_RANK["library"], position)
            candidates.append((key, NextPrompt(item.text(tr), None, item)))
    return min(candidates, key=lambda candidate: candidate[0])[1]


def prompt_message(tr: Translator, text: str, suggested_by: str | None) -> Message:
    """The thread starter posted in the community's channel."""
    message = Message().add(Heading(tr("Discussion prompt")), Paragraph((Text(text),)))
    if suggested_by:
        return message.add(
            Note(
                tr.spans(
                    "Suggested by {name}. Reply in this thread to share your experience.",
                    name=Text(suggested_by),
                )
            )
        )
    return message.add(Note(tr.spans("Reply in this thread to share your experience.")))


PostToChannel = Callable[[str, Message], Awaitable[str | None]]


async def post_next_prompt(
    community: Community, tr: Translator, post: PostToChannel, now: datetime
) -> Prompt:
    """Post the next prompt as a thread starter in the community's home channel and record
    it (thread reference, time posted, answers reset). ``post`` raises when it fails, and
    then nothing is recorded, so a retry posts the same prompt."""
    assert community.home_channel_id is not None
    chosen = await next_prompt(community, tr)
    suggester = None
    if chosen.row is not None and chosen.row.source == "suggested":
        await chosen.row.fetch_related("suggested_by")
        suggester = chosen.row.suggested_by.display_name if chosen.row.suggested_by else None
    ref = await post(community.home_channel_id, prompt_message(tr, chosen.text, suggester))
    if chosen.row is None:
        assert chosen.library is not None
        return await Prompt.create(
            community=community,
            text=chosen.text,
            source="library",
            library_key=chosen.library.key,
            status="approved",
            created_at=now,
            last_posted_at=now,
            thread_ref=ref,
        )
    row = chosen.row
    row.last_posted_at, row.thread_ref, row.answers = now, ref, 0
    await row.save(update_fields=["last_posted_at", "thread_ref", "answers"])
    return row
