"""Find the incident a request is about, and keep its card, topic and announcement current."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.rendering.incident import announcement, card_text, channel_topic, incident_card
from models import Incident
from models import incidents as incident_rows

NOT_AN_INCIDENT_CHANNEL = (
    "This works inside an incident's channel, and this channel isn't one. "
    "`/incident list` shows the open incidents and their channels."
)


async def incident_in(deps: Deps, channel_id: str) -> Incident:
    """The incident whose channel this is, or a friendly hint."""
    async with deps.sessions() as session:
        incident = await incident_rows.get_by_channel(session=session, channel_id=channel_id)
    if incident is None:
        raise UserFacingError(NOT_AN_INCIDENT_CHANNEL)
    return incident


async def locked_incident(session: AsyncSession, channel_id: str) -> Incident:
    """The channel's incident, its row locked for this transaction, or a friendly hint."""
    incident = await incident_rows.lock_by_channel(session=session, channel_id=channel_id)
    if incident is None:
        raise UserFacingError(NOT_AN_INCIDENT_CHANNEL)
    return incident


async def publish(deps: Deps, incident: Incident) -> None:
    """Edit the card, the topic and the announcement in place to show the incident as it is."""
    assert incident.channel_id is not None
    edits = []
    if incident.card_ts:
        edits.append(
            deps.slack.update(
                incident.channel_id,
                incident.card_ts,
                text=card_text(incident),
                blocks=incident_card(incident, deps.zone, deps.policy),
            )
        )
    edits.append(deps.slack.set_topic(incident.channel_id, channel_topic(incident, deps.policy)))
    if incident.announcement_channel_id and incident.announcement_ts:
        edits.append(
            deps.slack.update(
                incident.announcement_channel_id,
                incident.announcement_ts,
                text=card_text(incident),
                blocks=announcement(incident, deps.zone, deps.policy),
            )
        )
    outcomes = await asyncio.gather(*edits, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
