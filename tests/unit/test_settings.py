"""Settings: defaults, host-style database URLs, and one clear line for a bad value."""

from __future__ import annotations

import pytest

from bot.app.cli import main
from bot.settings import Mode, SettingsError, load_settings


def test_defaults_run_the_embedded_database_in_utc() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///incidents.db"
    assert (settings.timezone, settings.channel_prefix, settings.port) == ("UTC", "incident", 3000)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.announce_channel is None


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/app", "postgresql+asyncpg://u:p@db.example:5432/app"),
        ("postgresql://u@h/app?sslmode=require", "postgresql+asyncpg://u@h/app?ssl=require"),
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
    ],
)
def test_database_urls_as_hosts_give_them_map_to_the_async_driver(given: str, used: str) -> None:
    assert load_settings(DATABASE_URL=given).database_url == used


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PORT", "eighty", "PORT is invalid"),
        ("PORT", "70000", "PORT is invalid"),
        ("INCIDENT_TIMEZONE", "Mars/Olympus", "INCIDENT_TIMEZONE must be an IANA time zone"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a postgresql:// or sqlite:/// URL"),
        ("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-1", "SLACK_APP_TOKEN must be an app-level token"),
        ("INCIDENT_ANNOUNCE_CHANNEL", "incidents", "INCIDENT_ANNOUNCE_CHANNEL must be a channel"),
        ("INCIDENT_CHANNEL_PREFIX", "Inc!", "INCIDENT_CHANNEL_PREFIX must be"),
        ("SLACK_API_URL", "slack.com", "SLACK_API_URL must be an http(s) URL"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT is invalid: input should be 'text' or 'json'"),
    ],
)
def test_a_malformed_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    message: str,
) -> None:
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1") if variable != "SLACK_BOT_TOKEN" else None
    assert main(["migrate"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"Configuration error: {message}")
    assert error.count("\n") == 1
    assert "Traceback" not in error


@pytest.mark.parametrize(
    ("mode", "missing"),
    [
        (Mode.HTTP, "SLACK_BOT_TOKEN"),
        (Mode.SOCKET, "SLACK_BOT_TOKEN"),
    ],
)
def test_serving_without_a_token_names_it(mode: Mode, missing: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{missing} is required to {mode.value}"):
        load_settings().require(mode)


def test_http_needs_the_signing_secret_and_socket_mode_the_app_token() -> None:
    settings = load_settings(SLACK_BOT_TOKEN="xoxb-1")
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET is required to serve"):
        settings.require(Mode.HTTP)
    with pytest.raises(SettingsError, match=r"^SLACK_APP_TOKEN is required to socket"):
        settings.require(Mode.SOCKET)
