"""A declaration killed (SIGKILL, a real process) at each of its steps is finished after a
restart: card posted once and pinned, topic, announcement once, responders paged, the declarer
told what was repaired, and no channel left orphaned."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app.factory import build_runtime
from bot.slack.ids import ActionId, BlockId
from emulator import Channel, SlackEmulator
from models import incidents
from tests.conftest import bot_settings
from tests.helpers import slash
from tests.processes import BotProcess

# Finished within this long after the restart: the promise.
REPAIRED_WITHIN = 30.0

POLICY = """
[sev1]
page_usergroups = ["oncall"]
"""

Args = dict[str, Any]


@dataclass(frozen=True)
class KillPoint:
    """Where the declaration dies: a Web API call held before (or after) Slack did it."""

    method: str
    done: bool
    matches: Callable[[SlackEmulator, Args], bool] = lambda emu, args: True


def _announce_channel(emu: SlackEmulator, args: Args) -> bool:
    announcements = emu.channel_by_name("incidents")
    return announcements is not None and args.get("channel") == announcements.id


def _card(emu: SlackEmulator, args: Args) -> bool:
    blocks = args.get("blocks") or []
    return any(b.get("block_id") == BlockId.CARD_FIELDS for b in blocks)


KILL_POINTS = {
    "before the channel is created": KillPoint("conversations.create", done=False),
    "while conversations.create is in flight": KillPoint("conversations.create", done=True),
    "while the declarer is invited": KillPoint("conversations.invite", done=True),
    "while the topic is set": KillPoint("conversations.setTopic", done=True),
    "once the card is posted, before its ts is kept": KillPoint(
        "chat.postMessage", done=True, matches=_card
    ),
    "before the card is pinned": KillPoint("pins.add", done=False),
    "once announced, before the announcement's ts is kept": KillPoint(
        "chat.postMessage", done=True, matches=_announce_channel
    ),
    "while paging the on-call group": KillPoint("usergroups.users.list", done=False),
}


def _incident_channels(emu: SlackEmulator) -> list[Channel]:
    return [c for c in emu.channels.values() if c.name.endswith("-payments-down")]


def _cards(channel: Channel) -> list[str]:
    return [
        m.ts
        for m in channel.messages
        if any(b.get("block_id") == BlockId.CARD_FIELDS for b in m.blocks or [])
    ]


def _announcements(emu: SlackEmulator) -> list[str]:
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    return [
        m.ts
        for m in announcements.messages
        for block in m.blocks or []
        for element in block.get("elements") or []
        if element.get("action_id") == ActionId.JOIN_INCIDENT
    ]


def _complete(emu: SlackEmulator) -> bool:
    channels = _incident_channels(emu)
    if len(channels) != 1:
        return False
    channel = channels[0]
    paged = [m for m in channel.messages if "Paging" in (m.text or "")]
    return (
        len(channel.pins) == 1
        and "Investigating" in channel.topic
        and "U0ALICE" in channel.members
        and len(_announcements(emu)) == 1
        and len(paged) == 1
        and any("I was interrupted" in (m.text or "") for m in channel.messages)
    )


@pytest.mark.parametrize("kill_point", list(KILL_POINTS))
async def test_a_declaration_killed_at_any_step_is_finished_after_a_restart(
    emu: SlackEmulator, database_url: str, tmp_path: Path, kill_point: str
) -> None:
    point = KILL_POINTS[kill_point]
    policy = tmp_path / "policy.toml"
    policy.write_text(POLICY)
    bot = BotProcess(emu, database_url, tmp_path, INCIDENT_CONFIG=str(policy))
    await bot.start()
    emu.bot_url = f"{bot.url}/slack/events"
    held = emu.faults.hold(point.method, done=point.done, matches=lambda a: point.matches(emu, a))
    try:
        await slash(emu, "sev1 payments down")
        await emu.wait_for(held.reached.is_set, timeout=15)
        await bot.kill()  # SIGKILL: nothing of the declaration runs past this call
        held.release()
        restarted = time.monotonic()  # real clock: the promise is measured in real seconds
        await bot.start()
        await emu.wait_for(lambda: _complete(emu), timeout=REPAIRED_WITHIN)
        took = time.monotonic() - restarted  # real clock: as above
    finally:
        await bot.stop()

    print(f"{kill_point}: complete {took:.1f} s after the restart began")
    assert took < REPAIRED_WITHIN
    [channel] = _incident_channels(emu)  # no orphan: the one channel is the incident's
    assert _cards(channel) == channel.pins  # one card, and it is the pinned one
    [notice] = [m for m in channel.messages if "I was interrupted" in (m.text or "")]
    assert notice.text.startswith("<@U0ALICE> I was interrupted while setting up incident #1")

    runtime = build_runtime(bot_settings(emu, database_url))
    async with runtime.deps.sessions() as session:
        incident = await incidents.get(session=session, number=1)
    await runtime.close()
    assert incident is not None
    assert incident.channel_id == channel.id
    assert incident.card_ts == channel.pins[0]
    assert incident.card_pinned and incident.topic_set and incident.declarer_invited
    assert incident.paged
    assert incident.announcement_ts == _announcements(emu)[0]
    assert incident.setup_done_at is not None and incident.setup_claimed_by is None
    assert incident.setup_problems == []
