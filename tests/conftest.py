"""Fixtures: a database per test (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
the Slack emulator, and the bot's real ASGI app served over HTTP against it."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app.factory import Runtime, asgi_app, build_runtime
from bot.app.server import serve_in_background
from bot.clock import FrozenClock
from bot.settings import Settings, async_database_url, load_settings
from emulator import SlackEmulator
from models.database import migrate

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
DECLARED_AT = datetime(2025, 1, 15, 14, 2, tzinfo=UTC)
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
MANIFEST = json.loads((Path(__file__).resolve().parent.parent / "manifest.json").read_text())

BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL to run on PostgreSQL"
        ),
    ),
]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'incidents.db'}"
        return
    assert TEST_DATABASE_URL
    url = async_database_url(TEST_DATABASE_URL).render_as_string(hide_password=False)
    await reset_postgres(url)
    yield url


async def reset_postgres(url: str) -> None:
    """Drop everything in the public schema."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    """A running Slack emulator; no call may break Slack's documented contract."""
    emulator = SlackEmulator(
        signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN, app_token=APP_TOKEN
    )
    await emulator.start()
    emulator.subscriptions = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    emulator.add_channel("incidents", members=["U0ALICE", "U0BOB"])
    try:
        yield emulator
    finally:
        await emulator.stop()
    assert emulator.violations == []


def bot_settings(emu: SlackEmulator, database_url: str, **overrides: object) -> Settings:
    """Settings pointing the bot at the emulator."""
    values: dict[str, object] = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": database_url,
        "INCIDENT_ANNOUNCE_CHANNEL": "#incidents",
    }
    values.update(overrides)
    return load_settings(**values)


@dataclass
class RunningBot:
    """The bot's ASGI app served on a local port."""

    runtime: Runtime
    clock: FrozenClock
    url: str


@pytest.fixture
def bot_overrides() -> dict[str, object]:
    """Override settings in a test module by redefining this fixture."""
    return {}


@pytest.fixture
async def bot(
    emu: SlackEmulator, database_url: str, bot_overrides: dict[str, object]
) -> AsyncIterator[RunningBot]:
    """Serve the real app (migrated database, frozen clock) and point the emulator at it."""
    clock = FrozenClock(DECLARED_AT)
    runtime = build_runtime(bot_settings(emu, database_url, **bot_overrides), clock=clock)
    await migrate(runtime.engine)
    server = await serve_in_background(asgi_app(runtime))
    emu.bot_url = f"{server.url}/slack/events"
    try:
        yield RunningBot(runtime=runtime, clock=clock, url=server.url)
    finally:
        await server.stop()
        await runtime.close()


@pytest.fixture
def project_root() -> Iterator[Path]:
    """The repository root."""
    yield Path(__file__).resolve().parent.parent
