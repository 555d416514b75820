"""The forms ``help`` teaches are forms the grammar reads, and a French member sees the
French ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.kernel.i18n import Translator
from bot.kernel.messages import message_text
from bot.kernel.timewords import Reading, read
from bot.kernel.timewords.forms import forms
from tests.support.harness import Harness

NOW = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("form", [*forms(Translator("en")), *forms(Translator("fr"))])
def test_every_form_help_shows_is_read(form: str) -> None:
    reading = read(form, NOW, "America/Toronto")
    assert isinstance(reading, Reading) and reading.rest == (), reading


async def test_help_meeting_shows_the_forms_in_the_readers_language(db: str) -> None:
    h = Harness.build(start=NOW)
    english = message_text(await h.say("Ada", "help meeting"))
    assert "Times you can type (in English or in French):" in english
    assert "every other Thursday at 3pm" in english and "un jeudi sur deux" not in english
    await h.say("Zoé", "language fr")
    french = message_text(await h.say("Zoé", "help meeting"))
    assert "Moments que vous pouvez écrire (en français ou en anglais)\u202f:" in french
    assert "un jeudi sur deux à 15 h" in french and "every other Thursday at 3pm" not in french
    assert french.count("Moments que vous pouvez écrire") == 1  # once for the whole group
