"""The weekly incident newsletter, posted once per ISO week in NEWSLETTER_CHANNEL (or the
announcement channel). "The week" is the 7 days up to the run. Like the weekly review, the
main message and its thread replies are one send under one ledger key."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.domain.figures import Window
from bot.rendering.newsletter import Learning, Newsletter, newsletter
from bot.services.deps import Deps
from bot.services.stats import measure_with_previous
from models import action_review, ledger
from models import incidents as incident_rows
from models import near_misses as near_miss_rows
from models import postmortems as postmortem_rows
from scheduler.delivery import deliver_once
from scheduler.review import POST_INTERVAL, Sleep, iso_week

logger = logging.getLogger(__name__)

JOB = "incident-newsletter"
WEEK = timedelta(days=7)
MAX_INCIDENTS = 500


async def build_newsletter(deps: Deps, now: datetime) -> Newsletter:
    """Compute what the newsletter says as of `now`: no Slack."""
    since = now - WEEK
    async with deps.sessions() as session:
        incidents = await incident_rows.declared_in(
            session=session, since=since, until=now, limit=MAX_INCIDENTS
        )
        published = await postmortem_rows.published_between(session=session, since=since, until=now)
        opened, completed = await action_review.opened_and_completed(
            session=session, since=since, until=now
        )
        caught = await near_miss_rows.recorded_between(session=session, since=since, until=now)
        learnings = []
        for postmortem in published:
            incident = await incident_rows.get(session=session, number=postmortem.incident_id)
            if incident is None or incident.is_private or incident.is_drill:
                continue  # a private incident's lessons stay with its members
            sections = postmortem.sections
            improvement = next(
                (
                    line.strip(" -*•")
                    for line in sections.get("could_improve", "").splitlines()
                    if line.strip(" -*•")
                ),
                "",
            )
            learnings.append(
                Learning(incident, sections.get("summary", ""), improvement, postmortem.link)
            )
    figures = await measure_with_previous(deps, Window(since, now, "this week"))
    return Newsletter(
        week=iso_week(now, deps.zone),
        now=now,
        incidents=list(reversed(incidents)),
        learnings=learnings,
        opened=opened,
        completed=completed,
        near_misses=caught,
        figures=figures,
    )


async def post_newsletter(deps: Deps, now: datetime, *, sleep: Sleep = asyncio.sleep) -> int:
    """Post this week's newsletter (thread replies paced by `sleep`); returns messages sent."""
    settings = deps.settings
    channel = settings.newsletter_channel or settings.announce_channel
    if channel is None:
        logger.warning(
            "job %s: nothing posted; set NEWSLETTER_CHANNEL or INCIDENT_ANNOUNCE_CHANNEL", JOB
        )
        return 0
    key = f"{JOB}:{channel}:{iso_week(now, deps.zone)}"
    async with deps.sessions() as session:
        done = await ledger.get(session=session, key=key)
    if done is not None and done.sent_at is not None:
        return 0
    main, *thread = newsletter(await build_newsletter(deps, now))

    async def send() -> None:
        channel_id, ts = await deps.slack.post_joining(channel, text=main.text, blocks=main.blocks)
        for part in thread:
            await sleep(POST_INTERVAL)
            await deps.slack.post(channel_id, text=part.text, blocks=part.blocks, thread_ts=ts)

    return 1 + len(thread) if await deliver_once(deps, key=key, job=JOB, send=send) else 0
