"""Who is in incident channels, and bringing people in."""

from __future__ import annotations

from bot.errors import SlackRefusal, UserFacingError
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


async def channel_members(deps: Deps, channel: str) -> set[str]:
    """Everyone in a channel. One Slack no longer finds (archived away, or the bot removed from
    it) has nobody in it, so a private incident's things are shown to no one; any other refusal
    is raised, for the person to be told."""
    try:
        return await deps.slack.members(channel)
    except SlackRefusal as refusal:
        if refusal.error == "channel_not_found":
            return set()
        raise
