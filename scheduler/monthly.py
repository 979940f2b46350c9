"""The monthly incident review: on the first Monday of the month, the agenda of the cross-team
meeting about last month — as a canvas (a Markdown file where canvases are refused) — and a
message linking it, in REVIEW_CHANNEL (or the action-review or announcement channel), once a
month through the ledger."""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.domain.action_items import ITEM_OPEN
from bot.domain.figures import Window, window_named
from bot.errors import SlackRefusal
from bot.rendering.monthly import MonthlyReview, agenda, agenda_message
from bot.services.deps import Deps
from bot.services.patterns import patterns_of
from bot.services.stats import resolve_medians
from models import action_items as item_rows
from models import incidents as incident_rows
from models import ledger
from models import postmortems as postmortem_rows
from scheduler.delivery import deliver_once

logger = logging.getLogger(__name__)

JOB = "monthly-review"
TREND_MONTHS = 6
MAX_INCIDENTS = 5000


def month_before(now: datetime, deps: Deps, back: int = 1) -> Window:
    """The calendar month `back` months before the one `now` is in (in the incident zone)."""
    today = now.astimezone(deps.zone).date()
    index = today.year * 12 + today.month - 1 - back
    first = date(index // 12, index % 12 + 1, 1)
    return window_named(first.strftime("%Y-%m"), now=now, zone=deps.zone)


async def build_monthly_review(deps: Deps, now: datetime) -> MonthlyReview:
    """Compute last month's agenda as of `now`: no Slack."""
    month = month_before(now, deps)
    span = {"since": month.since, "until": month.until}
    prefix = deps.settings.item_prefix
    async with deps.sessions() as session:
        incidents = await incident_rows.declared_in(session=session, limit=MAX_INCIDENTS, **span)
        published = []
        open_items: dict[str, list[str]] = {}
        for postmortem in await postmortem_rows.published_between(session=session, **span):
            incident = await incident_rows.get(session=session, number=postmortem.incident_id)
            if incident is None or incident.is_drill:
                continue
            published.append((incident, postmortem.sections.get("summary", ""), postmortem.link))
            for item in await item_rows.for_incident(session=session, incident_id=incident.id):
                if item.status in ITEM_OPEN:
                    title = "(private incident)" if incident.is_private else item.title
                    open_items.setdefault(item.owner or "", []).append(
                        f"{prefix}-{item.id} {title}"
                    )
    months = [month_before(now, deps, back) for back in range(TREND_MONTHS, 0, -1)]
    medians = await resolve_medians(deps, months)
    return MonthlyReview(
        month=month.label,
        published=published,
        incidents=incidents,
        trend=[(m.label, value) for m, value in zip(months, medians, strict=True)],
        open_items=open_items,
        patterns=await patterns_of(deps, month.since.strftime("%Y-%m")),
    )


async def post_monthly_review(deps: Deps, now: datetime) -> int:
    """Post last month's agenda and its message; returns messages sent."""
    settings = deps.settings
    channel = settings.monthly_review_channel or settings.review_channel
    channel = channel or settings.announce_channel
    if channel is None:
        logger.warning("job %s: nothing posted; set REVIEW_CHANNEL or ACTION_REVIEW_CHANNEL", JOB)
        return 0
    key = f"{JOB}:{channel}:{month_before(now, deps).since.strftime('%Y-%m')}"
    async with deps.sessions() as session:
        done = await ledger.get(session=session, key=key)
    if done is not None and done.sent_at is not None:
        return 0  # the usual case on a rerun: no need to compute it again
    review = await build_monthly_review(deps, now)
    owners = {owner for owner in review.open_items if owner}
    names = await deps.slack.user_names(owners) if owners else {}
    markdown = agenda(review, deps.policy.catalog, names)

    async def send() -> None:
        where = await deps.slack.resolve_channel(channel)
        title = f"Incident review: {review.month}"
        try:
            document = await deps.slack.create_canvas(title, markdown, readers=where)
        except SlackRefusal:
            # Canvases are not available everywhere (free workspaces, admin settings): a file is.
            name = f"incident-review-{month_before(now, deps).since:%Y-%m}.md"
            await deps.slack.join(where)  # a file is shared by a member of the channel
            document = await deps.slack.upload(where, filename=name, content=markdown, title=title)
        await deps.slack.post_joining(channel, text=agenda_message(review, document.link))

    return await deliver_once(deps, key=key, job=JOB, send=send)
