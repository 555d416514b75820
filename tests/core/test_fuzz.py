"""Random text fed to the parser and to every command: a member can never crash the core."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.kernel.discovery import default_registry
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator
from bot.kernel.messages import message_text
from bot.kernel.parser import parse_line
from tests.support.harness import Harness

REGISTRY = default_registry()
FRENCH = Translator("fr")
COMMANDS = sorted(REGISTRY.commands)
APOLOGY = "something went wrong"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

tokens = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            '"',
            "'",
            "«",
            "#",
            "#tag",
            "in",
            "dans",
            "https://x.example/a?b=c",
            "javascript:alert(1)",
            "<@U123>",
            "@everyone",
            "<!channel>",
            "\x00",
            "\u202e",
            "9" * 40,
            "-1",
            "all",
            "going",
        ]
    ),
)
lines = st.builds(
    lambda name, words: name + " " + " ".join(words),
    st.sampled_from(COMMANDS),
    st.lists(tokens, max_size=6),
)


@FUZZ
@given(st.one_of(st.text(max_size=200), lines))
def test_parser_raises_only_user_errors(line: str) -> None:
    try:
        parsed = parse_line(REGISTRY, line)
    except UserError as error:
        assert FRENCH.template(error.key) != error.key  # a translated explanation exists
    else:
        assert parsed.command.name in REGISTRY.commands
        assert all(name in {p.name for p in parsed.command.params} for name in parsed.raw)


@FUZZ
@given(lines)
async def test_every_command_survives_random_arguments(db: str, line: str) -> None:
    h = Harness.build()
    # a community to act on (after the first example this is just a "name taken" error)
    await h.say("Ada", "community create python", channel="C1")
    reply = await h.say("Ada", line, channel="C1")
    assert APOLOGY not in message_text(reply), line
