"""Status updates and the resolution summary, in the channel and the announcement thread."""

from __future__ import annotations

from typing import Any

from bot.rendering.updates import resolution_summary, status_update
from bot.services.deps import Deps
from bot.services.incidents import channel_of, incident_change
from models import Incident


async def post_update(deps: Deps, *, channel_id: str, text: str, by: str) -> None:
    """Post a formatted update in the channel and under the announcement; keep its time."""
    async with incident_change(deps, channel_id, by=by) as change:
        change.incident.last_update_at = change.at
        change.record("update_posted", text)
        change.then(
            lambda i: _post_both(
                deps, i, f"Update on incident #{i.id}", status_update(i, text, by, deps.policy)
            )
        )


async def announce_resolution(deps: Deps, incident: Incident, *, summary: str, by: str) -> None:
    """Say it's resolved and how long it took, in both places."""
    blocks = resolution_summary(incident, summary, by, deps.zone)
    await _post_both(deps, incident, f"Incident #{incident.id} resolved", blocks)


async def _post_both(
    deps: Deps, incident: Incident, text: str, blocks: list[dict[str, Any]]
) -> None:
    channel = channel_of(incident)
    await deps.slack.post(channel, text=text, blocks=blocks)
    if not incident.is_private and incident.announcement_channel_id and incident.announcement_ts:
        await deps.slack.post(
            incident.announcement_channel_id,
            text=text,
            blocks=blocks,
            thread_ts=incident.announcement_ts,
        )
