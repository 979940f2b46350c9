"""The database refusing connections for a while, under `python -m bot serve` as a process:
events get 503 and Slack delivers them again; once the database is back every 📌 of the outage
is on the timeline once, and /healthz is 503 throughout and 200 after. Events the outage caught
halfway (acknowledged, being processed) are finished once it is back, and have one effect.

PostgreSQL only: the outage is a TCP proxy between the bot and the server that stops listening
and drops its connections. SQLite is a file inside the bot's own process; it has no connection
to lose apart from the bot itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from emulator import SlackEmulator
from models import InboxEvent
from tests.conftest import TEST_DATABASE_URL
from tests.faults import (
    DatabaseProxy,
    empty_postgres,
    health,
    marked_texts,
    pending_events,
    serving,
)
from tests.helpers import declare, mentioned, until

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL: the outage is PostgreSQL's"
)
# Slack's retries come nearly at once, after 1 min and after 5 min; a hundredth of that here:
# 10 ms, 0.6 s, 3 s. An outage shorter than the three together loses nothing.
RETRY_SCALE = 0.01
OUTAGE_SECONDS = 2.0


@pytest.fixture
async def database() -> AsyncIterator[AsyncEngine]:
    """An empty PostgreSQL database, seen without the proxy."""
    async with empty_postgres() as engine:
        yield engine


@pytest.fixture
async def proxy(database: AsyncEngine) -> AsyncIterator[DatabaseProxy]:
    """The way to PostgreSQL the bot is given."""
    url = database.url
    proxy = DatabaseProxy(upstream=(url.host or "127.0.0.1", url.port or 5432))
    await proxy.accept()
    yield proxy
    if proxy.accepting:
        await proxy.refuse()


async def _none_pending(database: AsyncEngine) -> bool:
    return await pending_events(database) == 0


async def _all_marked(database: AsyncEngine, count: int) -> bool:
    return len(await marked_texts(database)) >= count and await pending_events(database) == 0


async def claimed(database: AsyncEngine, event_id: str) -> bool:
    """Whether a processor has taken the event and not finished it."""
    async with database.connect() as connection:
        row = (
            await connection.execute(
                select(InboxEvent.claimed_at, InboxEvent.done_at).where(
                    InboxEvent.event_id == event_id
                )
            )
        ).one_or_none()
    return row is not None and row.claimed_at is not None and row.done_at is None


async def done(database: AsyncEngine, event_id: str) -> bool:
    """Whether the event is marked processed."""
    async with database.connect() as connection:
        query = select(InboxEvent.done_at).where(InboxEvent.event_id == event_id)
        return (await connection.execute(query)).scalar_one_or_none() is not None


async def test_pins_made_while_the_database_refuses_connections_are_all_on_the_timeline_after(
    emu: SlackEmulator, database: AsyncEngine, proxy: DatabaseProxy, tmp_path: Path
) -> None:
    url = database.url.render_as_string(hide_password=False)
    async with serving(emu, proxy.url(url), tmp_path) as bot:
        emu.bot_url = f"{bot.url}/slack/events"
        channel = await declare(emu)
        channel.members.add("U0BOB")
        findings = [
            await emu.user_posts(channel.id, "U0BOB", f"finding {n}: the disk filled up")
            for n in range(1, 7)
        ]
        await until(lambda: _none_pending(database))
        emu.retry_events, emu.retry_scale = True, RETRY_SCALE

        await proxy.refuse()
        health_down = await health(bot)
        delivered = len(emu.event_deliveries)
        for finding in findings:  # alice marks one finding every 0.25 s, for 1.5 s
            await emu.user_reacts(channel.id, finding.ts, "U0ALICE", "pushpin")
            await asyncio.sleep(OUTAGE_SECONDS / 8)
        await asyncio.sleep(OUTAGE_SECONDS / 4)
        health_still_down = await health(bot)
        await proxy.accept()

        await emu.wait_for(lambda: emu.redeliveries_pending == 0, timeout=10)
        await until(lambda: _all_marked(database, len(findings)), timeout=10)
        health_back = await health(bot)

    assert (health_down, health_still_down, health_back) == (503, 503, 200)
    outage = emu.event_deliveries[delivered:]
    firsts = [d for d in outage if d.retry_num == 0]
    assert len(firsts) == len(findings)
    assert all(d.status == 503 for d in firsts), outage
    acked = [d for d in outage if d.failure is None]
    assert len(acked) == len(findings) and all(d.retry_num >= 1 for d in acked), outage
    assert {d.retry_reason for d in outage if d.retry_num} == {"http_error"}
    assert await marked_texts(database) == sorted(f.text for f in findings)
    assert all(f.reactions.get("ballot_box_with_check") == ["U0BOT"] for f in findings)
    assert len(emu.calls_to("reactions.add")) == len(findings)
    assert emu.violations == []


async def test_a_mention_answered_as_the_database_went_away_is_marked_done_once_it_is_back(
    emu: SlackEmulator, database: AsyncEngine, proxy: DatabaseProxy, tmp_path: Path
) -> None:
    url = database.url.render_as_string(hide_password=False)
    async with serving(emu, proxy.url(url), tmp_path) as bot:
        emu.bot_url = f"{bot.url}/slack/events"
        message, event = await mentioned(emu)
        # The answer is on its way when the database goes: the bot cannot mark the event done,
        # and were it not to mark it once the database is back, the claim would go stale and
        # the mention be answered again two minutes later.
        emu.set_latency("chat.postMessage", 1.0)

        assert (await emu.send_event(event, event_id="EvMENTION1")).status_code == 200
        await until(lambda: claimed(database, "EvMENTION1"))
        await proxy.refuse()
        await emu.wait_for(lambda: message.replies)
        await asyncio.sleep(0.5)  # the bot has answered and cannot say so
        await proxy.accept()

        await until(lambda: done(database, "EvMENTION1"), timeout=10)
        await asyncio.sleep(0.5)  # room for a second answer, were one coming

    [answer] = message.replies
    assert "/incident help" in answer.text


async def test_a_pin_whose_capture_the_outage_cut_is_captured_once_the_database_is_back(
    emu: SlackEmulator, database: AsyncEngine, proxy: DatabaseProxy, tmp_path: Path
) -> None:
    url = database.url.render_as_string(hide_password=False)
    async with serving(emu, proxy.url(url), tmp_path) as bot:
        emu.bot_url = f"{bot.url}/slack/events"
        channel = await declare(emu)
        emu.deliver_events = False  # posted while the bot was not listening: it must read it
        finding = await emu.user_posts(channel.id, "U0ALICE", "the disk filled up at 14:00")
        await emu.user_reacts(channel.id, finding.ts, "U0ALICE", "pushpin")
        emu.set_latency("reactions.get", 1.0)  # the read is on its way when the db goes
        pin = {
            "type": "reaction_added",
            "user": "U0ALICE",
            "reaction": "pushpin",
            "item_user": "U0ALICE",
            "item": {"type": "message", "channel": channel.id, "ts": finding.ts},
            "event_ts": finding.ts,
        }

        assert (await emu.send_event(pin, event_id="EvPIN1")).status_code == 200
        await until(lambda: claimed(database, "EvPIN1"))
        await asyncio.sleep(0.3)  # past its look-ups, into the read
        await proxy.refuse()
        await asyncio.sleep(1.5)  # the read is back; the capture cannot be written
        await proxy.accept()

        await until(lambda: done(database, "EvPIN1"), timeout=10)

    assert await marked_texts(database) == ["the disk filled up at 14:00"]
    assert finding.reactions.get("ballot_box_with_check") == ["U0BOT"]
