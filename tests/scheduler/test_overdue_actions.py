"""Monday's overdue nudges: one DM per owner per week, each item with its controls."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from emulator import Message, SlackEmulator
from tests.conftest import RunningBot
from tests.helpers import block, block_text
from tests.scheduler.test_weekly_review import MONDAY, incident, item, run, seed_week

NUDGE_TIME = MONDAY + timedelta(minutes=30)


def dms(emu: SlackEmulator, user: str) -> list[Message]:
    """What the bot said to a person in their DM."""
    return [m for c in emu.channels.values() if c.is_im and user in c.members for m in c.messages]


def controls(message: Message, number: int) -> list[dict[str, Any]]:
    """The elements of an item's actions block."""
    elements: list[dict[str, Any]] = block(message.blocks, f"action_{number}")["elements"]
    return elements


async def test_each_owner_gets_one_dm_a_week_listing_their_overdue_items_with_controls(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    assert await run(bot, NUDGE_TIME, "overdue-actions") == 1  # only bob; #10 has no owner
    assert dms(emu, "U0ALICE") == [] and dms(emu, "U0CAROL") == []
    [dm] = dms(emu, "U0BOB")
    assert dm.text == "⏰ You have 3 overdue action items."
    assert block(dm.blocks, "item_2")["text"]["text"] == (
        "*INC-2* Fix &lt;alerting&gt; · P2 · 19 days overdue (due 2025-01-01)"
        " · #1 Payments &lt;down&gt; &amp; out"
    )
    # A private incident's item is fine to describe to its own owner, in a DM.
    assert block(dm.blocks, "item_4")["text"]["text"] == (
        "*INC-4* Rotate the leaked AWS key · P1 · 5 days overdue (due 2025-01-15)"
        " · #2 Leaked credentials 🔒"
    )
    for number, due in ((2, "2025-01-01"), (4, "2025-01-15"), (1, "2025-01-17")):
        button, picker = controls(dm, number)
        assert (button["type"], button["action_id"], button["value"]) == (
            "button",
            "action_done",
            str(number),
        )
        assert button["text"]["text"] == "Mark done"
        assert (picker["type"], picker["action_id"], picker["initial_date"]) == (
            "datepicker",
            "action_due",
            due,
        )

    assert await run(bot, NUDGE_TIME + timedelta(hours=2), "overdue-actions") == 0
    assert await run(bot, NUDGE_TIME + timedelta(days=7), "overdue-actions") == 1
    assert len(dms(emu, "U0BOB")) == 2


async def test_a_long_dm_stays_within_50_blocks_and_lists_every_item(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    payments = await incident(bot, "Payments down")
    for n in range(60):
        await item(
            bot,
            payments,
            f"Fix <{n}> " + "& " * 200,
            "U0BOB",
            due=date(2025, 1, 1) + timedelta(n % 19),
        )
    assert await run(bot, NUDGE_TIME, "overdue-actions") == 1
    [dm] = dms(emu, "U0BOB")
    assert dm.blocks is not None and len(dm.blocks) <= 50
    assert len([b for b in dm.blocks if b["type"] == "actions"]) == 20
    numbers = re.findall(r"\*INC-(\d+)\*", block_text(dm.blocks))
    assert sorted(int(n) for n in numbers) == list(range(1, 61))


async def test_past_what_one_dm_holds_the_last_line_counts_the_rest(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    payments = await incident(bot, "Payments down")
    for n in range(150):
        await item(bot, payments, f"Fix {n} " + "& " * 200, "U0BOB", due=date(2025, 1, 1))
    assert await run(bot, NUDGE_TIME, "overdue-actions") == 1
    [dm] = dms(emu, "U0BOB")
    assert dm.blocks is not None and len(dm.blocks) <= 50
    text = block_text(dm.blocks)
    shown = re.findall(r"\*INC-(\d+)\*", text)
    assert len(shown) == len(set(shown)) < 150
    assert f"…and {150 - len(shown)} more: `/incident actions mine` lists them all." in text
