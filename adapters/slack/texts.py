"""The Slack adapter's own words (App Home headings), in English and French."""

from __future__ import annotations

from bot.kernel.i18n import Translator

TEXTS = {
    "slack.home.communities": ("Communities", "Communautés"),
    "slack.home.meetings": ("Upcoming meetings", "Prochaines rencontres"),
    "slack.home.resources": ("Recent resources", "Ressources récentes"),
    "slack.home.empty": (
        "Type `{command} help` in any channel to see what I can do.",
        "Tapez `{command} help` dans un canal pour voir ce que je sais faire.",
    ),
}


def translator(language: str | None) -> Translator:
    return Translator(TEXTS, language or "en")
