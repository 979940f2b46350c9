"""Many commands on one incident at once: the card and topic end up showing what is stored."""

from __future__ import annotations

import asyncio

from emulator import SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import block_text, card_of, declare, stored_incidents, until


async def test_commands_arriving_together_leave_card_and_topic_in_step_with_the_database(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu)
    channel.members |= {"U0BOB", "U0CAROL"}
    texts = [f"update step {n}" for n in range(6)] + [
        "role tech <@U0BOB|bob>",
        "role tech <@U0CAROL|carol>",
        "sev 1",
        "status identified",
    ]
    responses = await asyncio.gather(
        *(emu.slash_command("/incident", t, user="U0ALICE", channel=channel.id) for t in texts)
    )
    assert {r.status_code for r in responses} == {200}

    async def settled() -> bool:
        [incident] = await stored_incidents(bot.runtime)
        tech = incident.current_roles.get("tech")
        return (
            incident.severity == "sev1"
            and incident.status == "identified"
            and channel.topic.startswith("🔴 SEV1 Critical · Identified")
            and f"*Tech Lead*\n<@{tech}>" in block_text(card_of(channel).blocks)
        )

    await until(settled, timeout=15)
    assert not [e for e in emu.ephemerals if "went wrong" in e.text]
