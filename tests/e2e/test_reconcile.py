"""Reconciling: a card left behind by a crash between a change's commit and its redraw is
brought up to date; a set-up another live process is doing is left alone until its claim goes
stale; `python -m bot reconcile` says what it repaired."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from bot.services.declare import STALE_AFTER
from bot.services.reconcile import REDRAWN, reconcile
from emulator import SlackEmulator
from models import Incident, incidents
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, RunningBot
from tests.helpers import block_text, card_of, declare, in_channel


async def test_a_card_left_behind_by_a_crash_is_redrawn(
    bot: RunningBot, emu: SlackEmulator
) -> None:
    channel = await declare(emu)
    await in_channel(emu, channel, "mitigated rolled back")
    # The command is processed after its ack: wait until it is drawn.
    await emu.wait_for(lambda: "*Status*\nMitigated" in block_text(card_of(channel).blocks))
    deps = bot.runtime.deps
    # What a crash after the commit and before the redraw leaves: the row a step ahead.
    async with deps.sessions.begin() as session:
        await session.execute(
            update(Incident).values(status="resolved", revision=Incident.revision + 1)
        )
    assert "Resolved" not in block_text(card_of(channel).blocks)

    repairs = await reconcile(deps, bot.clock.now())

    assert [(r.number, r.done) for r in repairs] == [(1, [REDRAWN])]
    assert "Resolved" in block_text(card_of(channel).blocks)
    assert "Resolved" in channel.topic
    async with deps.sessions() as session:
        incident = await incidents.get(session=session, number=1)
    assert incident is not None and incident.drawn_revision == incident.revision
    assert await reconcile(deps, bot.clock.now()) == []  # nothing left to do


async def test_a_set_up_in_progress_elsewhere_is_left_until_its_claim_goes_stale(
    bot: RunningBot, emu: SlackEmulator
) -> None:
    channel = await declare(emu)
    deps = bot.runtime.deps
    now = bot.clock.now()
    # Another replica (another host) is, as far as anyone knows, still setting it up.
    async with deps.sessions.begin() as session:
        await session.execute(
            update(Incident).values(
                setup_done_at=None,
                setup_claimed_by="replica-2:4242",
                setup_claimed_at=now,
                announcement_ts=None,
            )
        )
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    posted = len(announcements.messages)

    assert await reconcile(deps, now + STALE_AFTER) == []
    assert len(announcements.messages) == posted

    repairs = await reconcile(deps, now + STALE_AFTER + timedelta(seconds=1))

    # The announcement it had made is found, not posted twice; nothing else was missing.
    assert [(r.number, r.done) for r in repairs] == [(1, [])]
    assert len(announcements.messages) == posted
    assert not any("interrupted" in (m.text or "") for m in channel.messages)
    async with deps.sessions() as session:
        incident = await incidents.get(session=session, number=1)
    assert incident is not None and incident.setup_done_at is not None
    assert incident.announcement_ts == announcements.messages[-1].ts


async def test_python_m_bot_reconcile_prints_what_it_repaired(
    bot: RunningBot, emu: SlackEmulator, database_url: str, tmp_path: Path
) -> None:
    await declare(emu)
    async with bot.runtime.deps.sessions.begin() as session:
        await session.execute(update(Incident).values(revision=Incident.revision + 1))
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": database_url.replace("+aiosqlite", "").replace("+asyncpg", ""),
    }

    async def run() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "reconcile",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        assert process.returncode == 0, err.decode()
        return out.decode()

    assert await run() == f"incident #1: {REDRAWN}\n"
    assert await run() == "Nothing to repair: every incident is set up and drawn as recorded.\n"
