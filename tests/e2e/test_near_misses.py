"""Near-misses through the emulator: recorded by a short form, celebrated in the announcement
channel (no incident channel, nobody paged), listed, and counted against the incidents."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.stats_cli import run_near_miss_export, run_stats
from bot.slack.ids import BlockId, CallbackId
from emulator import SlackEmulator, View
from models import NearMiss
from tests.conftest import RunningBot
from tests.e2e.test_declare_modal import form_values, opened_form
from tests.helpers import block, declare, ephemeral_for, slash, stored_incidents

TITLE = "disk nearly full on the primary"


def answers(title: str, happened: str, prevented: str) -> dict[str, dict[str, Any]]:
    """What Slack sends as view.state.values for the near-miss form."""
    return {
        BlockId.NEAR_MISS_TITLE: {"value": {"type": "plain_text_input", "value": title}},
        BlockId.NEAR_MISS_HAPPENED: {"value": {"type": "plain_text_input", "value": happened}},
        BlockId.NEAR_MISS_PREVENTED: {"value": {"type": "plain_text_input", "value": prevented}},
    }


async def near_miss_form(emu: SlackEmulator, text: str) -> View:
    """Type `/incident <text>` and wait for the near-miss form."""
    await slash(emu, text)
    await emu.wait_for(lambda: len(emu.views) == 1)
    [view] = emu.views.values()
    assert view.view["callback_id"] == CallbackId.NEAR_MISS
    return view


async def recorded(bot: RunningBot) -> list[NearMiss]:
    """Every near-miss row."""
    async with bot.runtime.deps.sessions() as session:
        return list((await session.execute(select(NearMiss).order_by(NearMiss.id))).scalars())


async def test_a_near_miss_is_recorded_by_form_and_celebrated_not_alarmed(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    view = await near_miss_form(emu, f"near-miss {TITLE}")
    [title_input] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.NEAR_MISS_TITLE]
    assert title_input["element"]["initial_value"] == TITLE

    refused = await emu.submit_view(view.id, values=answers(TITLE, "Disk at 91% on db-1", " "))
    assert refused.json() == {
        "response_action": "errors",
        "errors": {
            BlockId.NEAR_MISS_PREVENTED: (
                "Say what stopped it: the alert, check or person that caught it."
            )
        },
    }
    assert await recorded(bot) == []

    await emu.submit_view(
        view.id,
        values=answers(
            TITLE, "WAL archiving stalled; disk at 91% <!channel>", "The 80% disk alert paged us"
        ),
    )
    told = await ephemeral_for(emu)

    [near_miss] = await recorded(bot)
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    [celebration] = [m for m in incidents.messages if m.blocks]
    assert block(celebration.blocks, BlockId.NEAR_MISS)["text"]["text"] == (
        f"🎉 *Near-miss #1: {TITLE}* — caught before customers noticed.\n"
        "*What happened:* WAL archiving stalled; disk at 91% &lt;!channel&gt;\n"
        "*What prevented the outage:* The 80% disk alert paged us"
    )
    assert (near_miss.announcement_channel_id, near_miss.announcement_ts) == (
        incidents.id,
        celebration.ts,
    )
    assert told.text == (
        "Near-miss #1 is recorded. Thank you for writing it down. "
        f"It is celebrated in <#{incidents.id}>."
    )
    # Not an incident: no channel, no incident row, nobody pinged or paged.
    assert emu.calls_to("conversations.create") == []
    assert await stored_incidents(bot.runtime) == []
    assert emu.pings == []

    emu.ephemerals.clear()
    await slash(emu, "near-misses")
    listed = await ephemeral_for(emu)
    assert listed.text.splitlines() == [
        "*Near-misses* (latest 1)",
        f"• *#1* {TITLE} · 2025-01-15 14:02 UTC · caught by: The 80% disk alert paged us",
    ]


async def test_near_misses_count_in_the_ratio_and_never_as_incidents(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    await declare(emu, "sev2 payments down")
    for number in (1, 2):
        emu.views.clear()
        view = await near_miss_form(emu, f"near-miss cache stampede {number}")
        await emu.submit_view(
            view.id, values=answers(f"cache stampede {number}", "Hit rate fell", "Rate limiter")
        )
        await emu.wait_for(
            lambda n=number: len([e for e in emu.ephemerals if "recorded" in e.text]) >= n
        )
    capsys.readouterr()
    bot.clock.advance(timedelta(minutes=1))  # the window runs up to now, not including it

    settings = bot.runtime.deps.settings
    assert (
        await run_stats(settings, since=None, until=None, output_format="json", clock=bot.clock)
        == 0
    )
    figures = json.loads(capsys.readouterr().out)
    assert figures["near_misses"] == {"count": 2, "ratio": 2.0}
    assert figures["incidents"]["total"] == 1


async def test_a_near_miss_without_a_title_opens_an_empty_form(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    view = await near_miss_form(emu, "near-miss")
    [title_input] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.NEAR_MISS_TITLE]
    assert "initial_value" not in title_input["element"]


async def test_a_near_miss_without_what_nearly_broke_is_refused_in_the_form(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    view = await near_miss_form(emu, "near-miss")
    refused = await emu.submit_view(view.id, values=answers("  ", "Disk at 91%", "An alert"))
    assert refused.json() == {
        "response_action": "errors",
        "errors": {BlockId.NEAR_MISS_TITLE: "Say what nearly broke, e.g. disk nearly full."},
    }
    assert await recorded(bot) == []


async def test_the_declare_form_records_a_near_miss_when_chosen_and_defaults_to_an_incident(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, TITLE)
    view = await opened_form(emu)
    [kind] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.DECLARE_KIND]
    assert kind["element"]["initial_option"]["value"] == "incident"

    # An incident needs its severity: the form says so and nothing is declared.
    refused = await emu.submit_view(view.id, values=form_values(title=TITLE, severity=None))
    assert refused.json()["errors"] == {
        BlockId.DECLARE_SEVERITY: (
            "Pick a severity for the incident. Use sev1 (critical), sev2 (major) or sev3 (minor)."
        )
    }
    assert await stored_incidents(bot.runtime) == []

    # Chosen as a near-miss, the form becomes the near-miss form, its title carried over.
    chosen = {
        **form_values(title=TITLE, severity=None),
        BlockId.DECLARE_KIND: {
            "value": {"type": "radio_buttons", "selected_option": {"value": "near-miss"}}
        },
    }
    await emu.submit_view(view.id, values=chosen)
    assert view.view["callback_id"] == CallbackId.NEAR_MISS
    [title_input] = [b for b in view.view["blocks"] if b["block_id"] == BlockId.NEAR_MISS_TITLE]
    assert title_input["element"]["initial_value"] == TITLE
    await emu.submit_view(
        view.id, values=answers(TITLE, "Disk at 91% on db-1", "The 80% disk alert")
    )
    told = await ephemeral_for(emu)
    assert told.text.startswith("Near-miss #1 is recorded.")
    assert [n.title for n in await recorded(bot)] == [TITLE]
    assert await stored_incidents(bot.runtime) == []
    assert emu.calls_to("conversations.create") == []


async def test_near_misses_are_exported_as_json_and_csv(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    view = await near_miss_form(emu, f"near-miss {TITLE}")
    await emu.submit_view(
        view.id, values=answers(TITLE, "Disk at 91%, on db-1", "The 80% disk alert")
    )
    await ephemeral_for(emu)
    capsys.readouterr()
    settings = bot.runtime.deps.settings
    day = "2025-01-15"
    assert await run_near_miss_export(settings, since=day, until=day, output_format="json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "number": 1,
            "title": TITLE,
            "what_happened": "Disk at 91%, on db-1",
            "what_prevented": "The 80% disk alert",
            "services": [],
            "recorded_by": "U0ALICE",
            "recorded_at": "2025-01-15T14:02:00+00:00",
        }
    ]
    assert await run_near_miss_export(settings, since=day, until=day, output_format="csv") == 0
    assert capsys.readouterr().out.splitlines() == [
        "number,title,what_happened,what_prevented,services,recorded_by,recorded_at",
        f'1,{TITLE},"Disk at 91%, on db-1",The 80% disk alert,,U0ALICE,2025-01-15T14:02:00+00:00',
    ]
    # The day before holds none; a bad window is answered in one line.
    assert (
        await run_near_miss_export(
            settings, since="2025-01-14", until="2025-01-14", output_format="csv"
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == [
        "number,title,what_happened,what_prevented,services,recorded_by,recorded_at"
    ]
    assert (
        await run_near_miss_export(settings, since="yesterday", until=None, output_format="csv")
        == 2
    )
    assert "--since 'yesterday' is not a date" in capsys.readouterr().err
