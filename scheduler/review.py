"""The weekly action-item review, posted in the review channel once per ISO week.

The whole review — the main message and the thread replies that carry the rest of its lists —
is one send under one ledger key, `weekly-review:<channel>:<ISO week>`. So either all of it
went out, or the claim is released and the next run posts it again from the top: a thread
part is never left without its main message, and no main message's ts needs storing. The cost,
when Slack refuses a thread reply past its own retries (429s, 5xx and dropped connections are
already retried by the gateway), is a second copy of the summary rather than a lost list.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.roles import Role
from bot.rendering.review import weekly_review
from bot.services.deps import Deps
from bot.services.stats import resolve_trend
from models import action_review, ledger
from models import near_misses as near_miss_rows
from models.action_review import Review
from scheduler.delivery import deliver_once

logger = logging.getLogger(__name__)

REVIEW_JOB = "weekly-review"
ESCALATE_AFTER_DAYS = 14
COMPLETION_WINDOW_DAYS = 90
TREND_WEEKS = 4
SINCE_LAST_REVIEW = timedelta(days=7)
# chat.postMessage allows about one message per second per channel.
POST_INTERVAL = 1.0

Sleep = Callable[[float], Awaitable[None]]


def iso_week(now: datetime, zone: ZoneInfo) -> str:
    """`2025-W03`: the ISO year and week of `now` in the zone."""
    year, week, _ = now.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


async def build_review(deps: Deps, now: datetime) -> Review:
    """Compute what the review says as of `now`: counts, lists and rates, no Slack."""
    today = now.astimezone(deps.zone).date()
    ic = Role.COMMANDER.value
    async with deps.sessions() as session:
        # "Since the last review": since it went out, if one did (a late catch-up moves it).
        previous = await ledger.last_sent(session=session, job=REVIEW_JOB, before=now)
        since = previous if previous and previous > now - 2 * SINCE_LAST_REVIEW else None
        counts = await action_review.counts_by_priority(session=session, today=today)
        overdue = await action_review.overdue(session=session, today=today, commander_role=ic)
        completed = await action_review.completed_between(
            session=session, after=since or now - SINCE_LAST_REVIEW, until=now, commander_role=ic
        )
        completion = await action_review.completion_since(
            session=session, since=now - timedelta(days=COMPLETION_WINDOW_DAYS)
        )
        unpublished = await action_review.unpublished_postmortems(session=session)
        caught = await near_miss_rows.recorded_between(
            session=session, since=since or now - SINCE_LAST_REVIEW, until=now
        )
    return Review(
        week=iso_week(now, deps.zone),
        today=today,
        counts=counts,
        overdue=overdue,
        completed=completed,
        completion=completion,
        window_days=COMPLETION_WINDOW_DAYS,
        unpublished_postmortems=unpublished,
        escalate_after_days=ESCALATE_AFTER_DAYS,
        near_misses=[(n.id, n.title, n.what_prevented) for n in caught],
        resolve_trend=await resolve_trend(deps, now, weeks=TREND_WEEKS),
    )


async def post_weekly_review(deps: Deps, now: datetime, *, sleep: Sleep = asyncio.sleep) -> int:
    """Post this week's review (thread replies paced by `sleep`); returns messages sent."""
    channel = deps.settings.review_channel or deps.settings.announce_channel
    if channel is None:
        logger.warning(
            "job %s: no review posted; set ACTION_REVIEW_CHANNEL or INCIDENT_ANNOUNCE_CHANNEL",
            REVIEW_JOB,
        )
        return 0
    key = f"{REVIEW_JOB}:{channel}:{iso_week(now, deps.zone)}"
    async with deps.sessions() as session:
        done = await ledger.get(session=session, key=key)
    if done is not None and done.sent_at is not None:
        return 0  # the usual case on a rerun: no need to compute it again
    main, *thread = weekly_review(await build_review(deps, now), deps.settings.item_prefix)

    async def send() -> None:
        channel_id, ts = await deps.slack.post_joining(channel, text=main.text, blocks=main.blocks)
        for part in thread:
            await sleep(POST_INTERVAL)
            await deps.slack.post(channel_id, text=part.text, blocks=part.blocks, thread_ts=ts)

    return 1 + len(thread) if await deliver_once(deps, key=key, job=REVIEW_JOB, send=send) else 0
