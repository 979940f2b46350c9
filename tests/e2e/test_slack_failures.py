"""Slack failing: rate limits and 5xx are retried; refusals are explained and recorded."""

from __future__ import annotations

from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import ephemeral_for, incident_channel, slash, stored_incidents


async def test_a_rate_limited_channel_creation_is_retried_after_retry_after(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.inject("conversations.create", status=429, retry_after=1, times=1)
    await slash(emu, "sev1 payments down")
    await incident_channel(emu)
    answer = await ephemeral_for(emu)
    assert "is open" in answer.text
    statuses = [c.status for c in emu.calls_to("conversations.create")]
    assert statuses == [429, 200]
    [incident] = await stored_incidents(bot.runtime)
    assert incident.setup_problems == []


async def test_server_errors_from_slack_are_retried(emu: SlackEmulator, bot: RunningBot) -> None:
    emu.inject("chat.postMessage", status=503, times=2)
    await slash(emu, "sev1 payments down")
    channel = await incident_channel(emu)
    await ephemeral_for(emu)
    await emu.wait_for(lambda: len(channel.pins) == 1)
    [incident] = await stored_incidents(bot.runtime)
    assert incident.card_ts == channel.pins[0]
    assert incident.setup_problems == []


async def test_a_workspace_that_restricts_channel_creation_is_explained_and_recorded(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.inject("conversations.create", error="restricted_action")
    await slash(emu, "sev1 payments down")
    answer = await ephemeral_for(emu)
    assert "Incident #1 is recorded, but its channel could not be created" in answer.text
    assert "A workspace admin must allow apps to create and manage channels" in answer.text
    [incident] = await stored_incidents(bot.runtime)
    assert incident.channel_id is None
    assert incident.setup_problems == [
        {
            "step": "create the channel",
            "error": "restricted_action",
            "explanation": incident.setup_problems[0]["explanation"],
        }
    ]
    assert [m for c in emu.channels.values() for m in c.messages] == []


async def test_a_missing_scope_is_named_so_the_admin_knows_what_to_grant(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    emu.inject("pins.add", error="missing_scope")
    await slash(emu, "sev1 payments down")
    channel = await incident_channel(emu)
    answer = await ephemeral_for(emu)
    assert f"Incident #1 is open in <#{channel.id}>" in answer.text
    assert "Some of the set-up did not happen" in answer.text
    assert "pin the card: the app lacks the `pins:write` permission" in answer.text
    assert "reinstall it from the manifest" in answer.text
    [incident] = await stored_incidents(bot.runtime)
    assert incident.card_ts == channel.messages[0].ts
    assert not incident.card_pinned
    assert [p["error"] for p in incident.setup_problems] == ["missing_scope"]
