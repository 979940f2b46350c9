"""Status updates and the resolution summary, in the channel and the announcement thread."""

from __future__ import annotations

from typing import Any

from bot.rendering.updates import resolution_summary, status_update
from bot.services.deps import Deps
from bot.services.incidents import channel_of, incident_change, posted_since
from bot.slack.ids import BlockId
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


async def announce_resolution(
    deps: Deps, incident: Incident, *, summary: str, by: str, resuming: bool = False
) -> None:
    """Say it's resolved and how long it took, in both places (`resuming` what a process that
    died began: where it was said already, it is not said again)."""
    blocks = resolution_summary(incident, summary, by, deps.zone)
    text = f"Incident #{incident.id} resolved"
    if not resuming:
        await _post_both(deps, incident, text, blocks)
        return
    assert incident.resolved_at is not None
    since = incident.resolved_at
    channel = channel_of(incident)
    if not await posted_since(deps, channel, since, _is_resolution):
        await deps.slack.post(channel, text=text, blocks=blocks)
    thread = _announcement_thread(incident)
    if thread and not await posted_since(
        deps, thread[0], since, _is_resolution, thread_ts=thread[1]
    ):
        await deps.slack.post(thread[0], text=text, blocks=blocks, thread_ts=thread[1])


def _is_resolution(message: dict[str, Any]) -> bool:
    return any(b.get("block_id") == BlockId.RESOLUTION for b in message.get("blocks") or [])


async def _post_both(
    deps: Deps, incident: Incident, text: str, blocks: list[dict[str, Any]]
) -> None:
    await deps.slack.post(channel_of(incident), text=text, blocks=blocks)
    thread = _announcement_thread(incident)
    if thread:
        await deps.slack.post(thread[0], text=text, blocks=blocks, thread_ts=thread[1])


def _announcement_thread(incident: Incident) -> tuple[str, str] | None:
    """Where updates go besides the channel: the announcement's thread (not for private ones)."""
    if not incident.is_private and incident.announcement_channel_id and incident.announcement_ts:
        return incident.announcement_channel_id, incident.announcement_ts
    return None
