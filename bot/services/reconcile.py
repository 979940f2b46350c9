"""Bring Slack and the database back into agreement after a crash: finish the declarations a
dead process left half-made, redraw incidents changed but not redrawn, and keep the follow-ups
a change promised (pages resolved, the resolution announced, new role holders brought in)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.roles import RoleChange
from bot.errors import SlackRefusal
from bot.services.declare import STALE_AFTER, resume_setup
from bot.services.deps import Deps, process_gone
from bot.services.impact import service_became_impacted
from bot.services.incidents import Promised, attempt, keeping, redraw_incident
from bot.services.paging import resolve_pages
from bot.services.roles import bring_in
from bot.services.updates import announce_resolution
from models import Incident
from models import incidents as incident_rows

REDRAWN = "brought the card, topic and announcement up to date"
KEPT = {
    Promised.RESOLVE_PAGES: "resolved its PagerDuty alerts",
    Promised.ANNOUNCE_RESOLUTION: "announced its resolution",
    Promised.BRING_IN: "brought the new role holders in",
    Promised.SERVICE_IMPACTED: "told the impacted service's owner, paged it, posted its runbook",
}
Resume = Callable[[Deps, Incident, dict[str, Any], datetime], Awaitable[Any]]


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
    async with deps.sessions() as session:
        promised = await incident_rows.with_promises(session=session)
    for number, follow_ups in promised:
        left = [p for p in follow_ups if _left_behind(p, now)]
        if kept := [KEPT[Promised(p["step"])] for p in left if await _keep(deps, number, p, now)]:
            repairs.append(Repair(number, kept))
    return repairs


def _left_behind(follow_up: dict[str, Any], now: datetime) -> bool:
    """Whether the process that promised it is gone (or has been at it too long)."""
    taken_at = datetime.fromisoformat(follow_up["at"])
    return process_gone(follow_up["by"]) or taken_at < now - STALE_AFTER


async def _keep(deps: Deps, number: int, follow_up: dict[str, Any], now: datetime) -> bool:
    """Take a follow-up over and do it, as the change that promised it would have."""
    async with deps.sessions.begin() as session:
        taken = await incident_rows.take_over_promise(
            session=session, number=number, promise_id=follow_up["id"], by=deps.claimant, at=now
        )
        incident = await incident_rows.get(session=session, number=number)
    if taken is None or incident is None:
        return False  # kept meanwhile
    since = datetime.fromisoformat(taken["since"])

    async def resume(i: Incident) -> None:
        await RESUME[Promised(taken["step"])](deps, i, taken["args"], since)

    refusals: list[SlackRefusal] = await attempt(
        [keeping(deps, number, taken["id"], resume)(incident)]
    )
    return not refusals


async def _resolve_pages(
    deps: Deps, incident: Incident, _args: dict[str, Any], _since: datetime
) -> None:
    await resolve_pages(deps, incident)


async def _announce_resolution(
    deps: Deps, incident: Incident, args: dict[str, Any], _since: datetime
) -> None:
    if incident.resolved_at is not None:  # not reopened meanwhile
        await announce_resolution(
            deps, incident, summary=args["summary"], by=args["by"], resuming=True
        )


async def _bring_in(deps: Deps, incident: Incident, args: dict[str, Any], since: datetime) -> None:
    changes = [RoleChange.from_data(c) for c in args["changes"]]
    await bring_in(deps, incident, changes, args["by"], since=since)


async def _service_impacted(
    deps: Deps, incident: Incident, args: dict[str, Any], _since: datetime
) -> None:
    if args["service"] in incident.service_slugs:  # not removed meanwhile
        await service_became_impacted(deps, incident, args["service"], by=args["by"])


RESUME: dict[Promised, Resume] = {
    Promised.RESOLVE_PAGES: _resolve_pages,
    Promised.ANNOUNCE_RESOLUTION: _announce_resolution,
    Promised.BRING_IN: _bring_in,
    Promised.SERVICE_IMPACTED: _service_impacted,
}


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
