"""Catch up on marks made while the bot was down: timeline emoji and pins in incident channels."""

from __future__ import annotations

from typing import Any

from bot.domain.status import ACTIVE
from bot.services.capture import SlackMessage, capture
from bot.services.deps import Deps
from bot.services.incidents import channel_of
from models import Incident
from models import incidents as incident_rows


async def backfill_open_incidents(deps: Deps) -> int:
    """Backfill every open incident; returns how many entries were added."""
    async with deps.sessions() as session:
        found = await incident_rows.open_incidents(
            session=session, statuses=tuple(s.value for s in ACTIVE)
        )
    added = 0
    for incident in found:
        added += await backfill_incident(deps, incident)
    return added


async def backfill_incident(deps: Deps, incident: Incident) -> int:
    """Scan one incident channel (threads included) and its pins; add what is missing."""
    channel = channel_of(incident)
    bot = await deps.slack.bot_user()
    messages = await deps.slack.history(channel)
    for parent in [m for m in messages if m.get("reply_count")]:
        replies = await deps.slack.history(channel, thread_ts=parent["ts"])
        messages += [r for r in replies if r["ts"] != parent["ts"]]
    marked = [(m, by) for m in messages if (by := _marker(m, deps.settings.timeline_emoji, bot))]
    pinned = [(m, by) for m, by in await deps.slack.pinned(channel) if by != bot]
    added = 0
    for message, by in marked + pinned:
        entry = await capture(
            deps,
            channel=channel,
            ts=message["ts"],
            by=by,
            message=SlackMessage.from_event(channel, message),
        )
        added += entry is not None
    return added


def _marker(message: dict[str, Any], emoji: tuple[str, ...], bot: str) -> str | None:
    """Whoever first put a timeline emoji on the message (not the bot), if anyone."""
    for reaction in message.get("reactions", []):
        if reaction["name"] in emoji:
            people = [u for u in reaction.get("users", []) if u != bot]
            if people:
                return str(people[0])
    return None
