"""Two and three replicas (`python -m bot serve` processes) on one PostgreSQL behind a load
balancer, taking one burst of events and Slack's retries of them, each retry on another replica
than the delivery before it: each marked message is on the timeline once, each mention answered
once, and each event processed by one replica, once."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from emulator import Channel, Message, SlackEmulator
from models import InboxEvent
from tests.conftest import TEST_DATABASE_URL
from tests.faults import RoundRobin, empty_postgres, marked_texts, pending_events, serving
from tests.helpers import declare, until

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="set TEST_DATABASE_URL: replicas share one PostgreSQL"
)
SEEN, UNSEEN, MENTIONS = 12, 12, 6  # messages the bot saw posted, ones it did not, mentions
AT_ONCE = 24  # deliveries in flight together


@pytest.fixture
async def database() -> AsyncIterator[AsyncEngine]:
    """An empty PostgreSQL database."""
    async with empty_postgres() as engine:
        yield engine


def pin(channel: Channel, message: Message, user: str) -> dict[str, Any]:
    """A person's 📌 on a message, as Slack reports it (and as the emulator now shows it)."""
    message.reactions.setdefault("pushpin", []).append(user)
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": "pushpin",
        "item_user": message.user,
        "item": {"type": "message", "channel": channel.id, "ts": message.ts},
        "event_ts": message.ts,
    }


def mention(message: Message) -> dict[str, Any]:
    """The app_mention event of a message that mentions the bot."""
    return {
        "type": "app_mention",
        "user": message.user,
        "text": message.text,
        "ts": message.ts,
        "channel": message.channel,
        "event_ts": message.ts,
    }


async def processed(database: AsyncEngine) -> dict[str, tuple[int, bool]]:
    """Every stored event: how many times it was claimed, and whether it is done."""
    async with database.connect() as connection:
        query = select(InboxEvent.event_id, InboxEvent.attempts, InboxEvent.done_at)
        rows = (await connection.execute(query)).all()
    return {row.event_id: (row.attempts, row.done_at is not None) for row in rows}


@pytest.mark.parametrize("replicas", [2, 3])
async def test_replicas_take_a_burst_and_slacks_retries_of_it_with_one_effect_each(
    emu: SlackEmulator, database: AsyncEngine, tmp_path: Path, replicas: int
) -> None:
    url = database.url.render_as_string(hide_password=False)
    async with contextlib.AsyncExitStack() as stack:
        bots = await asyncio.gather(  # started together: they migrate one after another
            *(stack.enter_async_context(serving(emu, url, tmp_path)) for _ in range(replicas))
        )
        balancer = RoundRobin([bot.url for bot in bots])
        stack.push_async_callback(balancer.aclose)
        emu.bot_transport, emu.bot_url = balancer, f"{bots[0].url}/slack/events"

        channel = await declare(emu)
        channel.members.add("U0BOB")
        seen = [await emu.user_posts(channel.id, "U0BOB", f"seen {n}") for n in range(SEEN)]
        await until(lambda: _settled(database))
        emu.deliver_events = False  # the rest is delivered below, as a burst
        unseen = [await emu.user_posts(channel.id, "U0BOB", f"unseen {n}") for n in range(UNSEEN)]
        incidents = emu.channel_by_name("incidents")
        assert incidents is not None
        incidents.members.add("U0BOT")
        asked = [
            await emu.user_posts(incidents.id, "U0ALICE", f"<@U0BOT> question {n}")
            for n in range(MENTIONS)
        ]
        events = [pin(channel, m, "U0ALICE") for m in seen + unseen]
        events += [pin(channel, m, "U0BOB") for m in (seen + unseen)[::3]]  # a second 📌
        events += [mention(m) for m in asked]
        # Each event delivered, then retried by Slack 3 times: 4 deliveries in a row, which
        # the balancer sends to as many replicas as there are (up to 4).
        deliveries = [
            (event, f"EvBURST{n:04d}", retry)
            for n, event in enumerate(events)
            for retry in (None, 1, 2, 3)
        ]
        routed_before = len(balancer.routed)
        lane = asyncio.Semaphore(AT_ONCE)

        async def deliver(event: dict[str, Any], event_id: str, retry: int | None) -> int:
            async with lane:
                answer = await emu.send_event(
                    event, event_id=event_id, retry_num=retry, retry_reason="http_timeout"
                )
                return answer.status_code

        answers = await asyncio.gather(*(deliver(*d) for d in deliveries))
        marks = SEEN + UNSEEN
        await until(lambda: _settled(database, events=len(events), marks=marks), timeout=20)
        await emu.wait_for(lambda: all(m.replies for m in asked))
        await asyncio.sleep(0.5)  # room for a second answer or mark, were one coming
        rows = await processed(database)

    assert answers == [200] * len(deliveries)
    replicas_of: defaultdict[str, set[int]] = defaultdict(set)
    for replica, event_id in balancer.routed[routed_before:]:
        assert event_id is not None
        replicas_of[event_id].add(replica)
    assert {len(r) for r in replicas_of.values()} == {min(4, replicas)}
    assert await marked_texts(database) == sorted(m.text for m in seen + unseen)
    assert [m.reactions.get("ballot_box_with_check") for m in seen + unseen] == [["U0BOT"]] * marks
    assert len(emu.calls_to("reactions.add")) == marks
    # One read per message not seen, but two replicas taking its two 📌 at once both read it.
    twice = [m for m in (seen + unseen)[::3] if m in unseen]
    assert UNSEEN <= len(emu.calls_to("reactions.get")) <= UNSEEN + len(twice)
    assert [len(m.replies) for m in asked] == [1] * MENTIONS
    burst = {event_id: rows[event_id] for _, event_id, _ in deliveries}
    assert set(burst.values()) == {(1, True)}  # claimed once, by one replica, and done


async def _settled(database: AsyncEngine, *, events: int = 0, marks: int = 0) -> bool:
    """Nothing pending, at least `events` burst events stored, `marks` messages marked."""
    if await pending_events(database):
        return False
    stored = [e for e in await processed(database) if e.startswith("EvBURST")]
    return len(stored) >= events and len(await marked_texts(database)) >= marks
