"""Bring Slack and the database back into agreement after a crash: finish the declarations a
dead process left half-made, and redraw incidents changed but not redrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.services.declare import STALE_AFTER, resume_setup
from bot.services.deps import Deps, process_gone
from bot.services.incidents import redraw_incident
from models import incidents as incident_rows

REDRAWN = "brought the card, topic and announcement up to date"


@dataclass(frozen=True)
class Repair:
    """What reconciling did to one incident."""

    number: int
    done: list[str]


async def reconcile(deps: Deps, now: datetime) -> list[Repair]:
    """Repair every incident that needs it as of `now`; each repair is claimed, so replicas
    reconciling at once do each step once."""
    async with deps.sessions() as session:
        unfinished = await incident_rows.unfinished_setups(session=session)
        behind = await incident_rows.drawn_behind(session=session)
    repairs: list[Repair] = []
    for number, claimant, claimed_at in unfinished:
        gone = process_gone(claimant)
        if not gone and claimed_at is not None and claimed_at >= now - STALE_AFTER:
            continue  # being set up right now
        done = await resume_setup(deps, number, now=now, from_gone=claimant if gone else None)
        if done is not None:
            repairs.append(Repair(number, done))
    for number in behind:
        if await _redraw_behind(deps, number):
            repairs.append(Repair(number, [REDRAWN]))
    return repairs


async def _redraw_behind(deps: Deps, number: int) -> bool:
    """Redraw under the incident's row lock: a change made meanwhile waits, then draws last."""
    async with deps.sessions.begin() as session:
        incident = await incident_rows.lock(session=session, number=number)
        if incident is None or incident.channel_id is None:
            return False
        async with deps.turns(f"incident:{incident.channel_id}"):
            if incident.drawn_revision >= incident.revision:
                return False
            await redraw_incident(deps, incident)
            await incident_rows.mark_drawn(
                session=session, number=number, revision=incident.revision
            )
    return True
