"""Postmortem reminders, meeting reminders and update nudges, run as of chosen times."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.postmortems import publish_postmortem, save_sections
from emulator import Channel, SlackEmulator
from scheduler.delivery import IncompleteRun
from scheduler.jobs import run_job
from tests.conftest import BOT_TOKEN, RunningBot
from tests.helpers import declare, dm_texts, ephemeral_for, in_channel


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in January 2025 (UTC, the bot's zone in tests)."""
    return datetime(2025, 1, day, hour, minute, tzinfo=UTC)


async def run(bot: RunningBot, job: str, when: datetime) -> int:
    """Run a job as the scheduler would at `when`."""
    bot.clock.set(when)
    return await run_job(bot.runtime.deps, job, now=when)


def said(channel: Channel, start: str) -> list[str]:
    """The channel's messages that start so."""
    return [m.text for m in channel.messages if m.text.startswith(start)]


async def resolved_sev1(emu: SlackEmulator, bot: RunningBot) -> Channel:
    """A SEV1 declared and resolved on Wednesday 15 January: its postmortem is due Friday 17."""
    channel = await declare(emu, "sev1 payments down")
    await in_channel(emu, channel, "role comms <@U0BOB|bob>")
    await emu.wait_for(lambda: "U0BOB" in channel.members)
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: any("drafted from the timeline" in m.text for m in channel.messages))
    return channel


async def test_postmortem_reminders_come_on_the_right_days_once_each_then_escalate(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_sev1(emu, bot)
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    runs = {
        at(16, 10): 1,  # Thursday: due tomorrow
        at(16, 11): 0,  # the same day again: nothing more
        at(17, 10): 1,  # Friday: due today
        at(18, 10): 0,  # Saturday
        at(20, 10): 0,  # Monday: 1 business day overdue
        at(21, 10): 1,  # Tuesday: 2
        at(22, 10): 0,
        at(23, 10): 1,  # Thursday: 4
        at(27, 10): 2,  # Monday: 6 business days, 10 days: the IC too, and announced
    }
    for when, expected in runs.items():
        assert await run(bot, "postmortem-reminders", when) == expected, when
    reminders = said(channel, "⏰ <@U0ALICE>: the postmortem of incident #1")
    assert [r.split(" is ")[1].split(".")[0] for r in reminders] == [
        "due tomorrow (2025-01-17)",
        "due today",
        "4 days overdue (due 2025-01-17)",
        "6 days overdue (due 2025-01-17)",
        "10 days overdue (due 2025-01-17)",
    ]
    assert "as Incident Commander" in reminders[-1]
    assert "as Incident Commander" not in reminders[-2]
    escalations = [m.text for m in announcements.messages if "10 days overdue" in m.text]
    assert len(escalations) == 1

    await save_sections(
        bot.runtime.deps, channel_id=channel.id, sections={"summary": "Fixed."}, by="U0ALICE"
    )
    await publish_postmortem(bot.runtime.deps, channel_id=channel.id, by="U0ALICE")
    assert await run(bot, "postmortem-reminders", at(29, 10)) == 0


async def test_a_failed_reminder_is_sent_on_the_next_run_and_only_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_sev1(emu, bot)
    emu.inject("chat.postMessage", status=500, times=10)
    with pytest.raises(IncompleteRun):  # Slack down: the run is not recorded, and is retried
        await run(bot, "postmortem-reminders", at(17, 10))
    emu.reset_faults()
    assert await run(bot, "postmortem-reminders", at(17, 11)) == 1
    assert await run(bot, "postmortem-reminders", at(17, 12)) == 0
    assert len(said(channel, "⏰ <@U0ALICE>")) == 1


async def test_update_nudges_fire_once_per_missed_window_and_stop_when_mitigated(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev1 payments down")  # 14:02, updates every 30 minutes
    await in_channel(emu, channel, "role comms <@U0BOB|bob>")
    await in_channel(emu, channel, "role tech <@U0CAROL|carol>")
    await emu.wait_for(lambda: {"U0BOB", "U0CAROL"} <= channel.members)
    expected = {
        at(15, 14, 20): 0,
        at(15, 14, 35): 1,  # 33 minutes without an update
        at(15, 14, 40): 0,  # same window
        at(15, 15, 5): 1,  # second window
    }
    for when, count in expected.items():
        assert await run(bot, "update-nudges", when) == count, when
    nudges = said(channel, "⏰ <@U0BOB>: no status update")
    assert [n.split(" for ")[1].split(";")[0] for n in nudges] == ["33 min", "1 h 3 min"]

    bot.clock.set(at(15, 15, 10))
    await in_channel(emu, channel, "update failover in progress")
    await emu.wait_for(
        lambda: any("failover in progress" in str(m.blocks) for m in channel.messages)
    )
    assert await run(bot, "update-nudges", at(15, 15, 30)) == 0
    assert await run(bot, "update-nudges", at(15, 15, 45)) == 1

    await in_channel(emu, channel, "mitigated")
    await emu.wait_for(lambda: "Mitigated" in channel.topic)
    assert await run(bot, "update-nudges", at(15, 17, 0)) == 0


async def test_the_ic_is_nudged_once_when_tech_lead_and_comms_are_still_open(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev2 search slow")  # 14:02, updates every 60 minutes
    assert await run(bot, "update-nudges", at(15, 14, 10)) == 0
    assert await run(bot, "update-nudges", at(15, 14, 15)) == 1
    assert await run(bot, "update-nudges", at(15, 14, 20)) == 0
    [nudge] = said(channel, "👥 <@U0ALICE>")
    assert "no Tech Lead or Communications" in nudge


async def test_role_holders_are_reminded_an_hour_before_the_review_meeting(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await resolved_sev1(emu, bot)
    await in_channel(emu, channel, "postmortem meeting 2025-01-20 15:00")
    answer = await ephemeral_for(emu)
    assert answer.text == "Meeting recorded: 2025-01-20 15:00 UTC."
    assert await run(bot, "postmortem-meetings", at(20, 13, 55)) == 0
    assert await run(bot, "postmortem-meetings", at(20, 14, 5)) == 2  # alice (IC, owner), bob
    assert await run(bot, "postmortem-meetings", at(20, 14, 10)) == 0
    assert any("starts at 2025-01-20 15:00 UTC" in t for t in dm_texts(emu, "U0BOB"))


async def run_job_processes(
    emu: SlackEmulator,
    database_url: str,
    cwd: Path,
    count: int,
    at_time: str,
    job: str = "postmortem-reminders",
) -> list[str]:
    """`python -m bot run-job <job> --at …` in `count` processes started together."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": emu.api_url,
        "DATABASE_URL": database_url.replace("+aiosqlite", "").replace("+asyncpg", ""),
        "INCIDENT_ANNOUNCE_CHANNEL": "#incidents",
    }
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run-job",
            job,
            "--at",
            at_time,
            env=env,
            cwd=cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(count)
    ]
    outputs = await asyncio.gather(*(p.communicate() for p in processes))
    assert [p.returncode for p in processes] == [0] * count, outputs
    return [out.decode().strip() for out, _ in outputs]


async def test_two_scheduler_processes_and_a_restart_send_each_reminder_once(
    emu: SlackEmulator, bot: RunningBot, database_url: str, tmp_path: Path
) -> None:
    channel = await resolved_sev1(emu, bot)
    first = await run_job_processes(emu, database_url, tmp_path, 2, "2025-01-17T10:00:00+00:00")
    assert sorted(line.rsplit(": ", 1)[1] for line in first) == [
        "sent 0 messages",
        "sent 1 message",
    ]
    again = await run_job_processes(emu, database_url, tmp_path, 1, "2025-01-17T15:00:00+00:00")
    assert again == ["ran postmortem-reminders at 2025-01-17T15:00:00+00:00: sent 0 messages"]
    assert len(said(channel, "⏰ <@U0ALICE>: the postmortem of incident #1 is due today")) == 1


async def test_two_processes_and_a_restart_post_the_weekly_review_once(
    emu: SlackEmulator, bot: RunningBot, database_url: str, tmp_path: Path
) -> None:
    channel = await declare(emu, "sev2 search slow")
    await in_channel(emu, channel, "action Add a search latency alert <@U0BOB|bob> due friday")
    await ephemeral_for(emu)
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    monday = "2025-01-27T09:00:00+00:00"
    first = await run_job_processes(emu, database_url, tmp_path, 2, monday, "weekly-review")
    assert sorted(line.rsplit(": ", 1)[1] for line in first) == [
        "sent 0 messages",
        "sent 1 message",
    ]
    again = await run_job_processes(
        emu, database_url, tmp_path, 1, "2025-01-27T15:00:00+00:00", "weekly-review"
    )
    assert again[0].endswith("sent 0 messages")
    reviews = [m for m in announcements.messages if "Action-item review" in m.text]
    assert len(reviews) == 1
    assert "INC-1" in str(reviews[0].blocks) and "10 days overdue" in str(reviews[0].blocks)
