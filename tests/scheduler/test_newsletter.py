"""The weekly incident newsletter, run as of a Friday against the emulator: the week's
incidents (private ones counted, never named), what the published postmortems taught, the
action items, the near-misses and the figures; once a week across runs, runtimes and restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from emulator import Message, SlackEmulator
from models import incidents as incident_rows
from models import near_misses as near_miss_rows
from models import postmortems as postmortem_rows
from scheduler.jobs import run_job
from tests.conftest import RunningBot
from tests.helpers import block, block_text
from tests.scheduler.test_weekly_review import item

# Friday 17 January 2025, 15:00 UTC: the week is 10 January 15:00 up to now (2025-W03).
FRIDAY = datetime(2025, 1, 17, 15, 0, tzinfo=UTC)


async def incident(
    bot: RunningBot, title: str, *, at: datetime, private: bool = False, drill: bool = False
) -> int:
    """An incident declared at `at`, resolved 42 minutes after its impact began."""
    async with bot.runtime.deps.sessions.begin() as session:
        row = await incident_rows.add(
            session=session,
            title=title,
            severity="sev1",
            status="closed",
            is_private=private,
            is_drill=drill,
            description=None,
            declared_by="U0ALICE",
            declared_at=at,
            commander_role="ic",
            claimed_by="test",
        )
        row.channel_id = f"C0INC{row.id}"
        row.resolved_at = at + timedelta(minutes=42)
        return row.id


def letters(emu: SlackEmulator) -> list[Message]:
    """The newsletters posted in the announcement channel."""
    channel = emu.channel_by_name("incidents")
    assert channel is not None
    return [m for m in channel.messages if m.text.startswith("📰 Incident newsletter")]


async def seed(bot: RunningBot) -> None:
    payments = await incident(bot, "payments <down>", at=FRIDAY - timedelta(days=2))
    await incident(bot, "customer data leak", at=FRIDAY - timedelta(days=3), private=True)
    await incident(bot, "game day", at=FRIDAY - timedelta(days=1), drill=True)
    older = await incident(bot, "search slow", at=FRIDAY - timedelta(days=12))
    async with bot.runtime.deps.sessions.begin() as session:
        for number, summary, improve in (
            (payments, "Checkout failed for 42 minutes.", "- Alert on the pool\n- Canary"),
            (older, "Search was slow all morning.", "Add a shard alert"),
        ):
            pm = await postmortem_rows.add(
                session=session,
                incident_id=number,
                owner="U0ALICE",
                due_on=FRIDAY.date(),
                created_at=FRIDAY - timedelta(days=1),
            )
            pm.sections = {"summary": summary, "could_improve": improve}
            pm.status, pm.published_at = "published", FRIDAY - timedelta(hours=3)
            pm.link = f"https://acme.slack.com/docs/T0/F{number}"
        await near_miss_rows.add(
            session=session,
            title="disk nearly full",
            what_happened="…",
            what_prevented="the 80% alert",
            services=[],
            by="U0ALICE",
            at=FRIDAY - timedelta(days=1),
        )
    await item(bot, payments, "Alert on the pool", "U0BOB", created=FRIDAY - timedelta(days=1))
    await item(
        bot,
        older,
        "Add a shard alert",
        "U0BOB",
        created=FRIDAY - timedelta(days=11),
        closed=FRIDAY - timedelta(days=1),
    )


async def test_the_newsletter_tells_the_week_and_goes_out_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed(bot)
    bot.clock.set(FRIDAY)
    other = build_runtime(bot.runtime.deps.settings, clock=FrozenClock(FRIDAY))
    try:
        counts = await asyncio.gather(
            run_job(bot.runtime.deps, "incident-newsletter", now=FRIDAY),
            run_job(other.deps, "incident-newsletter", now=FRIDAY),
        )
    finally:
        await other.close()
    assert sorted(counts) == [0, 1]
    # A restart, and a later run the same week: nothing again.
    restarted = build_runtime(bot.runtime.deps.settings, clock=FrozenClock(FRIDAY))
    try:
        assert (
            await run_job(restarted.deps, "incident-newsletter", now=FRIDAY + timedelta(hours=2))
            == 0
        )
    finally:
        await restarted.close()
    [letter] = letters(emu)
    assert letter.text == (
        "📰 Incident newsletter 2025-W03: 2 incidents, 2 postmortems published, "
        "1 action items done."
    )
    assert block(letter.blocks, "newsletter_incidents")["text"]["text"].split("\n") == [
        "*This week's incidents (2)* — 1 private, not named",
        "• SEV1 *#1* payments &lt;down&gt; · 42 min · Closed · <#C0INC1>",
    ]
    assert block(letter.blocks, "newsletter_learnings")["text"]["text"].split("\n") == [
        "*What we learned*",
        "• *#1* payments &lt;down&gt;: Checkout failed for 42 minutes. — _to improve:_ Alert on "
        "the pool · <https://acme.slack.com/docs/T0/F1|the postmortem>",
        "• *#4* search slow: Search was slow all morning. — _to improve:_ Add a shard alert · "
        "<https://acme.slack.com/docs/T0/F4|the postmortem>",
    ]
    assert block(letter.blocks, "newsletter_actions")["text"]["text"] == (
        "*Action items:* 1 opened, 1 completed"
    )
    assert "*#1* disk nearly full — stopped by: the 80% alert" in block_text(letter.blocks)
    figures = block(letter.blocks, "newsletter_figures")["text"]["text"]
    assert "*Incidents:* 2 (SEV1 2 · SEV2 0 · SEV3 0)" in figures
    shown = letter.text + block_text(letter.blocks)
    assert "customer data" not in shown and "game day" not in shown

    assert (
        await run_job(bot.runtime.deps, "incident-newsletter", now=FRIDAY + timedelta(days=7)) == 1
    )
    assert len(letters(emu)) == 2
