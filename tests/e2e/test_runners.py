"""The real entry points: `python -m bot serve` as a process, and the Socket Mode runner."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from slack_bolt.adapter.socket_mode.websockets import AsyncSocketModeHandler

from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from emulator import SlackEmulator
from models.database import migrate
from tests.conftest import (
    APP_TOKEN,
    BOT_TOKEN,
    DECLARED_AT,
    RunningBot,
    bot_settings,
)
from tests.helpers import ephemeral_for, incident_channel, slash
from tests.processes import served


async def test_python_m_bot_serve_declares_an_incident_end_to_end(
    emu: SlackEmulator, database_url: str, tmp_path: Path
) -> None:
    async with served(emu, database_url, tmp_path) as url:
        emu.bot_url = f"{url}/slack/events"
        await slash(emu, "sev1 payments down")
        await emu.wait_for(lambda: emu.calls_to("conversations.create"))
        name = emu.calls_to("conversations.create")[0].args["name"]
        assert name.startswith("incident-") and name.endswith("-payments-down")
        channel = await incident_channel(emu, name)
        answer = await ephemeral_for(emu)
        await emu.wait_for(lambda: len(channel.pins) == 1)
        announcements = emu.channel_by_name("incidents")
        assert announcements is not None
        await emu.wait_for(lambda: len(announcements.messages) == 1)
    assert f"<#{channel.id}>" in answer.text
    assert "U0ALICE" in channel.members
    assert "Investigating" in channel.topic
    assert channel.pins == [channel.messages[0].ts]

    runtime = build_runtime(bot_settings(emu, database_url))
    async with runtime.deps.sessions() as session:
        from models import incidents

        incident = await incidents.get_by_channel(session=session, channel_id=channel.id)
    await runtime.close()
    assert incident is not None
    assert (incident.channel_name, incident.card_ts) == (name, channel.pins[0])
    assert incident.announcement_ts == announcements.messages[0].ts


async def test_serve_without_configuration_prints_one_line_and_exits(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        env=env,
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    _, error = await process.communicate()
    assert process.returncode == 2
    assert error.decode() == (
        "Configuration error: SLACK_BOT_TOKEN is required to serve (the bot token, xoxb-…)\n"
    )


async def test_serve_with_a_bad_service_catalog_prints_one_line_and_exits(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog-info.yaml"
    catalog.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\n"
        "  annotations:\n    incident-bot/on-call: payments-oncall\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env |= {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": "secret",
        "SERVICE_CATALOG": str(catalog),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, error = await process.communicate()
    assert process.returncode == 2
    assert error.decode() == (
        f"Configuration error: SERVICE_CATALOG {catalog}: service payments: annotation "
        "incident-bot/on-call is not a known annotation (expected incident-bot/oncall, "
        "incident-bot/owner, incident-bot/aliases, incident-bot/status-component, "
        "incident-bot/runbook, incident-bot/tier)\n"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_socket_mode_runner_declares_over_the_websocket(
    emu: SlackEmulator, database_url: str
) -> None:
    settings = bot_settings(emu, database_url, SLACK_APP_TOKEN=APP_TOKEN)
    runtime = build_runtime(settings, clock=FrozenClock(DECLARED_AT), verify_requests=False)
    await migrate(runtime.engine)
    handler = AsyncSocketModeHandler(runtime.app, app_token=APP_TOKEN)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        await emu.wait_for_socket()
        await slash(emu, "sev1 payments down")
        await emu.wait_for(lambda: emu.calls_to("conversations.create"))
        name = emu.calls_to("conversations.create")[0].args["name"]
        assert name.startswith("incident-") and name.endswith("-payments-down")
        channel = await incident_channel(emu, name)
        answer = await ephemeral_for(emu)
        assert f"<#{channel.id}>" in answer.text
        assert emu.calls_to("apps.connections.open")
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runtime.close()


async def test_python_m_bot_backfill_adds_the_marks_it_missed(
    emu: SlackEmulator, bot: RunningBot, database_url: str, tmp_path: Path
) -> None:
    from tests.helpers import declare

    channel = await declare(emu)
    emu.deliver_events = False
    message = await emu.user_posts(channel.id, "U0ALICE", "queue depth 40k")
    await emu.user_reacts(channel.id, message.ts, "U0ALICE", "pushpin")
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": database_url.replace("+aiosqlite", "").replace("+asyncpg", ""),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backfill",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    assert out.decode().strip().endswith("Backfill added 1 timeline entries.")
    assert "ballot_box_with_check" in message.reactions
