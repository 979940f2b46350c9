"""Unit tests see no configuration from the environment or a .env file."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

VARIABLES = [
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "SLACK_API_URL",
    "DATABASE_URL",
    "INCIDENT_ANNOUNCE_CHANNEL",
    "INCIDENT_CHANNEL_PREFIX",
    "INCIDENT_TIMEZONE",
    "PORT",
]


@pytest.fixture(autouse=True)
def clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> Iterator[None]:
    for variable in VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
