"""`/incident sev1 payments down` end to end: channel, invite, topic, pinned card, announcement."""

from __future__ import annotations

import asyncio

from bot.slack.ids import ActionId, BlockId
from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import (
    CHANNEL_NAME,
    block,
    block_text,
    ephemeral_for,
    incident_channel,
    slash,
    stored_incidents,
)


async def test_declaring_opens_the_channel_with_people_topic_pinned_card_and_announcement(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "sev1 payments down")

    channel = await incident_channel(emu)
    answer = await ephemeral_for(emu)
    assert f"<#{channel.id}>" in answer.text
    assert "Incident #1 is open" in answer.text
    assert not channel.is_private
    assert {"U0ALICE", "U0BOT"} <= channel.members
    assert channel.topic.startswith("🔴 SEV1 Critical · Investigating · IC <@U0ALICE>")
    assert channel.topic.endswith("payments down")

    card = channel.messages[0]
    assert card.user == "U0BOT"
    assert channel.pins == [card.ts]
    assert block(card.blocks, BlockId.CARD_HEADER)["text"]["text"] == "payments down"
    fields = block_text([block(card.blocks, BlockId.CARD_FIELDS)])
    assert "SEV1 Critical" in fields
    assert "Complete outage, all users affected" in fields
    assert "Investigating" in fields
    assert "2025-01-15 14:02 UTC" in fields
    assert "*Incident Commander*\n<@U0ALICE>" in fields
    for role in ("Tech Lead", "Communications", "Scribe"):
        assert f"*{role}*\n_unassigned_" in fields

    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    await emu.wait_for(lambda: len(announcements.messages) == 1)
    post = announcements.messages[0]
    assert f"<#{channel.id}>" in block_text(post.blocks)
    assert "payments down" in block_text(post.blocks)

    [incident] = await stored_incidents(bot.runtime)
    assert (incident.id, incident.title, incident.severity) == (1, "payments down", "sev1")
    assert incident.status == "investigating"
    assert incident.channel_id == channel.id
    assert incident.channel_name == CHANNEL_NAME
    assert incident.declared_by == "U0ALICE"
    assert incident.declared_at == bot.clock.now()
    assert incident.card_ts == card.ts
    assert incident.card_pinned and incident.topic_set
    assert (incident.announcement_channel_id, incident.announcement_ts) == (
        announcements.id,
        post.ts,
    )
    assert incident.setup_problems == []
    assert incident.current_roles == {"ic": "U0ALICE"}
    assert emu.pings == []


async def test_the_independent_setup_calls_go_out_together_after_the_channel_exists(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    for method in ("conversations.invite", "conversations.setTopic", "chat.postMessage"):
        emu.set_latency(method, 0.3)
    started = asyncio.get_running_loop().time()
    await slash(emu, "sev2 api slow")
    await ephemeral_for(emu)
    elapsed = asyncio.get_running_loop().time() - started

    create = emu.calls_to("conversations.create")[0]
    later = [c for c in emu.calls if c.method in ("conversations.invite", "conversations.setTopic")]
    assert all(c.at >= create.at for c in later)
    # The announcement is two posts in a row (the first finds the bot not yet in the channel,
    # which it then joins): 0.6 s, which card, invite and topic overlap. One after another
    # they would take 1.5 s: the bound sits between, with room for a loaded CI machine
    # (PostgreSQL there has taken 1.0 s).
    assert elapsed < 0.3 * 3.6


async def test_the_slash_command_is_acknowledged_before_slack_work_finishes(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.set_latency("conversations.create", 2.0)
    started = asyncio.get_running_loop().time()
    await slash(emu, "sev1 payments down")
    assert asyncio.get_running_loop().time() - started < 1.0
    await incident_channel(emu)
    await ephemeral_for(emu)


async def test_a_public_announcement_channel_the_bot_is_not_in_is_joined_first(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    announcements.members.discard("U0BOT")
    await slash(emu, "sev3 docs typo")
    await ephemeral_for(emu)
    await emu.wait_for(lambda: len(announcements.messages) == 1)
    assert "U0BOT" in announcements.members
    assert [c.method for c in emu.calls if c.method == "conversations.join"] == [
        "conversations.join"
    ]


async def test_the_join_button_on_the_announcement_brings_the_clicker_in(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "sev1 payments down")
    channel = await incident_channel(emu)
    announcements = emu.channel_by_name("incidents")
    assert announcements is not None
    await emu.wait_for(lambda: len(announcements.messages) == 1)
    assert "U0BOB" not in channel.members

    post = announcements.messages[0]
    await emu.click_button(announcements.id, post.ts, ActionId.JOIN_INCIDENT, user="U0BOB")

    await emu.wait_for(lambda: "U0BOB" in channel.members)
    answer = await ephemeral_for(emu, "U0BOB")
    assert f"<#{channel.id}>" in answer.text


async def test_several_incidents_get_their_own_numbers_and_channels(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "sev1 payments down")
    await ephemeral_for(emu)
    await slash(emu, "sev2 search slow", user="U0BOB")
    await ephemeral_for(emu, "U0BOB")
    incidents = await stored_incidents(bot.runtime)
    assert [(i.id, i.channel_name) for i in incidents] == [
        (1, CHANNEL_NAME),
        (2, "incident-2025-01-15-search-slow"),
    ]
