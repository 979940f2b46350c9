"""Read the timeline in Slack, or take it away as a Markdown file."""

from __future__ import annotations

from typing import Any

from bot.domain.limits import RESPONSE_URL_USES
from bot.errors import SlackRefusal
from bot.rendering.markdown import timeline_markdown
from bot.rendering.timeline import timeline_messages, timeline_text
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from models import Incident, timeline


async def show_timeline(
    deps: Deps, *, channel_id: str, user: str, export: bool, response_url: str | None = None
) -> str | None:
    """Show the whole timeline privately, in as many messages as Slack's limits need; returns
    a private answer when not all of it could be shown."""
    incident = await incident_in(deps, channel_id)
    async with deps.sessions() as session:
        entries = await timeline.for_incident(session=session, incident_id=incident.id)
    if export:
        people = {e.actor for e in entries if e.actor} | {r.user_id for r in incident.roles}
        names = await deps.slack.user_names(people)
        await deps.slack.upload(
            channel_id,
            filename=f"incident-{incident.id}-timeline.md",
            content=timeline_markdown(incident, entries, deps.zone, names),
            title=f"Incident #{incident.id} timeline",
        )
        return None
    pages = timeline_messages(incident, entries, deps.zone)
    for page, blocks in enumerate(pages, start=1):
        text = timeline_text(page, len(pages), incident)
        try:
            await deps.slack.post_ephemeral(channel_id, user, text=text, blocks=blocks)
        except SlackRefusal as refusal:
            if refusal.error != "user_not_in_channel" or page > 1 or response_url is None:
                raise
            return await _show_to_a_visitor(deps, incident, pages, response_url)
    return None


async def _show_to_a_visitor(
    deps: Deps, incident: Incident, pages: list[list[dict[str, Any]]], response_url: str
) -> str | None:
    """Someone looking at a public channel they have not joined: Slack shows them ephemeral
    messages only through the command's response_url, which takes a few answers."""
    shown = pages[: RESPONSE_URL_USES - 1]
    for page, blocks in enumerate(shown, start=1):
        text = timeline_text(page, len(pages), incident)
        await deps.slack.respond(response_url, text, blocks=blocks)
    if len(pages) > len(shown):
        return (
            f"That is {len(shown)} of the timeline's {len(pages)} messages. Join the channel to "
            "see it all here, or use `/incident timeline export` for the whole of it as a file."
        )
    return None
