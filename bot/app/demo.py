"""`python -m bot demo`: an incident played against the local Slack emulator, printed."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app.factory import Runtime, asgi_app, build_runtime
from bot.app.server import serve_in_background
from bot.clock import FrozenClock
from bot.settings import load_settings
from bot.slack.ids import ActionId
from emulator import SlackEmulator
from emulator.transcript import render_workspace
from models.database import migrate
from scheduler.jobs import run_job

SECRET = "demo-signing-secret"
BOT_TOKEN = "xoxb-demo"


async def run_demo(start: datetime) -> int:
    """Start the emulator and the bot, play an incident from `start`, print what people see."""
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
            clock = FrozenClock(start.astimezone(UTC).replace(second=0, microsecond=0))
            runtime = build_runtime(settings, clock=clock)
            emu.workspace.ids.clock = lambda: clock.now().timestamp()  # Slack's time is ours too
            await migrate(runtime.engine)
            server = await serve_in_background(asgi_app(runtime))
            emu.bot_url = f"{server.url}/slack/events"
            try:
                await _play(emu, announcements, clock, runtime)
            finally:
                await server.stop()
                await runtime.close()
            print(f"The demo's database was {database} (SQLite, removed now).\n")
            print(render_workspace(emu))
    return 0


async def _play(
    emu: SlackEmulator, announcements: str, clock: FrozenClock, runtime: Runtime
) -> None:
    """What people do, each step through a real signed request; each waits for what the bot
    says to it (not for words the card always shows), so the same clock gives the same story."""
    await _type(emu, "alice", "sev1 payments down", announcements)
    channel = await _wait_channel(emu, "payments-down")
    await emu.wait_for(lambda: len(emu.channels[channel].pins) == 1)
    await emu.wait_for(lambda: len(emu.channels[announcements].messages) == 1)
    post = emu.channels[announcements].messages[0]
    print("bob clicks [Join the incident channel] on the announcement")
    await emu.click_button(announcements, post.ts, ActionId.JOIN_INCIDENT, user="U0BOB")
    await emu.wait_for(lambda: "U0BOB" in emu.channels[channel].members)
    steps = [
        ("alice", "role tech <@U0BOB|bob>", lambda: "is now tech lead" in _said(emu, channel)),
        ("alice", "role scribe <@U0CAROL|carol>", lambda: "is now scribe" in _said(emu, channel)),
        ("bob", "status identified", lambda: "→ *identified*" in _said(emu, channel)),
        (
            "bob",
            "update bad deploy of checkout-api 4.2; rolling back",
            lambda: "rolling back" in _said(emu, channel),
        ),
        (
            "bob",
            "mitigated rollback done, error rate back to normal",
            lambda: "→ *mitigated*" in _said(emu, channel),
        ),
        (
            "alice",
            "resolve checkout-api 4.2 reverted; fix to follow",
            lambda: "incident #1 resolved" in _said(emu, channel),
        ),
    ]
    for number, (who, text, done) in enumerate(steps):
        clock.advance(timedelta(minutes=7))  # the bot reads time only from its clock
        await _type(emu, who, text, channel)
        await emu.wait_for(done)
        if number == 2:
            await _pin_a_finding(emu, channel)
    await emu.wait_for(lambda: "drafted from the timeline" in _said(emu, channel))
    await _type(emu, "alice", "timeline", channel)
    await emu.wait_for(lambda: any("Timeline of incident" in e.text for e in emu.ephemerals))
    await _type(
        emu,
        "alice",
        "action Add a canary stage to checkout-api deploys <@U0BOB|bob> due +2d P1",
        channel,
    )
    await emu.wait_for(lambda: "new action item" in _said(emu, channel))
    await _type(emu, "carol", "sev9 checkout slow", announcements)
    await emu.wait_for(lambda: any(e.user == "U0CAROL" for e in emu.ephemerals))
    await _weekly_review(emu, runtime, clock, announcements)
    print()


async def _weekly_review(
    emu: SlackEmulator, runtime: Runtime, clock: FrozenClock, announcements: str
) -> None:
    """A week later the action item is overdue, and Monday's review says so."""
    local = clock.now().astimezone(runtime.deps.zone)
    days = (7 - local.weekday()) % 7 or 7
    monday = (local + timedelta(days=days + 7)).replace(hour=9, minute=0)
    clock.set(monday.astimezone(UTC))
    print(f"… {monday:%A %Y-%m-%d %H:%M}: the weekly review runs (`run-job weekly-review`)")
    await run_job(runtime.deps, "weekly-review", now=clock.now())
    await emu.wait_for(
        lambda: any("review" in m.text.lower() for m in emu.channels[announcements].messages)
    )


async def _pin_a_finding(emu: SlackEmulator, channel: str) -> None:
    """Bob says what he found; Alice reacts with 📌 and it joins the timeline."""
    print("bob writes: the error spike starts with the checkout-api 4.2 deploy")
    message = await emu.user_posts(
        channel, "U0BOB", "the error spike starts with the checkout-api 4.2 deploy"
    )
    print("alice reacts to it with 📌")
    await emu.user_reacts(channel, message.ts, "U0ALICE", "pushpin")
    await emu.wait_for(lambda: "ballot_box_with_check" in message.reactions)


async def _type(emu: SlackEmulator, who: str, text: str, channel: str) -> None:
    user = next(u for u in emu.users.values() if u.name == who)
    print(f"{who} types in #{emu.channels[channel].name}: /incident {text}")
    await emu.slash_command("/incident", text, user=user.id, channel=channel)


def _said(emu: SlackEmulator, channel: str) -> str:
    return " ".join(f"{m.text} {m.blocks}" for m in emu.channels[channel].messages).lower()


async def _wait_channel(emu: SlackEmulator, ending: str) -> str:
    await emu.wait_for(lambda: any(c.name.endswith(ending) for c in emu.channels.values()))
    return str(next(c.id for c in emu.channels.values() if c.name.endswith(ending)))
