"""Time zones as members name them: an IANA name ("America/Vancouver"), its last part
("Tokyo") or a city people type ("Montréal", "St. John's"), without caring for case,
accents, dots or apostrophes. Read by the time zone resolver."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from zoneinfo import available_timezones

from bot.kernel.messages import Choice


def _fold(text: str) -> str:
    """Lower case without accents, single spaces."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.split())


# Cities people type, mapped to their IANA zone (Canada first: the typical members).
CITY_ZONES = {
    "Toronto": "America/Toronto",
    "Ottawa": "America/Toronto",
    "Montréal": "America/Toronto",
    "Québec": "America/Toronto",
    "Quebec City": "America/Toronto",
    "Gatineau": "America/Toronto",
    "Sherbrooke": "America/Toronto",
    "Hamilton": "America/Toronto",
    "London, Ontario": "America/Toronto",
    "Sudbury": "America/Toronto",
    "Thunder Bay": "America/Toronto",
    "Vancouver": "America/Vancouver",
    "Victoria": "America/Vancouver",
    "Kelowna": "America/Vancouver",
    "Halifax": "America/Halifax",
    "Charlottetown": "America/Halifax",
    "Fredericton": "America/Moncton",
    "Moncton": "America/Moncton",
    "Saint John": "America/Moncton",
    "St. John's": "America/St_Johns",
    "Winnipeg": "America/Winnipeg",
    "Regina": "America/Regina",
    "Saskatoon": "America/Regina",
    "Edmonton": "America/Edmonton",
    "Calgary": "America/Edmonton",
    "Yellowknife": "America/Edmonton",
    "Whitehorse": "America/Whitehorse",
    "Iqaluit": "America/Iqaluit",
    "New York": "America/New_York",
    "Boston": "America/New_York",
    "Washington": "America/New_York",
    "Chicago": "America/Chicago",
    "Denver": "America/Denver",
    "Los Angeles": "America/Los_Angeles",
    "San Francisco": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Paris": "Europe/Paris",
    "Lyon": "Europe/Paris",
    "Marseille": "Europe/Paris",
    "London": "Europe/London",
    "Brussels": "Europe/Brussels",
    "Bruxelles": "Europe/Brussels",
    "Geneva": "Europe/Zurich",
    "Genève": "Europe/Zurich",
    "Berlin": "Europe/Berlin",
    "Dakar": "Africa/Dakar",
    "Port-au-Prince": "America/Port-au-Prince",
}


def _zone_key(text: str) -> str:
    """How a zone or city is looked up: no accents, case, dots or apostrophes; "saint"
    as "st"; underscores as spaces (so "st john's" finds America/St_Johns)."""
    key = _fold(text.replace("_", " ").replace(".", " ").replace("'", "").replace("’", ""))
    key = re.sub(r"^saint\b", "st", key)
    return " ".join(key.split())


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    """The IANA names tzdata knows (read from disk once)."""
    return tuple(sorted(available_timezones()))


@lru_cache(maxsize=1)
def zone_index() -> dict[str, str]:
    """Every way of naming a zone we accept -> its IANA name: the cities above, each IANA
    name itself, and each IANA name's last part ("tokyo" -> Asia/Tokyo)."""
    index = {_zone_key(city): zone for city, zone in CITY_ZONES.items()}
    zones = sorted(all_zones(), key=lambda z: (z.count("/"), z))
    for zone in zones:
        index.setdefault(_zone_key(zone), zone)
    for zone in zones:
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/")):
            index.setdefault(_zone_key(zone.rsplit("/", 1)[1]), zone)
    return index


def resolve_zone(text: str) -> str | None:
    return zone_index().get(_zone_key(text))


def close_zones(text: str) -> list[str]:
    """Up to three zones whose name or city looks like ``text``."""
    key = _zone_key(text)
    index = zone_index()
    keys = difflib.get_close_matches(key, list(index), n=6, cutoff=0.6)
    if len(key) >= 3:
        keys += [k for k in index if key in k and k not in keys]
    out: list[str] = []
    for found in keys:
        if index[found] not in out:
            out.append(index[found])
    return out[:3]


def zone_choices(prefix: str) -> list[Choice]:
    """Cities first (with their zone), then IANA names containing what was typed."""
    key = _zone_key(prefix)
    choices = [
        Choice(f"{city} ({zone})", zone)
        for city, zone in CITY_ZONES.items()
        if _zone_key(city).startswith(key)
    ]
    if key:
        choices += [Choice(zone, zone) for found, zone in _zone_keys() if key in found]
    return choices[:25]


@lru_cache(maxsize=1)
def _zone_keys() -> tuple[tuple[str, str], ...]:
    return tuple((_zone_key(zone), zone) for zone in all_zones())
