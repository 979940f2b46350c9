"""The weekly action-item review, run as of chosen Mondays against the emulator."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest

from bot.app.factory import build_runtime
from bot.clock import FrozenClock
from emulator import Message, SlackEmulator
from models import incidents as incident_rows
from models import near_misses as near_miss_rows
from models import postmortems as postmortem_rows
from models.action_items import add as add_item
from scheduler.delivery import IncompleteRun
from scheduler.jobs import Job, run_job
from scheduler.review import post_weekly_review
from tests.conftest import RunningBot
from tests.helpers import block, block_text

# Monday 20 January 2025, 09:00 UTC (the bot's zone in tests): ISO week 2025-W04.
MONDAY = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)
PAYMENTS = "Payments <down> & out"
EARLY_JANUARY = datetime(2025, 1, 2, 12, 0, tzinfo=UTC)


def day(month: int, dom: int, year: int = 2025) -> datetime:
    """Noon UTC on a day."""
    return datetime(year, month, dom, 12, 0, tzinfo=UTC)


async def incident(
    bot: RunningBot, title: str, *, private: bool = False, ic: str = "U0ALICE"
) -> int:
    """An incident with its own channel, declared (and commanded) by `ic`; returns its number."""
    async with bot.runtime.deps.sessions.begin() as session:
        row = await incident_rows.add(
            session=session,
            title=title,
            severity="sev2",
            status="resolved",
            is_private=private,
            description=None,
            declared_by=ic,
            declared_at=day(12, 1, 2024),
            commander_role="ic",
            claimed_by="test",
        )
        row.channel_id = f"C0INC{row.id}"
        return row.id


async def item(
    bot: RunningBot,
    incident_id: int,
    title: str,
    owner: str | None,
    *,
    due: date | None = None,
    priority: str = "P2",
    created: datetime = EARLY_JANUARY,
    closed: datetime | None = None,
    status: str = "done",
) -> int:
    """An action item, open unless `closed` is given; returns its number."""
    async with bot.runtime.deps.sessions.begin() as session:
        row = await add_item(
            session=session,
            incident_id=incident_id,
            title=title,
            owner=owner,
            due_on=due,
            priority=priority,
            created_by="U0ALICE",
            created_at=created,
        )
        if closed is not None:
            row.status, row.completed_at = status, closed
        return row.id


async def run(
    bot: RunningBot, when: datetime, job: str = "weekly-review", jobs: dict[str, Job] | None = None
) -> int:
    """Run a job as the scheduler would at `when` (from `jobs` instead of JOBS, if given)."""
    bot.clock.set(when)
    if jobs is None:
        return await run_job(bot.runtime.deps, job, now=when)
    return await run_job(bot.runtime.deps, job, now=when, jobs=jobs)


def reviews(emu: SlackEmulator, name: str = "incidents") -> list[Message]:
    """The review messages posted in a channel."""
    channel = emu.channel_by_name(name)
    assert channel is not None
    return [m for m in channel.messages if m.text.startswith("📋 Action-item review")]


class FakeSleep:
    """Records the waits it is asked for, and waits for none."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def seed_week(bot: RunningBot) -> None:
    """Two public incidents' items and a private one's, open, overdue and done."""
    payments = await incident(bot, PAYMENTS)
    breach = await incident(bot, "Leaked credentials", private=True, ic="U0CAROL")
    async with bot.runtime.deps.sessions.begin() as session:
        found = await incident_rows.get(session=session, number=payments)
        assert found is not None  # alice hands the IC role to carol
        incident_rows.assign(found, role="ic", user="U0CAROL", by="U0ALICE", at=day(12, 2, 2024))
        await postmortem_rows.add(
            session=session,
            incident_id=payments,
            owner="U0ALICE",
            due_on=date(2025, 1, 10),
            created_at=day(12, 3, 2024),
        )
        published = await postmortem_rows.add(
            session=session,
            incident_id=breach,
            owner="U0CAROL",
            due_on=date(2025, 1, 10),
            created_at=day(12, 3, 2024),
        )
        published.status, published.published_at = "published", day(1, 9)
    await item(bot, payments, "Add retries", "U0BOB", due=date(2025, 1, 17), priority="P1")
    await item(
        bot, payments, "Fix <alerting>", "U0BOB", due=date(2025, 1, 1), created=day(12, 20, 2024)
    )
    await item(bot, payments, "Write runbook", "U0ALICE", due=date(2025, 1, 31), priority="P3")
    await item(
        bot, breach, "Rotate the leaked AWS key", "U0BOB", due=date(2025, 1, 15), priority="P1"
    )
    await item(bot, payments, "Add dashboard", "U0ALICE", created=day(1, 8), closed=day(1, 18))
    await item(bot, breach, "Audit access logs", "U0CAROL", created=day(1, 12), closed=day(1, 16))
    await item(bot, payments, "Old cleanup", "U0BOB", created=day(1, 2), closed=day(1, 10))
    await item(bot, payments, "Ancient", "U0BOB", created=day(8, 1, 2024), closed=day(9, 1, 2024))
    await item(
        bot, payments, "Skip it", None, created=day(1, 3), closed=day(1, 4), status="won't do"
    )
    await item(bot, payments, "Nobody's item", None, due=date(2025, 1, 19), priority="P3")


async def test_the_review_counts_lists_overdue_escalates_and_celebrates_the_week(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    assert await run(bot, MONDAY) == 1
    [review] = reviews(emu)
    assert review.text == (
        "📋 Action-item review 2025-W04: 5 open, 4 overdue, 2 completed since the last review."
    )
    assert block(review.blocks, "review_summary")["text"]["text"] == (
        "*5 open action items* — P1: 2 (2 overdue) · P2: 1 (1 overdue) · P3: 2 (1 overdue)\n"
        "*4 overdue*, 1 of them over 14 days (escalated to the IC)\n"
        "*2 completed since the last review* 🎉\n"
        # Created in 90 days: 9 items, 3 done (in 10, 4 and 8 days); won't do counts as not done.
        "*Last 90 days:* 33% of 9 items created are done · median time to complete 8 d\n"
        "*Time to resolve, median of each of the last 4 weeks:* — → — → — → —\n"
        "*Postmortems not yet published:* 1"
    )
    assert "review_near_misses" not in [b["block_id"] for b in review.blocks or []]
    source = "#1 Payments &lt;down&gt; &amp; out"
    assert block(review.blocks, "review_overdue")["text"]["text"].split("\n") == [
        "*Overdue (4)*",
        f"• *INC-2* Fix &lt;alerting&gt; · P2 · <@U0BOB> · 19 days overdue · {source}"
        " · 🔺 escalated, IC <@U0CAROL>",  # the current IC, not alice who handed over
        "• *INC-4* · P1 · _private incident_ · <@U0BOB> · 5 days overdue",
        f"• *INC-1* Add retries · P1 · <@U0BOB> · 3 days overdue · {source}",
        f"• *INC-10* Nobody's item · P3 · _no owner_ · 1 day overdue · {source}",
    ]
    assert block(review.blocks, "review_completed")["text"]["text"].split("\n") == [
        "*Completed since the last review (2)*",
        "🎉 *INC-6* · _private incident_ · thanks <@U0CAROL>!",
        f"🎉 *INC-5* Add dashboard · {source} · thanks <@U0ALICE>!",
    ]
    assert review.replies == []


async def resolved(bot: RunningBot, title: str, *, at: datetime, minutes: int) -> int:
    """An incident resolved at `at`, `minutes` after its impact started."""
    number = await incident(bot, title)
    async with bot.runtime.deps.sessions.begin() as session:
        found = await incident_rows.get(session=session, number=number)
        assert found is not None
        found.started_at = found.detected_at = at - timedelta(minutes=minutes)
        found.resolved_at = at
    return number


async def test_the_review_celebrates_the_near_misses_and_shows_the_time_to_resolve_trend(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    # Resolved three and two weeks before the review, and in its last week (two incidents).
    await resolved(bot, "db failover", at=MONDAY - timedelta(days=17), minutes=90)
    await resolved(bot, "queue backlog", at=MONDAY - timedelta(days=10), minutes=50)
    await resolved(bot, "cache stampede", at=MONDAY - timedelta(days=3), minutes=40)
    await resolved(bot, "dns blip", at=MONDAY - timedelta(days=1), minutes=20)
    async with bot.runtime.deps.sessions.begin() as session:
        for title, prevented, at in (
            ("disk nearly full <!here>", "the 80% disk alert", MONDAY - timedelta(days=2)),
            ("cert about to expire", "the expiry check in CI", MONDAY - timedelta(days=5)),
            ("old near-miss", "a canary", MONDAY - timedelta(days=9)),
        ):
            await near_miss_rows.add(
                session=session,
                title=title,
                what_happened="…",
                what_prevented=prevented,
                services=[],
                by="U0ALICE",
                at=at,
            )
    assert await run(bot, MONDAY) == 1
    [review] = reviews(emu)
    summary = block(review.blocks, "review_summary")["text"]["text"]
    # Four weeks, oldest first: nothing, 90 min, 50 min, then the median of 40 and 20.
    assert (
        "*Time to resolve, median of each of the last 4 weeks:* — → 90 min → 50 min → 30 min "
        "(↓ 60 min)"
    ) in summary.split("\n")
    assert block(review.blocks, "review_near_misses")["text"]["text"].split("\n") == [
        "*Near-misses caught since the last review (2)* — caught before customers noticed 🎉",
        "• *#2* cert about to expire — stopped by: the expiry check in CI",
        "• *#1* disk nearly full &lt;!here&gt; — stopped by: the 80% disk alert",
    ]


async def test_a_drills_items_and_review_count_in_no_figure_of_the_review(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    real = await incident(bot, "payments down")
    drill = await incident(bot, "game day")
    async with bot.runtime.deps.sessions.begin() as session:
        found = await incident_rows.get(session=session, number=drill)
        assert found is not None
        found.is_drill = True
        await postmortem_rows.add(
            session=session,
            incident_id=drill,
            owner="U0ALICE",
            due_on=date(2025, 1, 24),
            created_at=day(1, 15),
        )
    await item(bot, real, "Add retries", "U0BOB", created=day(1, 8), closed=day(1, 10))
    await item(bot, drill, "Fix the runbook", "U0BOB", created=day(1, 15))
    await item(bot, drill, "Add an alert", "U0BOB", created=day(1, 15), closed=day(1, 16))
    assert await run(bot, MONDAY) == 1
    [review] = reviews(emu)
    summary = block(review.blocks, "review_summary")["text"]["text"]
    assert "*Last 90 days:* 100% of 1 item created are done" in summary
    assert summary.endswith("*Postmortems not yet published:* 0")


async def test_private_items_are_counted_and_their_owners_pinged_but_never_described(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    assert await run(bot, MONDAY) == 1
    [review] = reviews(emu)
    shown = review.text + block_text(review.blocks)
    for secret in ("Leaked credentials", "Rotate the leaked", "Audit access", "#2"):
        assert secret not in shown
    assert "INC-4" in shown and "INC-6" in shown
    assert emu.mentions(review.channel, review.ts) >= {"U0BOB", "U0CAROL", "U0ALICE"}


async def test_the_review_goes_out_once_a_week_even_from_two_runtimes_at_once(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    bot.clock.set(MONDAY)
    other = build_runtime(bot.runtime.deps.settings, clock=FrozenClock(MONDAY))
    try:
        counts = await asyncio.gather(
            *(
                run_job(deps, "weekly-review", now=MONDAY)
                for deps in (bot.runtime.deps, other.deps, bot.runtime.deps, other.deps)
            )
        )
    finally:
        await other.close()
    assert sorted(counts) == [0, 0, 0, 1]
    assert await run(bot, MONDAY + timedelta(hours=5)) == 0  # a catch-up run the same week
    assert await run(bot, MONDAY + timedelta(days=6)) == 0  # Sunday: still week 4
    assert len(reviews(emu)) == 1
    assert await run(bot, MONDAY + timedelta(days=7)) == 1
    assert [r.text.split(":")[0] for r in reviews(emu)] == [
        "📋 Action-item review 2025-W04",
        "📋 Action-item review 2025-W05",
    ]


async def test_a_refused_review_is_posted_by_the_next_run(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    emu.inject("chat.postMessage", error="channel_not_found")
    with pytest.raises(IncompleteRun):  # not recorded as run: the scheduler retries it soon
        await run(bot, MONDAY)
    assert reviews(emu) == []
    assert await run(bot, MONDAY + timedelta(minutes=30)) == 1
    assert len(reviews(emu)) == 1


async def test_the_review_channel_setting_wins_and_without_any_channel_nothing_is_sent(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    await seed_week(bot)
    emu.add_channel("action-review", members=["U0ALICE"])
    settings = bot.runtime.deps.settings
    to_review = replace(
        bot.runtime.deps, settings=settings.model_copy(update={"review_channel": "#action-review"})
    )
    nowhere = replace(
        bot.runtime.deps, settings=settings.model_copy(update={"announce_channel": None})
    )
    assert await post_weekly_review(nowhere, MONDAY) == 0
    assert await post_weekly_review(to_review, MONDAY) == 1
    assert len(reviews(emu, "action-review")) == 1
    assert reviews(emu) == []


def sections_fit(message: Message) -> None:
    """At most 50 blocks, and every section's text within 3,000 characters."""
    assert message.blocks is not None and len(message.blocks) <= 50
    for candidate in message.blocks:
        if candidate["type"] == "section":
            assert 0 < len(candidate["text"]["text"]) <= 3000


async def test_a_long_review_keeps_to_slacks_limits_and_continues_in_a_paced_thread(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    payments = await incident(bot, "Payments down " + "very " * 25)
    breach = await incident(bot, "Leaked credentials", private=True)
    async with bot.runtime.deps.sessions.begin() as session:
        for n in range(300):
            await add_item(
                session=session,
                incident_id=breach if n % 10 == 0 else payments,
                title=f"Fix the <thing> number {n} " + "& more " * 30,
                owner="U0BOB",
                due_on=date(2024, 12, 1) + timedelta(days=n % 50),
                priority=("P1", "P2", "P3")[n % 3],
                created_by="U0ALICE",
                created_at=day(11, 1, 2024),
            )
    for n in range(30):
        await item(bot, payments, f"Done {n}", "U0CAROL", created=day(1, 2), closed=day(1, 19))
    sleep = FakeSleep()
    job = Job("weekly-review", "0 9 * * 1", partial(post_weekly_review, sleep=sleep))
    assert await run(bot, MONDAY, jobs={job.name: job}) == 1 + 8 + 1  # 285 + 20 rows left

    [review] = reviews(emu)
    sections_fit(review)
    assert "*300 open action items*" in block_text(review.blocks)
    assert "285 more overdue, 20 more completed" in block_text(review.blocks)
    assert len(review.replies) == 9
    for reply in review.replies:
        sections_fit(reply)
    numbers = Counter(
        int(n)
        for message in (review, *review.replies)
        for n in re.findall(r"\*INC-(\d+)\*", block_text(message.blocks))
    )
    assert numbers == Counter(range(1, 331))
    assert len(sleep.waits) == 9 and min(sleep.waits) >= 1


async def test_completed_since_the_last_review_counts_from_when_it_went_out(
    emu: SlackEmulator, bot: RunningBot
) -> None:
    number = await incident(bot, "search slow")
    await item(bot, number, "Before the late review", "U0BOB", closed=day(1, 21))
    await item(bot, number, "After the late review", "U0BOB", closed=day(1, 24))
    late = MONDAY + timedelta(days=2)  # the Monday review went out on Wednesday (a catch-up)
    assert await run(bot, late) == 1
    assert await run(bot, MONDAY + timedelta(days=7)) == 1
    next_monday = reviews(emu)[-1]
    shown = str(next_monday.blocks)
    assert "After the late review" in shown
    assert "Before the late review" not in shown
