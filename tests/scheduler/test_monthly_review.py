"""The monthly incident review, run on the first Monday of February 2025 against the emulator:
last month's agenda as a canvas (a file where canvases are refused) and a message linking it,
once across runs and runtimes; private incidents counted, never named."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from emulator import SlackEmulator
from models import impacted as impacted_rows
from models import incidents as incident_rows
from models import postmortems as postmortem_rows
from scheduler.jobs import run_job
from tests.conftest import RunningBot
from tests.scheduler.test_weekly_review import item

MONDAY = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)  # the first Monday of February


async def incident(
    bot: RunningBot,
    title: str,
    *,
    at: datetime,
    minutes: int,
    private: bool = False,
    service: str | None = None,
    recurs: int | None = None,
) -> int:
    """An incident declared at `at`, resolved `minutes` after its impact began."""
    async with bot.runtime.deps.sessions.begin() as session:
        row = await incident_rows.add(
            session=session,
            title=title,
            severity="sev2",
            status="closed",
            is_private=private,
            description=None,
            declared_by="U0ALICE",
            declared_at=at,
            commander_role="ic",
            claimed_by="test",
        )
        row.channel_id, row.resolved_at = f"C0INC{row.id}", at + timedelta(minutes=minutes)
        row.recurrence_of = recurs
        if service:
            impacted_rows.add(row, service=service, by="U0ALICE", at=at)
        return row.id


async def published(bot: RunningBot, number: int, summary: str) -> None:
    async with bot.runtime.deps.sessions.begin() as session:
        pm = await postmortem_rows.add(
            session=session,
            incident_id=number,
            owner="U0ALICE",
            due_on=MONDAY.date(),
            created_at=MONDAY - timedelta(days=20),
        )
        pm.sections = {"summary": summary, "contributing_factors": "connection pool exhausted"}
        pm.status, pm.published_at = "published", MONDAY - timedelta(days=10)
        pm.link = f"https://acme.slack.com/docs/T0/F{number}"


async def seed(bot: RunningBot) -> None:
    first = await incident(
        bot,
        "payments down <!here>",
        at=datetime(2025, 1, 8, tzinfo=UTC),
        minutes=60,
        service="payments",
    )
    second = await incident(
        bot,
        "checkout slow",
        at=datetime(2025, 1, 20, tzinfo=UTC),
        minutes=30,
        service="payments",
        recurs=first,
    )
    secret = await incident(
        bot, "credentials leaked", at=datetime(2025, 1, 22, tzinfo=UTC), minutes=90, private=True
    )
    await incident(bot, "december thing", at=datetime(2024, 12, 10, tzinfo=UTC), minutes=20)
    await published(bot, first, "Checkout failed for an hour.")
    await published(bot, second, "Checkout was slow.")
    await published(bot, secret, "Keys were rotated.")
    await item(bot, first, "Alert on the pool", "U0BOB", created=datetime(2025, 1, 9, tzinfo=UTC))
    await item(
        bot, secret, "Rotate the AWS key", "U0BOB", created=datetime(2025, 1, 23, tzinfo=UTC)
    )


async def test_the_monthly_review_posts_last_months_agenda_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed(bot)
    bot.clock.set(MONDAY)
    other = build_runtime(bot.runtime.deps.settings, clock=FrozenClock(MONDAY))
    try:
        counts = await asyncio.gather(
            run_job(bot.runtime.deps, "monthly-review", now=MONDAY),
            run_job(other.deps, "monthly-review", now=MONDAY),
        )
    finally:
        await other.close()
    assert sorted(counts) == [0, 1]
    restarted = build_runtime(bot.runtime.deps.settings, clock=FrozenClock(MONDAY))
    try:  # a restart the same day, and the next Monday: nothing again
        assert await run_job(restarted.deps, "monthly-review", now=MONDAY + timedelta(hours=1)) == 0
    finally:
        await restarted.close()
    assert await run_job(bot.runtime.deps, "monthly-review", now=MONDAY + timedelta(days=7)) == 0

    [canvas] = emu.workspace.canvases.values()
    assert canvas.title == "Incident review: January 2025"
    agenda = canvas.markdown
    for line in (
        "- [#1 payments down ‹!here›](https://acme.slack.com/docs/T0/F1) — Checkout failed for "
        "an hour.",
        "- [#2 checkout slow](https://acme.slack.com/docs/T0/F2) — Checkout was slow.",
        "- and 1 private",
        "- #2 recurs #1",
        "SEV1: 0 · SEV2: 3 · SEV3: 0",
        "- payments: 2",
        "| January 2025 | 60 min |",
        "| December 2024 | 20 min |",
        "| August 2024 | — |",
        "- **Bob Roe**: INC-1 Alert on the pool; INC-2 (private incident)",
        "- Contributing factors: connection (#3 … ",
    ):
        assert line.split("(#3")[0] in agenda, line
    assert "credentials" not in agenda and "Rotate the AWS" not in agenda
    incidents = emu.channel_by_name("incidents")
    assert incidents is not None
    [message] = [m for m in incidents.messages if "Monthly incident review" in m.text]
    assert message.text.startswith(
        "🗓️ *Monthly incident review — January 2025*: 3 incidents, 3 postmortems published."
    )
    assert "|The agenda>" in message.text


async def test_where_canvases_are_refused_the_agenda_is_a_markdown_file(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed(bot)
    emu.inject("canvases.create", error="free_teams_cannot_create_standalone_canvases")
    assert await run_job(bot.runtime.deps, "monthly-review", now=MONDAY) == 1
    [stored] = list(emu.workspace.files.values())
    assert stored.name == "incident-review-2025-01.md"
    assert stored.content is not None and b"## Postmortems published" in stored.content
