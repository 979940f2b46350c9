"""Bring people into incident channels."""

from __future__ import annotations

from bot.errors import UserFacingError
from bot.services.deps import Deps
from models import incidents as incident_rows


async def join_incident(deps: Deps, *, number: int, user: str) -> str:
    """Invite a person to a public incident's channel; returns the channel ID."""
    async with deps.sessions() as session:
        incident = await incident_rows.get(session=session, number=number)
    if incident is None or incident.channel_id is None:
        raise UserFacingError(f"Incident #{number} has no channel to join.")
    if incident.is_private:
        raise UserFacingError(f"Incident #{number} is private; ask its commander to add you.")
    await deps.slack.invite(incident.channel_id, [user])
    return incident.channel_id
