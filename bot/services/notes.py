"""Notes people add to the timeline by hand."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.times import local_time, parse_local_time
from bot.errors import UserFacingError
from bot.services.deps import Deps
from bot.services.incidents import incident_in
from models import TimelineEntry, timeline

# A note's time may sit a little before the incident began: people notice things late.
EARLIEST_BEFORE_START = timedelta(hours=12)


async def add_note(
    deps: Deps, *, channel_id: str, text: str, at: str | None, by: str
) -> TimelineEntry:
    """Add a note now, or at a time of day (the latest such time, within the incident)."""
    incident = await incident_in(deps, channel_id)
    now = deps.clock.now()
    when = now if at is None else parse_local_time(at, now=now, zone=deps.zone)
    if when < incident.started_at - EARLIEST_BEFORE_START:
        raise UserFacingError(
            f"{local_time(when, deps.zone)} is long before incident #{incident.id} began "
            f"({local_time(incident.started_at, deps.zone)}); give a time within it."
        )
    async with deps.sessions.begin() as session:
        return await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="note",
            occurred_at=when,
            actor=by,
            text=text,
        )
