"""A migrated runtime against the emulator, with a frozen clock and two open incidents."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.factory import Runtime, build_runtime
from bot.clock import FrozenClock
from emulator import SlackEmulator
from models.database import migrate
from tests.conftest import bot_settings
from tests.scheduler.digest import open_incident

# 10:00 in Paris, an hour after the digest's 09:00.
NOW = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
ZONE = "Europe/Paris"


@pytest.fixture
def clock() -> FrozenClock:
    """The clock the runtime reads."""
    return FrozenClock(NOW)


@pytest.fixture
async def runtime(
    emu: SlackEmulator, database_url: str, clock: FrozenClock
) -> AsyncIterator[Runtime]:
    """The bot's runtime (no HTTP server), migrated, holding open incidents #1 and #2."""
    settings = bot_settings(emu, database_url, INCIDENT_TIMEZONE=ZONE)
    runtime = build_runtime(settings, clock=clock)
    await migrate(runtime.engine)
    async with runtime.deps.sessions.begin() as session:
        await open_incident(session, emu, "Payments down", NOW - timedelta(hours=2))
        await open_incident(session, emu, "Search slow", NOW - timedelta(hours=1))
    try:
        yield runtime
    finally:
        await runtime.close()
