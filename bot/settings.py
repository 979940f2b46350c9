"""Configuration from environment variables (and an optional `.env` file)."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///incidents.db"
CHANNEL_PREFIX_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,20}$")
EMOJI_NAME = re.compile(r"^[a-z0-9_+'-]+$")
ANNOUNCE_CHANNEL_PATTERN = re.compile(r"^(#[a-z0-9_-]{1,80}|[CG][A-Z0-9]{2,})$")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Mode(StrEnum):
    """What the process is started to do; each mode needs different settings."""

    HTTP = "serve"
    SOCKET = "socket"
    DATABASE_ONLY = "migrate"
    CATCH_UP = "backfill"


class Settings(BaseSettings):
    """Every setting the bot reads, validated once at start-up."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    database_url: Annotated[str, NoDecode] = Field(
        default=DEFAULT_DATABASE_URL, alias="DATABASE_URL"
    )
    announce_channel: str | None = Field(default=None, alias="INCIDENT_ANNOUNCE_CHANNEL")
    channel_prefix: str = Field(default="incident", alias="INCIDENT_CHANNEL_PREFIX")
    # Game days run in channels of their own name, so nobody mistakes one for the real thing.
    drill_prefix: str = Field(default="drill", alias="DRILL_CHANNEL_PREFIX")
    timezone: str = Field(default="UTC", alias="INCIDENT_TIMEZONE")
    port: int = Field(default=3000, ge=1, le=65535, alias="PORT")
    config_path: str | None = Field(default=None, alias="INCIDENT_CONFIG")
    # A Backstage catalog-info.yaml whose Component documents are the services (with the policy's).
    catalog_path: str | None = Field(default=None, alias="SERVICE_CATALOG")
    item_prefix: str = Field(default="INC", alias="ACTION_ITEM_PREFIX")
    review_channel: str | None = Field(default=None, alias="ACTION_REVIEW_CHANNEL")
    newsletter_channel: str | None = Field(default=None, alias="NEWSLETTER_CHANNEL")
    monthly_review_channel: str | None = Field(default=None, alias="REVIEW_CHANNEL")
    timeline_emoji: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("pushpin",), alias="TIMELINE_EMOJI"
    )
    # serve and socket also run the scheduled jobs; false when a separate `scheduler` worker does.
    scheduler_enabled: bool = Field(default=True, alias="SCHEDULER_ENABLED")
    # json: one JSON object a line, with the request, event, incident or job it belongs to.
    log_format: Literal["text", "json"] = Field(default="text", alias="LOG_FORMAT")

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        return async_database_url(value).render_as_string(hide_password=False)

    @field_validator("announce_channel")
    @classmethod
    def _announce_channel_shape(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not ANNOUNCE_CHANNEL_PATTERN.match(value):
            raise ValueError("must be a channel ID such as C0123ABCD or a name such as #incidents")
        return value

    @field_validator("timeline_emoji", mode="before")
    @classmethod
    def _emoji_list(cls, value: object) -> tuple[str, ...]:
        names = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        cleaned = tuple(str(name).strip().strip(":") for name in names if str(name).strip())
        if not cleaned or not all(EMOJI_NAME.match(name) for name in cleaned):
            raise ValueError("must be emoji names separated by commas, e.g. pushpin,round_pushpin")
        return cleaned

    @field_validator("item_prefix")
    @classmethod
    def _item_prefix_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Z0-9]{0,9}", value):
            raise ValueError("must be 1-10 capital letters or digits, starting with a letter")
        return value

    @field_validator("review_channel", "newsletter_channel", "monthly_review_channel")
    @classmethod
    def _review_channel_shape(cls, value: str | None) -> str | None:
        return cls._announce_channel_shape(value)

    @field_validator("channel_prefix", "drill_prefix")
    @classmethod
    def _prefix_shape(cls, value: str) -> str:
        if not CHANNEL_PREFIX_PATTERN.match(value):
            raise ValueError("must be 1-21 lowercase letters, digits, hyphens or underscores")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone_exists(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Paris or UTC") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    def require(self, mode: Mode) -> None:
        """Raise SettingsError naming the first setting this mode needs but lacks."""
        needed: list[tuple[str, str | None, str]] = []
        if mode in (Mode.HTTP, Mode.SOCKET, Mode.CATCH_UP):
            needed.append(("SLACK_BOT_TOKEN", self.slack_bot_token, "the bot token, xoxb-…"))
        if mode is Mode.HTTP:
            needed.append(
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret, "verifies Slack's requests")
            )
        if mode is Mode.SOCKET:
            needed.append(("SLACK_APP_TOKEN", self.slack_app_token, "the app token, xapp-…"))
        for name, value, meaning in needed:
            if not value:
                raise SettingsError(f"{name} is required to {mode.value} ({meaning})")


def async_database_url(raw: str) -> URL:
    """Map a database URL as hosts give it to the async driver SQLAlchemy should use."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ValueError("must be a database URL such as postgresql://user@host/db") from None
    backend = url.get_backend_name()
    if backend == "postgresql":
        query = dict(url.query)
        sslmode = query.pop("sslmode", None)
        if sslmode is not None:
            query["ssl"] = sslmode
        return url.set(drivername="postgresql+asyncpg", query=query)
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    raise ValueError("must be a postgresql:// or sqlite:/// URL")


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad one raises SettingsError with one line naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "settings"
        name = _env_name(field)
        message = str(first["msg"])
        if message.startswith("Value error, "):
            raise SettingsError(f"{name} {message.removeprefix('Value error, ')}") from None
        raise SettingsError(f"{name} is invalid: {message[:1].lower()}{message[1:]}") from None


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    if info is not None and info.alias:
        return info.alias
    return field
