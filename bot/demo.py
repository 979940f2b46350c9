"""`python -m bot demo`: an incident played against the local Slack emulator, printed."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from bot.app import asgi_app, build_runtime
from bot.db import migrate
from bot.ids import ActionId
from bot.runner import serve_in_background
from bot.settings import load_settings
from emulator import SlackEmulator
from emulator.transcript import render_workspace

SECRET = "demo-signing-secret"
BOT_TOKEN = "xoxb-demo"


async def run_demo() -> int:
    """Start the emulator and the bot, play an incident, print what people would see."""
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="incident-demo-") as folder:
        database = Path(folder) / "incidents.db"
        async with SlackEmulator(signing_secret=SECRET, bot_token=BOT_TOKEN) as emu:
            announcements = emu.add_channel("incidents", members=["U0ALICE", "U0BOB", "U0CAROL"])
            settings = load_settings(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=emu.api_url,
                DATABASE_URL=f"sqlite:///{database}",
                INCIDENT_ANNOUNCE_CHANNEL="#incidents",
                INCIDENT_TIMEZONE=os.environ.get("INCIDENT_TIMEZONE", "UTC"),
            )
            runtime = build_runtime(settings)
            await migrate(runtime.engine)
            server = await serve_in_background(asgi_app(runtime))
            emu.bot_url = f"{server.url}/slack/events"
            try:
                await _play(emu, announcements)
            finally:
                await server.stop()
                await runtime.close()
            print(f"The demo's database was {database} (SQLite, removed now).\n")
            print(render_workspace(emu))
    return 0


async def _play(emu: SlackEmulator, announcements: str) -> None:
    """What people do, each step through a real signed request."""
    print("alice types: /incident sev1 payments down")
    await emu.slash_command(
        "/incident", "sev1 payments down", user="U0ALICE", channel=announcements
    )
    channel = await _wait_channel(emu, "payments-down")
    await emu.wait_for(lambda: len(emu.channels[announcements].messages) == 1)
    post = emu.channels[announcements].messages[0]
    print("bob clicks [Join the incident channel] on the announcement")
    await emu.click_button(announcements, post.ts, ActionId.JOIN_INCIDENT, user="U0BOB")
    await emu.wait_for(lambda: "U0BOB" in emu.channels[channel].members)
    print("carol types: /incident sev9 checkout slow\n")
    await emu.slash_command(
        "/incident", "sev9 checkout slow", user="U0CAROL", channel=announcements
    )
    await emu.wait_for(lambda: any(e.user == "U0CAROL" for e in emu.ephemerals))


async def _wait_channel(emu: SlackEmulator, ending: str) -> str:
    await emu.wait_for(lambda: any(c.name.endswith(ending) for c in emu.channels.values()))
    return str(next(c.id for c in emu.channels.values() if c.name.endswith(ending)))
