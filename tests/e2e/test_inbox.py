"""Events go through a durable inbox: stored once per event_id before Slack gets its 200,
processed from the store, retried when processing fails, refused with a 503 (so Slack delivers
again) when the database cannot take them."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.app.factory import asgi_app, build_runtime
from emulator import SlackEmulator
from models import InboxEvent, TimelineEntry, ledger
from models.database import make_engine, make_sessions
from tests.conftest import RunningBot, bot_settings
from tests.helpers import declare, mentioned

UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:9/nowhere"


async def stored(bot: RunningBot) -> list[InboxEvent]:
    """Every inbox row."""
    async with bot.runtime.deps.sessions() as session:
        return list((await session.execute(select(InboxEvent))).scalars())


async def test_a_mention_slack_delivers_again_and_again_is_answered_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    message, event = await mentioned(emu)

    answers = [
        await emu.send_event(event, event_id="EvMENTION01", retry_num=attempt)
        for attempt in (None, 1, 2, 3)
    ]
    await emu.wait_for(lambda: len(message.replies) == 1)
    await bot.runtime.inbox.drain()

    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert len(message.replies) == 1
    assert "/incident help" in message.replies[0].text
    [row] = await stored(bot)
    assert (row.event_id, row.event_type, row.attempts) == ("EvMENTION01", "app_mention", 1)
    assert row.done_at == bot.clock.now()


async def test_an_event_the_database_cannot_take_gets_a_503_and_its_retry_is_kept(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members.add("U0BOB")
    finding = await emu.user_posts(channel.id, "U0BOB", "the disk filled up at 14:00")
    reaction = {
        "type": "reaction_added",
        "user": "U0ALICE",
        "reaction": "pushpin",
        "item_user": "U0BOB",
        "item": {"type": "message", "channel": channel.id, "ts": finding.ts},
        "event_ts": finding.ts,
    }
    inbox = bot.runtime.inbox
    working = inbox.sessions
    down = make_engine(UNREACHABLE)
    inbox.sessions = make_sessions(down)  # the database refuses connections
    try:
        refused = await emu.send_event(reaction, event_id="EvPIN00001")
    finally:
        inbox.sessions = working
        await down.dispose()
    kept = await emu.send_event(reaction, event_id="EvPIN00001", retry_num=1)
    again = await emu.send_event(reaction, event_id="EvPIN00001", retry_num=2)
    await emu.wait_for(lambda: "ballot_box_with_check" in finding.reactions)
    await inbox.drain()

    assert (refused.status_code, kept.status_code, again.status_code) == (503, 200, 200)
    async with bot.runtime.deps.sessions() as session:
        marked = (
            await session.execute(select(TimelineEntry).where(TimelineEntry.kind == "message"))
        ).scalars()
        assert [e.text for e in marked] == ["the disk filled up at 14:00"]
    assert len(emu.calls_to("reactions.add")) == 1


async def test_an_event_whose_processing_failed_is_processed_again_later_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    message, event = await mentioned(emu)
    emu.inject("chat.postMessage", status=500, times=3)  # beyond the gateway's own retries

    assert (await emu.send_event(event, event_id="EvMENTION02")).status_code == 200
    await bot.runtime.inbox.drain()
    [row] = await stored(bot)
    assert (row.done_at, row.attempts) == (None, 1)
    assert row.last_error == "the listener answered 500"
    assert message.replies == []

    assert await bot.runtime.inbox.process_pending() == 1
    assert await bot.runtime.inbox.process_pending() == 0

    assert len(message.replies) == 1
    [row] = await stored(bot)
    assert (row.attempts, row.done_at) == (2, bot.clock.now())


async def test_an_event_whose_processing_failed_is_tried_again_by_its_process_after_a_second(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    message, event = await mentioned(emu)
    emu.inject("chat.postMessage", status=500, times=3)  # beyond the gateway's own retries

    assert (await emu.send_event(event, event_id="EvMENTION04")).status_code == 200
    await emu.wait_for(lambda: message.replies, timeout=5)  # the backoff's first step: 1 s
    await bot.runtime.inbox.drain()

    assert len(message.replies) == 1
    [row] = await stored(bot)
    assert (row.attempts, row.done_at, row.last_error) == (
        2,
        bot.clock.now(),
        "the listener answered 500",
    )


async def test_readiness_reports_the_inbox_backlog_and_when_each_job_last_ran(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    _, event = await mentioned(emu)
    emu.inject("chat.postMessage", status=500, times=3)
    await emu.send_event(event, event_id="EvMENTION03")
    await bot.runtime.inbox.drain()
    async with bot.runtime.deps.sessions.begin() as session:
        await ledger.record_run(session=session, job="weekly-review", at=bot.clock.now())
    bot.clock.advance(timedelta(seconds=90))

    async with httpx.AsyncClient() as client:
        waiting = (await client.get(f"{bot.url}/readyz")).json()
        await bot.runtime.inbox.process_pending()
        caught_up = (await client.get(f"{bot.url}/readyz")).json()

    assert waiting == {
        "ok": True,
        "database": "reachable",
        "inbox": {"pending": 1, "oldest_pending_seconds": 90.0},
        "jobs_last_run": {"weekly-review": "2025-01-15T14:02:00+00:00"},
    }
    assert caught_up["inbox"] == {"pending": 0, "oldest_pending_seconds": None}


async def test_readiness_is_503_when_the_database_is_unreachable(emu: SlackEmulator) -> None:
    runtime = build_runtime(bot_settings(emu, "postgresql://postgres@127.0.0.1:9/nowhere"))
    transport = httpx.ASGITransport(app=asgi_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.get("/readyz")
    await runtime.close()
    assert (response.status_code, response.json()) == (
        503,
        {"ok": False, "database": "unreachable"},
    )
