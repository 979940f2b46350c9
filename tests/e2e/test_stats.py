"""The figures, end to end: incidents declared, timed and resolved through the emulator give
the medians, means and p90s a test computes on its own, in `/incident stats` and in
`python -m bot stats --format json`; recurrences linked by command and by the question count."""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app.stats_cli import run_stats
from bot.slack.ids import ActionId, BlockId
from emulator import Channel, SlackEmulator
from models import ActionItem, Incident
from tests.conftest import DECLARED_AT, RunningBot
from tests.e2e.test_listing import home_of
from tests.helpers import (
    block,
    block_text,
    declare,
    ephemeral_for,
    in_channel,
    slash,
    stored_incidents,
    until,
)

POLICY = """
[services.payments]
name = "Payments"
aliases = ["checkout"]
"""


@pytest.fixture
def bot_overrides(tmp_path: Path) -> dict[str, object]:
    """A catalog with one service, so that declaring can ask about recurrences."""
    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")
    return {"INCIDENT_CONFIG": str(path)}


def at(hh_mm: str) -> datetime:
    """A time on the day of the tests (UTC, the default zone)."""
    hours, minutes = (int(part) for part in hh_mm.split(":"))
    return DECLARED_AT.replace(hour=hours, minute=minutes)


def p90(values: list[float]) -> float:
    """Nearest rank, computed apart from the bot's own code."""
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


async def settled(bot: RunningBot, number: int, check: Callable[[Incident], bool]) -> None:
    """Wait until incident `number` is as `check` wants it (commands are done after the ack,
    and the clock must not move before)."""

    async def holds() -> bool:
        found = await stored_incidents(bot.runtime)
        return len(found) >= number and check(found[number - 1])

    await until(holds)


async def four_incidents(emu: SlackEmulator, bot: RunningBot) -> dict[str, list[float]]:
    """Declare, time and resolve four incidents; return the minutes a person would compute."""
    clock = bot.clock
    one = await declare(emu, "sev1 api errors")  # 14:02
    await in_channel(emu, one, "started 13:50")
    await in_channel(emu, one, "detected 13:55")
    await settled(bot, 1, lambda i: i.detected_at == at("13:55"))
    clock.set(at("14:12"))
    two = await declare(emu, "sev2 search slow")  # start and detection never set
    clock.set(at("14:22"))
    await in_channel(emu, one, "mitigated rolled back")
    await settled(bot, 1, lambda i: i.mitigated_at is not None)
    clock.set(at("14:42"))
    await in_channel(emu, one, "resolve fixed")
    await in_channel(emu, two, "resolve reindexed")  # never mitigated: mitigated when resolved
    await settled(bot, 1, lambda i: i.resolved_at is not None)
    await settled(bot, 2, lambda i: i.resolved_at is not None)
    three = await declare(emu, "sev1 queue stuck")  # 14:42
    await in_channel(emu, three, "started 14:30")
    await in_channel(emu, three, "detected 14:40")
    await settled(bot, 3, lambda i: i.detected_at == at("14:40"))
    clock.set(at("15:42"))
    await in_channel(emu, three, "resolve drained")
    await settled(bot, 3, lambda i: i.resolved_at is not None)
    four = await declare(emu, "sev3 typo on pricing page")  # 15:42
    clock.set(at("15:50"))
    await in_channel(emu, four, "resolve fixed the typo")
    await in_channel(emu, three, "recurrence-of 1")
    await settled(bot, 4, lambda i: i.resolved_at is not None)
    await settled(bot, 3, lambda i: i.recurrence_of == 1)
    # From impact start: (start, detected, mitigated, resolved) of each, as typed above.
    timed = [
        ("13:50", "13:55", "14:22", "14:42"),
        ("14:12", "14:12", "14:42", "14:42"),
        ("14:30", "14:40", "15:42", "15:42"),
        ("15:42", "15:42", "15:50", "15:50"),
    ]

    def since_start(index: int) -> list[float]:
        return [(at(t[index]) - at(t[0])).total_seconds() / 60 for t in timed]

    return {"detect": since_start(1), "mitigate": since_start(2), "resolve": since_start(3)}


async def test_stats_give_the_medians_means_and_p90_a_person_would_compute(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    minutes = await four_incidents(emu, bot)
    [one] = [c for c in emu.channels.values() if c.name.endswith("-api-errors")]
    await in_channel(emu, one, "action Add an alert on queue depth @bob P1")
    await in_channel(emu, one, "action Write the failover runbook P2")
    await until(lambda: _items(bot, 2))
    bot.clock.advance(timedelta(days=1, hours=12))
    await in_channel(emu, one, "action INC-1 done")
    await until(lambda: _done(bot))
    capsys.readouterr()

    assert (
        await run_stats(
            bot.runtime.deps.settings, since=None, until=None, output_format="json", clock=bot.clock
        )
        == 0
    )
    figures = json.loads(capsys.readouterr().out)

    for name, values in minutes.items():
        assert figures[f"time_to_{name}_minutes"] == {
            "median": round(statistics.median(values), 2),
            "mean": round(statistics.mean(values), 2),
            "p90": p90(values),
            "count": 4,
        }
    assert figures["time_to_resolve_minutes"]["median"] == 41.0  # (30 + 52) / 2
    assert figures["incidents"] == {
        "total": 4,
        "start_defaulted": 2,
        "by_severity": {"sev1": 2, "sev2": 1, "sev3": 1},
        "per_week": [  # the 30 days up to 17 January 03:50
            {"week": "2024-W51", "count": 0},
            {"week": "2024-W52", "count": 0},
            {"week": "2025-W01", "count": 0},
            {"week": "2025-W02", "count": 0},
            {"week": "2025-W03", "count": 4},
        ],
    }
    assert figures["by_severity"]["sev1"]["time_to_resolve_minutes"] == {
        "median": 62.0,
        "mean": 62.0,
        "p90": 72.0,
        "count": 2,
    }
    assert figures["by_severity"]["sev2"]["time_to_resolve_minutes"]["count"] == 1
    assert figures["recurring"] == {"count": 1, "rate": 0.25}
    assert figures["actions"] == {
        "created": 2,
        "done": 1,
        "wont_do": 0,
        "completion_rate": 0.5,
        "median_days_to_complete": 1.5,
        "p90_days_to_complete": 1.5,
    }
    assert figures["until"] == bot.clock.now().isoformat()

    # The same figures, privately, in Slack.
    emu.ephemerals.clear()
    await slash(emu, "stats")
    answer = await ephemeral_for(emu)
    shown = block(answer.blocks, "stats_figures")["text"]["text"]
    assert "*Incidents:* 4 (SEV1 2 · SEV2 1 · SEV3 1)  (↑ 4 vs the window before)" in shown
    assert "*Time to resolve (median):* 41 min · mean 40.5 min · p90 72 min  (— vs" in shown
    assert "*Recurring:* 1 (25%)" in shown
    assert "*Action items done:* 50% of 2 created (0 won't do) · median 1.5 days to done" in shown
    note = block(answer.blocks, "stats_note")["elements"][0]["text"]
    assert "2 had no impact start or detection time set" in note


async def _items(bot: RunningBot, count: int) -> bool:
    async with bot.runtime.deps.sessions() as session:
        found = await session.execute(select(func.count()).select_from(ActionItem))
        return found.scalar() == count


async def _done(bot: RunningBot) -> bool:
    async with bot.runtime.deps.sessions() as session:
        item = await session.get(ActionItem, 1)
        return item is not None and item.completed_at is not None


async def test_a_bad_window_gets_a_clear_answer(emu: SlackEmulator, bot: RunningBot) -> None:
    await slash(emu, "stats 13x")
    answer = await ephemeral_for(emu)
    assert answer.text.startswith(
        "`13x` is not a window. Use 7d, 30d, 90d, quarter or a month such as 2025-01, "
        "e.g. `/incident stats 90d`."
    )


async def test_the_cli_names_a_bad_date_in_one_line(
    bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run_stats(
        bot.runtime.deps.settings, since="last tuesday", until=None, output_format="json"
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "--since 'last tuesday' is not a date (2025-01-31) or an ISO 8601 time "
        "(2025-01-31T09:00+01:00)\n"
    )


async def test_an_empty_window_measures_nothing_rather_than_zero(
    bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await run_stats(
        bot.runtime.deps.settings,
        since="2024-01-01",
        until="2024-01-31",
        output_format="json",
        clock=bot.clock,
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["since"] == "2024-01-01T00:00:00+00:00"
    assert figures["until"] == "2024-02-01T00:00:00+00:00"  # through the end of the 31st
    assert figures["time_to_resolve_minutes"] == {
        "median": None,
        "mean": None,
        "p90": None,
        "count": 0,
    }
    assert figures["recurring"] == {"count": 0, "rate": None}
    assert figures["actions"]["completion_rate"] is None


async def test_the_question_at_declaration_links_a_recurrence_of_the_same_service(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    first = await declare(emu, "sev2 payments down")
    await in_channel(emu, first, "resolve fixed")
    bot.clock.advance(timedelta(days=23))
    second = await declare(emu, "sev2 checkout failing again")

    await emu.wait_for(lambda: any("recurrence of #1" in m.text for m in second.messages))
    [question] = [m for m in second.messages if m.text == "Is this a recurrence of #1?"]
    assert block(question.blocks, BlockId.RECURRENCE_QUESTION)["text"]["text"] == (
        "🔁 Is this a recurrence of #1 (Payments, 23 days ago)?"
    )
    await emu.click_button(second.id, question.ts, ActionId.RECURRENCE_YES, user="U0BOB")

    async def linked() -> bool:
        return (await stored_incidents(bot.runtime))[1].recurrence_of == 1

    await until(linked)
    await emu.wait_for(
        lambda: "Marked a recurrence of #1 by <@U0BOB>" in _text_of(second, question.ts)
    )
    assert any(
        m.text == "🔁 Incident #2 is a recurrence of #1 (payments down), linked by <@U0BOB>."
        for m in second.messages
    )
    assert len([m for m in second.messages if m.text == "Is this a recurrence of #1?"]) == 1


def _text_of(channel: Channel, ts: str) -> str:
    [message] = [m for m in channel.messages if m.ts == ts]
    return str(message.blocks)


async def test_recurrence_of_refuses_what_is_not_an_earlier_incident(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev2 payments down")
    await in_channel(emu, channel, "recurrence-of 7")
    first = await ephemeral_for(emu)
    await in_channel(emu, channel, "recurrence-of #1")
    second = await ephemeral_for(emu, count=2)
    await in_channel(emu, channel, "recurrence-of 99999999999999999999")
    third = await ephemeral_for(emu, count=3)
    assert third.text.startswith("There is no incident `99999999999999999999`.")
    assert first.text.startswith("There is no incident `7`.")
    assert second.text.startswith("#1 is not earlier than this incident (#1)")
    assert (await stored_incidents(bot.runtime))[0].recurrence_of is None


async def test_app_home_shows_how_we_are_doing_over_30_days(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await declare(emu, "sev2 search slow")
    await in_channel(emu, channel, "started 13:32")
    bot.clock.set(at("14:32"))
    await in_channel(emu, channel, "resolve reindexed")
    await settled(bot, 1, lambda i: i.resolved_at is not None)
    bot.clock.advance(timedelta(minutes=1))

    home = await home_of(emu, "U0CAROL")  # holds no role: the figures are everyone's

    blocks = home.view["blocks"]
    assert "How we're doing (30 days)" in block_text(blocks)
    shown = block(blocks, BlockId.HOME_FIGURES)["text"]["text"]
    assert "*Incidents:* 1 (SEV1 0 · SEV2 1 · SEV3 0)" in shown
    assert "*Time to resolve (median):* 60 min · mean 60 min · p90 60 min" in shown
