from __future__ import annotations

import itertools
import re

from bot.kernel.i18n import Translator
from data.prompt_library import BY_KEY, CATEGORIES, LIBRARY

FRENCH, ENGLISH = Translator("fr"), Translator("en")


def test_at_least_forty_prompts_in_each_language_with_stable_unique_keys() -> None:
    assert len(LIBRARY) >= 40
    assert len(BY_KEY) == len(LIBRARY)
    for item in LIBRARY:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9-]+", item.key), item.key
        assert item.category in CATEGORIES
    english = {item.en for item in LIBRARY}
    french = {item.text(FRENCH) for item in LIBRARY}
    assert len(english) == len(LIBRARY) and len(french) == len(LIBRARY)


def test_every_theme_of_a_community_of_practice_is_covered() -> None:
    counts = {category: 0 for category in CATEGORIES}
    for item in LIBRARY:
        counts[item.category] += 1
    # lessons learned, problems and solutions, tools and templates, news, newcomers
    assert all(count >= 5 for count in counts.values()), counts


def test_french_is_a_translation_not_a_copy() -> None:
    for item in LIBRARY:
        french = item.text(FRENCH)
        assert french != item.en
        assert item.text(ENGLISH) == item.en
        # a question in French typography ends with " ?" (a narrow no-break space)
        if item.en.rstrip().endswith("?"):
            assert french.rstrip().endswith("\u202f?"), item.key
        assert 20 <= len(item.en) <= 300 and 20 <= len(french) <= 300


def test_neighbouring_prompts_vary_in_theme() -> None:
    # the library is posted in order: no theme twice in a row keeps a channel interesting
    for before, after in itertools.pairwise(LIBRARY):
        assert before.category != after.category, (before.key, after.key)
