"""What a committed change promised is done even when the process dies first (SIGKILL, a
real process): a resolution's PagerDuty alert resolved and its summary posted, once, in the
channel and the announcement's thread; a new role holder invited and told."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app.factory import build_runtime
from bot.slack.ids import BlockId
from emulator import Channel, SlackEmulator
from emulator.pagerduty import FakePagerDuty
from emulator.state import BOT_USER_ID, Usergroup
from models import incidents
from tests.conftest import bot_settings
from tests.e2e.test_crash_recovery import KillPoint
from tests.helpers import dm_texts, slash, until
from tests.processes import BotProcess

REPAIRED_WITHIN = 30.0
KEY = "0123456789abcdef0123456789abcdef"
POLICY = f"""
[pagerduty]
events_url = "{{url}}"

[sev1]
pagerduty_routing_key = "{KEY}"
pagerduty_severity = "critical"
"""

Args = dict[str, Any]


def _is_resolution(args: Args) -> bool:
    return any(b.get("block_id") == BlockId.RESOLUTION for b in args.get("blocks") or [])


def _resolutions(messages: list[Any]) -> int:
    return sum(
        any(b.get("block_id") == BlockId.RESOLUTION for b in m.blocks or []) for m in messages
    )


def _in_channel(emu: SlackEmulator, args: Args) -> bool:
    return _is_resolution(args) and "thread_ts" not in args


def _in_thread(emu: SlackEmulator, args: Args) -> bool:
    return _is_resolution(args) and "thread_ts" in args


RESOLUTION_KILL_POINTS = {
    "before the summary is posted in the channel": KillPoint(
        "chat.postMessage", False, _in_channel
    ),
    "once posted in the channel, before the thread": KillPoint(
        "chat.postMessage", True, _in_channel
    ),
    "once posted in the thread": KillPoint("chat.postMessage", True, _in_thread),
}


@pytest.fixture
async def pagerduty() -> Any:
    """PagerDuty's Events API, served locally."""
    async with FakePagerDuty() as fake:
        yield fake


async def _started(
    emu: SlackEmulator,
    database_url: str,
    tmp_path: Path,
    pagerduty: FakePagerDuty,
    *,
    services: str = "",
) -> BotProcess:
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY.replace("{url}", pagerduty.url) + services)
    bot = BotProcess(emu, database_url, tmp_path, INCIDENT_CONFIG=str(policy))
    await bot.start()
    return bot


async def _declared(emu: SlackEmulator, bot: BotProcess, pagerduty: FakePagerDuty) -> Channel:
    emu.bot_url = f"{bot.url}/slack/events"
    await slash(emu, "sev1 payments down")
    await emu.wait_for(lambda: pagerduty.incidents() and _channel(emu) is not None, timeout=15)
    channel = _channel(emu)
    assert channel is not None
    await emu.wait_for(lambda: len(channel.pins) == 1, timeout=15)
    return channel


def _channel(emu: SlackEmulator) -> Channel | None:
    found = [c for c in emu.channels.values() if c.name.endswith("-payments-down")]
    return found[0] if found else None


async def _all_kept(emu: SlackEmulator, database_url: str) -> None:
    """Wait until the incident's row holds no follow-up left to do."""
    runtime = build_runtime(bot_settings(emu, database_url))

    async def none_left() -> bool:
        async with runtime.deps.sessions() as session:
            incident = await incidents.get(session=session, number=1)
        assert incident is not None
        return incident.follow_ups == []

    try:
        await until(none_left, timeout=REPAIRED_WITHIN)
    finally:
        await runtime.close()


async def _kill_and_restart(bot: BotProcess, held: Any, emu: SlackEmulator) -> float:
    await emu.wait_for(held.reached.is_set, timeout=15)
    await bot.kill()  # SIGKILL: nothing of the change's follow-ups runs past this call
    held.release()
    await bot.start()
    return time.monotonic()  # real clock: the promise is measured in real seconds


@pytest.mark.parametrize("kill_point", list(RESOLUTION_KILL_POINTS))
async def test_a_resolution_killed_before_its_follow_ups_are_done_is_finished_after_a_restart(
    emu: SlackEmulator,
    database_url: str,
    tmp_path: Path,
    pagerduty: FakePagerDuty,
    kill_point: str,
) -> None:
    point = RESOLUTION_KILL_POINTS[kill_point]
    bot = await _started(emu, database_url, tmp_path, pagerduty)
    try:
        channel = await _declared(emu, bot, pagerduty)
        announcements = emu.channel_by_name("incidents")
        assert announcements is not None
        [announcement] = [m for m in announcements.messages if m.user == BOT_USER_ID]
        held = emu.faults.hold(
            point.method, done=point.done, matches=lambda a: point.matches(emu, a)
        )
        await emu.slash_command("/incident", "resolve pool resized", channel=channel.id)
        restarted = await _kill_and_restart(bot, held, emu)

        def finished() -> bool:
            return (
                set(pagerduty.incidents().values()) == {"resolved"}
                and _resolutions(channel.messages) == 1
                and _resolutions(announcement.replies) == 1
            )

        await emu.wait_for(finished, timeout=REPAIRED_WITHIN)
        await _all_kept(emu, database_url)
        took = time.monotonic() - restarted  # real clock: as above
    finally:
        await bot.stop()

    print(f"{kill_point}: finished {took:.1f} s after the restart began")
    assert took < REPAIRED_WITHIN
    assert _resolutions(channel.messages) == 1  # said once, not again by the repair
    assert _resolutions(announcement.replies) == 1
    assert not emu.violations


async def _invite_interrupted(
    emu: SlackEmulator,
    bot: BotProcess,
    pagerduty: FakePagerDuty,
    *,
    invited: str,
    command: str,
    finished: Callable[[Channel], bool],
    database_url: str,
) -> tuple[Channel, float]:
    """Declare, type `command`, kill the bot while it invites `invited`, restart it and wait
    until `finished` holds and nothing promised is left; the channel, and how long it took."""
    channel = await _declared(emu, bot, pagerduty)
    held = emu.faults.hold(
        "conversations.invite", done=False, matches=lambda a: invited in a.get("users", "")
    )
    await emu.slash_command("/incident", command, channel=channel.id)
    restarted = await _kill_and_restart(bot, held, emu)
    await emu.wait_for(lambda: finished(channel), timeout=REPAIRED_WITHIN)
    await _all_kept(emu, database_url)
    return channel, time.monotonic() - restarted  # real clock: as above


def _told(channel: Channel, start: str) -> list[str]:
    return [m.text for m in channel.messages if m.text.startswith(start)]


async def test_a_role_handover_killed_before_the_new_holder_is_invited_is_finished(
    emu: SlackEmulator, database_url: str, tmp_path: Path, pagerduty: FakePagerDuty
) -> None:
    def brought_in(channel: Channel) -> bool:
        told = _told(channel, "👤 <@U0BOB>")
        return "U0BOB" in channel.members and bool(told) and bool(dm_texts(emu, "U0BOB"))

    bot = await _started(emu, database_url, tmp_path, pagerduty)
    try:
        channel, took = await _invite_interrupted(
            emu,
            bot,
            pagerduty,
            invited="U0BOB",
            command="role tech <@U0BOB>",
            finished=brought_in,
            database_url=database_url,
        )
    finally:
        await bot.stop()

    assert took < REPAIRED_WITHIN
    assert _told(channel, "👤 <@U0BOB>") == ["👤 <@U0BOB> is now Tech Lead. (set by <@U0ALICE>)"]
    [duties] = dm_texts(emu, "U0BOB")
    assert "leads the investigation" in duties
    assert not emu.violations


SEARCH_KEY = "0123456789abcdef0123456789abc002"
SERVICES = f"""
[services.search]
name = "Search"
owner = "oncall"
oncall = "search-oncall"
pagerduty_routing_key = "{SEARCH_KEY}"
runbook = ["Check cluster health", "Restart the stuck data node"]
"""


async def test_a_service_added_then_killed_while_its_on_call_is_paged_is_paged_once(
    emu: SlackEmulator, database_url: str, tmp_path: Path, pagerduty: FakePagerDuty
) -> None:
    emu.workspace.usergroups["S0SEARCH"] = Usergroup(
        "S0SEARCH", "search-oncall", "Search on-call", ["U0CAROL"]
    )

    def paged(channel: Channel) -> list[str]:
        return [m.text for m in channel.messages if "on call for *Search*" in m.text]

    def finished(channel: Channel) -> bool:
        runbook = _told(channel, "Runbook: Search")
        return "U0CAROL" in channel.members and bool(paged(channel)) and bool(runbook)

    bot = await _started(emu, database_url, tmp_path, pagerduty, services=SERVICES)
    try:
        channel, took = await _invite_interrupted(
            emu,
            bot,
            pagerduty,
            invited="U0CAROL",
            command="service add search",
            finished=finished,
            database_url=database_url,
        )
    finally:
        await bot.stop()

    assert took < REPAIRED_WITHIN
    assert len(paged(channel)) == 1
    assert len([m for m in channel.messages if "is impacted" in m.text]) == 1
    assert len(_told(channel, "Runbook: Search")) == 1
    search = [e for e in pagerduty.events if e["routing_key"] == SEARCH_KEY]
    assert [e["event_action"] for e in search] == ["trigger"]
    assert not emu.violations
