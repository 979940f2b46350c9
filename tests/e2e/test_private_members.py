"""One rule for who is in a private incident's channel, wherever it decides what is shown:
a channel Slack no longer finds has nobody in it; any other refusal is told, nothing shown."""

from __future__ import annotations

from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import declare, declare_private, ephemeral_for, in_channel, slash


async def test_a_private_incident_whose_channel_slack_no_longer_finds_is_listed_to_nobody(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await declare(emu, "sev2 payments down")
    await declare_private(bot.runtime, emu, "payroll data leak")
    emu.inject("conversations.members", error="channel_not_found")

    await slash(emu, "list", user="U0ALICE")
    answer = (await ephemeral_for(emu, "U0ALICE")).text

    assert answer.splitlines()[0] == "*Open incidents (1)*"
    assert "payments down" in answer and "payroll" not in answer


async def test_when_slack_will_not_say_who_is_in_a_private_channel_the_person_is_told_why(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await declare_private(bot.runtime, emu, "payroll data leak")
    emu.inject("conversations.members", error="missing_scope")

    await slash(emu, "list", user="U0BOB")
    answer = (await ephemeral_for(emu, "U0BOB")).text

    assert answer.startswith("Slack refused (conversations.members): the app lacks")
    assert "reinstall it from the manifest" in answer
    assert "payroll" not in answer


async def test_a_private_incident_s_items_are_listed_to_nobody_once_slack_no_longer_finds_it(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    private = await declare_private(bot.runtime, emu, "payroll data leak")
    await in_channel(emu, private, "action Rotate the payroll export keys due +3d P1")
    await emu.wait_for(lambda: any("New action item" in m.text for m in private.messages))
    await slash(emu, "actions open", user="U0ALICE")
    before = await ephemeral_for(emu, "U0ALICE", count=2)
    emu.inject("conversations.members", error="channel_not_found")

    await slash(emu, "actions open", user="U0ALICE")
    after = await ephemeral_for(emu, "U0ALICE", count=3)

    assert "Rotate the payroll export keys" in str(before.blocks)
    assert "Rotate the payroll export keys" not in f"{after.text} {after.blocks}"
