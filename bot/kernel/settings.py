"""copbot's settings: one pydantic-settings class, built once by the composition root.

Nothing else in the project reads ``os.environ``; everything that needs a setting is
handed this object (or the few values it needs).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.kernel.i18n import LOCALE_DIR, catalog_path, has_catalog

_OFFSET = re.compile(r"^\s*(\d+)\s*([dhm])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_offsets(text: str) -> list[timedelta]:
    """Turn ``"24h,15m"`` into timedeltas, largest first. Raises ValueError on junk."""
    offsets: list[timedelta] = []
    for part in text.split(","):
        match = _OFFSET.match(part)
        if not match:
            raise ValueError(f"bad reminder offset {part!r}: use forms like 24h, 15m, 2d")
        amount, unit = int(match.group(1)), match.group(2)
        offsets.append(timedelta(**{_UNITS[unit]: amount}))
    return sorted(set(offsets), reverse=True)


class Settings(BaseSettings):
    # env_ignore_empty: a copied .env.example with blank values means "not set"
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, env_ignore_empty=True
    )

    database_url: str = Field("sqlite://copbot.sqlite3", alias="DATABASE_URL")

    slack_bot_token: str | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")
    slack_command: str = Field("/cop", alias="SLACK_COMMAND")

    http_host: str = Field("127.0.0.1", alias="HTTP_HOST")
    # where members reach copbot's HTTP server (behind a proxy); links to calendar feeds
    public_url: str | None = Field(None, alias="PUBLIC_URL")
    http_port: int | None = Field(None, alias="HTTP_PORT")

    discord_token: str | None = Field(None, alias="DISCORD_TOKEN")
    discord_api_url: str = Field("https://discord.com/api/v10", alias="DISCORD_API_URL")
    discord_guild_ids: str | None = Field(None, alias="DISCORD_GUILD_IDS")
    discord_shard_count: int | None = Field(None, alias="DISCORD_SHARD_COUNT")
    discord_shard_ids: str | None = Field(None, alias="DISCORD_SHARD_IDS")

    reminder_offsets: str = Field("24h,15m", alias="REMINDER_OFFSETS")
    default_timezone: str = Field("America/Toronto", alias="DEFAULT_TIMEZONE")
    # the languages offered; each one but English is a catalog in locale_dir (declared in
    # this order: each is checked against the ones before it)
    locale_dir: Path = Field(LOCALE_DIR, alias="LOCALE_DIR")
    languages: str = Field("en,fr", alias="LANGUAGES")
    default_language: str = Field("en", alias="DEFAULT_LANGUAGE")

    log_level: str = Field("INFO", alias="LOG_LEVEL")
    log_format: str = Field("text", alias="LOG_FORMAT")

    @field_validator("reminder_offsets")
    @classmethod
    def _valid_offsets(cls, value: str) -> str:
        parse_offsets(value)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("languages")
    @classmethod
    def _languages_with_catalogs(cls, value: str, info: ValidationInfo) -> str:
        codes = list(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))
        if not codes:
            raise ValueError("LANGUAGES must list at least one language code, e.g. en,fr")
        locale_dir = info.data.get("locale_dir", LOCALE_DIR)
        missing = [
            str(catalog_path(c, locale_dir)) for c in codes if not has_catalog(c, locale_dir)
        ]
        if missing:
            raise ValueError(f"no catalog at {', '.join(missing)}")
        return ",".join(codes)

    @field_validator("default_language")
    @classmethod
    def _offered_language(cls, value: str, info: ValidationInfo) -> str:
        languages = info.data.get("languages")
        if languages is not None and value not in languages.split(","):
            raise ValueError(f"DEFAULT_LANGUAGE must be one of LANGUAGES ({languages})")
        return value

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages offered, in the order LANGUAGES lists them."""
        return tuple(self.languages.split(","))

    @field_validator("log_format")
    @classmethod
    def _valid_log_format(cls, value: str) -> str:
        if value not in ("text", "json"):
            raise ValueError("LOG_FORMAT must be text or json")
        return value

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def slack_socket_mode(self) -> bool:
        return self.slack_enabled and bool(self.slack_app_token)

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_token)

    @property
    def console_enabled(self) -> bool:
        return not (self.slack_enabled or self.discord_enabled)

    @property
    def offsets(self) -> list[timedelta]:
        return parse_offsets(self.reminder_offsets)

    @property
    def http_enabled(self) -> bool:
        """Serve HTTP in Slack HTTP mode or whenever HTTP_PORT is set explicitly."""
        return self.http_port is not None or (self.slack_enabled and not self.slack_socket_mode)

    @field_validator("public_url")
    @classmethod
    def _valid_public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_URL must start with http:// or https://")
        return value.rstrip("/") if value else None

    @property
    def public_base_url(self) -> str:
        """The base of links to copbot's own pages: PUBLIC_URL, else the HTTP server."""
        if self.public_url:
            return self.public_url
        host = self.http_host if self.http_host not in ("0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.effective_http_port}"

    @property
    def effective_http_port(self) -> int:
        return self.http_port if self.http_port is not None else 3000
