"""Game days through the emulator, with the example policy's scenario library: a drill runs the
real process in a `drill-` channel, says DRILL on everything the bot posts, posts its injects
once each on time (`run-job --at`), is never announced as real nor paged, changes no figure,
and ends with a game-day review instead of a postmortem."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.jobs_cli import run_job_command
from bot.app.stats_cli import run_stats
from bot.domain.drills import BANNER
from bot.slack.gateway import BANNER_BLOCK
from emulator import Channel, SlackEmulator
from emulator.pagerduty import FakePagerDuty
from emulator.state import BOT_USER_ID, Usergroup
from models import timeline
from tests.conftest import DECLARED_AT, RunningBot
from tests.helpers import card_of, declare, ephemeral_for, in_channel, slash, stored_incidents

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GROUPS = [
    Usergroup("S0PRIMARY", "oncall-primary", "Primary on-call", ["U0BOB"]),
    Usergroup("S0123ABCD", "sre", "SRE", ["U0BOB"]),
    Usergroup("S0PAYONCALL", "payments-oncall", "Payments on-call", ["U0CAROL"]),
    Usergroup("S0PAYTEAM", "payments-team", "Payments team", ["U0CAROL"]),
    Usergroup("S0GAMEDAY", "gameday", "Game-day players", ["U0BOB"]),
]
DRILL_CHANNEL = "drill-2025-01-15-payments-failover"


@pytest.fixture
async def pagerduty() -> AsyncIterator[FakePagerDuty]:
    """PagerDuty's Events API, served locally: a drill must never reach it."""
    async with FakePagerDuty() as fake:
        yield fake


@pytest.fixture
def bot_overrides(
    emu: SlackEmulator, pagerduty: FakePagerDuty, tmp_path: Path
) -> dict[str, object]:
    """The example policy (its SEV2 pages oncall-primary; its drills page gameday)."""
    for group in GROUPS:
        emu.workspace.usergroups[group.id] = group
    text = (EXAMPLES / "policy.toml").read_text(encoding="utf-8")
    text = text.replace("https://events.pagerduty.com/v2/enqueue", pagerduty.url)
    # SEV2 pages PagerDuty too, so that a drill not reaching it proves something.
    text = text.replace(
        '# pagerduty_routing_key = "0123456789abcdef0123456789abcdef"',
        'pagerduty_routing_key = "0123456789abcdef0123456789abcdef"',
    )
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return {"INCIDENT_CONFIG": str(path)}


async def start_drill(emu: SlackEmulator, text: str = "drill Payments failover") -> Channel:
    """Start a drill as alice and wait for its card; returns the drill channel."""
    await slash(emu, text)
    told = await ephemeral_for(emu)
    assert told.text.startswith("Drill #"), told.text
    channel = emu.channel_by_name(DRILL_CHANNEL)
    assert channel is not None
    await emu.wait_for(lambda: len(channel.pins) == 1)
    await emu.wait_for(lambda: any("Runbook: Payments" in m.text for m in channel.messages))
    emu.ephemerals.clear()
    return channel


async def test_a_drill_runs_the_process_marked_drill_never_announced_nor_paged(
    emu: SlackEmulator, bot: RunningBot, pagerduty: FakePagerDuty
) -> None:
    channel = await start_drill(emu)

    [drill] = await stored_incidents(bot.runtime)
    assert (drill.is_drill, drill.scenario, drill.severity) == (True, "Payments failover", "sev2")
    card = card_of(channel)
    assert card.blocks is not None and card.blocks[0]["block_id"] == BANNER_BLOCK
    assert BANNER in card.blocks[0]["elements"][0]["text"]
    assert card.text.startswith(f"{BANNER} · SEV2 drill #1: Payments failover")
    assert channel.topic.startswith(f"{BANNER} · ")
    # Every message the bot posted in the channel says DRILL: card, runbooks, pages, notices.
    said = [m for m in channel.messages if m.user == BOT_USER_ID]
    assert len(said) >= 3
    assert all(m.text.startswith(f"{BANNER} · ") for m in said), [m.text for m in said]

    # Announced as one line marked DRILL, not as an incident (no card, no "join" button).
    announced = emu.channel_by_name("incidents")
    assert announced is not None
    [line] = announced.messages
    assert line.text.startswith(f"{BANNER} — a SEV2 game day, *#1* Payments failover")
    assert "nothing is broken" in line.text and not line.blocks

    # Paged: only the drill's group. Not SEV2's oncall-primary, not payments' on-call or
    # owner, and never PagerDuty.
    async with bot.runtime.deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=1)
    pages = [e.data for e in entries if e.kind == "page_sent"]
    assert pages == [{"target": "usergroup", "usergroup": "S0GAMEDAY"}]
    assert pagerduty.events == []
    assert "U0CAROL" not in channel.members
    assert not any("S0PAYTEAM" in m.text or "S0PAYONCALL" in m.text for m in channel.messages)
    # The declaration's own record says it was a drill.
    [declared] = [e for e in entries if e.kind == "declared"]
    assert declared.data["drill"] is True

    # Raised to SEV1 (which pages oncall-primary and PagerDuty for real): still nobody paged.
    await in_channel(emu, channel, "sev 1")
    await emu.wait_for(lambda: card_of(channel).text.startswith(f"{BANNER} · SEV1 drill #1"))
    async with bot.runtime.deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=1)
    assert [e.data for e in entries if e.kind == "page_sent"] == pages
    assert pagerduty.events == []
    assert "U0BOB" in channel.members and announced.messages == [line]


async def test_the_injects_are_posted_once_each_at_their_times(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    channel = await start_drill(emu)
    settings = bot.runtime.deps.settings

    def injects() -> list[str]:
        return [m.text for m in channel.messages if "Inject " in m.text]

    async def run_at(minutes: float) -> None:
        at = (DECLARED_AT + timedelta(minutes=minutes)).isoformat()
        assert await run_job_command(settings, "drill-injects", at) == 0

    await run_at(4.9)
    assert injects() == []
    await run_at(5)
    await run_at(5)  # a second run, or a second replica: nothing twice
    assert injects() == [
        f"{BANNER} · 🎬 *Inject 1 of 2* (+5m): Alert: checkout-api error rate 12% (threshold 2%)"
    ]
    await run_at(30)
    await run_at(31)
    assert injects()[1:] == [
        f"{BANNER} · 🎬 *Inject 2 of 2* (+15m): "
        "Support: customers report card payments failing at checkout"
    ]
    # Once the drill is resolved, what was left of the script is not played.
    await in_channel(emu, channel, "resolve")
    await emu.wait_for(lambda: any("game-day review" in m.text for m in channel.messages))


async def test_a_drill_changes_no_figure_and_ends_with_a_game_day_review(
    emu: SlackEmulator, bot: RunningBot, capsys: pytest.CaptureFixture[str]
) -> None:
    channel = await start_drill(emu)
    await in_channel(emu, channel, "action Add a failover alert P1")
    await emu.wait_for(lambda: any("INC-1" in m.text for m in channel.messages))
    bot.clock.advance(timedelta(minutes=40))
    await in_channel(emu, channel, "resolve failed over in 12 minutes")
    await emu.wait_for(lambda: any("game-day review" in m.text for m in channel.messages))
    bot.clock.advance(timedelta(minutes=1))

    [notice] = [m for m in channel.messages if "game-day review is drafted" in m.text]
    assert notice.text.startswith(f"{BANNER} · 🧪 Drill #1 is over")
    assert "No postmortem: this was practice." in notice.text
    [canvas] = emu.workspace.canvases.values()
    assert canvas.title == "Game-day review: drill #1 Payments failover"
    for heading in ("## WHAT WENT WELL", "## GAPS IN MONITORING", "## GAPS IN RUNBOOKS"):
        assert heading in canvas.markdown
    assert "## ROOT CAUSE" not in canvas.markdown
    assert "**SCENARIO:** Payments failover" in canvas.markdown

    # The figures: no incident, no time to resolve, no action item; the drill counted apart.
    since = DECLARED_AT.date().isoformat()
    code = await run_stats(
        bot.runtime.deps.settings, since=since, until=since, output_format="json"
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["incidents"]["total"] == 0
    assert figures["time_to_resolve_minutes"]["count"] == 0
    assert figures["actions"]["created"] == 0
    assert figures["drills"] == {"count": 1}
    emu.ephemerals.clear()
    await slash(emu, "stats 7d")
    stats = await ephemeral_for(emu)
    assert "1 drill ran in the window, counted in no figure" in json.dumps(stats.blocks)

    # A real incident afterwards names the same service: it is not asked to be a recurrence
    # of the drill.
    incident_channel = await declare(emu, "sev2 payments down")
    assert not any("recurrence" in m.text.lower() for m in incident_channel.messages)


async def test_the_library_is_listed_and_bad_drills_get_a_clear_answer(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await slash(emu, "drill list")
    listing = await ephemeral_for(emu)
    assert listing.text.startswith("*Drill scenarios* (2)")
    assert "• *Payments failover* — SEV2, 2 injects over 15m: The primary payments" in listing.text

    emu.ephemerals.clear()
    await slash(emu, "drill database meltdown")
    unknown = await ephemeral_for(emu)
    assert unknown.text.startswith("No drill scenario is named 'database meltdown'.")
    assert "Payments failover, Search cluster red" in unknown.text
    assert "`/incident drill sev3 database meltdown`" in unknown.text

    emu.ephemerals.clear()
    await slash(emu, "drill")
    empty = await ephemeral_for(emu)
    assert empty.text.startswith("Name the drill")
    assert await stored_incidents(bot.runtime) == []

    # Ad hoc, with a severity: a drill with no script.
    emu.ephemerals.clear()
    await slash(emu, "drill sev3 restore the search index from backup")
    told = await ephemeral_for(emu)
    assert told.text.startswith("Drill #1 is open in ")
    [drill] = await stored_incidents(bot.runtime)
    assert (drill.is_drill, drill.scenario, drill.channel_name) == (
        True,
        None,
        "drill-2025-01-15-restore-the-search-index-from-backup",
    )
