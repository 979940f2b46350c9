"""Read the timeline in Slack, or take it away as a Markdown file."""

from __future__ import annotations

from bot.rendering.markdown import timeline_markdown
from bot.rendering.timeline import timeline_messages, timeline_text
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from models import timeline


async def show_timeline(deps: Deps, *, channel_id: str, user: str, export: bool) -> None:
    """Show the whole timeline privately, in as many messages as Slack's limits need."""
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
        return
    pages = timeline_messages(incident, entries, deps.zone)
    for page, blocks in enumerate(pages, start=1):
        await deps.slack.post_ephemeral(
            channel_id, user, text=timeline_text(page, len(pages), incident), blocks=blocks
        )
