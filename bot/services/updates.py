"""Status updates and the resolution summary, in the channel and the announcement thread."""

from __future__ import annotations

from bot.deps import Deps
from bot.rendering.updates import resolution_summary, status_update
from bot.services.incidents import locked_incident, publish
from models import Incident, timeline


async def post_update(deps: Deps, *, channel_id: str, text: str, by: str) -> Incident:
    """Post a formatted update in the channel and under the announcement; keep its time."""
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        incident.last_update_at = now
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="update_posted",
            occurred_at=now,
            actor=by,
            text=text,
        )
    blocks = status_update(incident, text, by, deps.policy)
    await _post_both(deps, incident, text=f"Update on incident #{incident.id}", blocks=blocks)
    await publish(deps, incident)
    return incident


async def announce_resolution(deps: Deps, incident: Incident, *, summary: str, by: str) -> None:
    """Say it's resolved and how long it took, in both places."""
    blocks = resolution_summary(incident, summary, by, deps.zone)
    await _post_both(deps, incident, text=f"Incident #{incident.id} resolved", blocks=blocks)


async def _post_both(
    deps: Deps, incident: Incident, *, text: str, blocks: list[dict[str, object]]
) -> None:
    assert incident.channel_id is not None
    await deps.slack.post(incident.channel_id, text=text, blocks=blocks)
    if not incident.is_private and incident.announcement_channel_id and incident.announcement_ts:
        await deps.slack.post(
            incident.announcement_channel_id,
            text=text,
            blocks=blocks,
            thread_ts=incident.announcement_ts,
        )
