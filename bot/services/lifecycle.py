"""Move an incident through its lifecycle: status, severity, and when impact began."""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps
from bot.errors import UserFacingError
from bot.services.incidents import locked_incident, publish
from bot.services.paging import page, resolve_pages
from bot.severity import Severity
from bot.status import ACTIVE, Status
from bot.times import parse_local_time
from models import Incident, timeline


@dataclass(frozen=True)
class StatusChange:
    """What changed, for the notice."""

    incident: Incident
    previous: Status
    note: str


async def change_status(
    deps: Deps, *, channel_id: str, status: Status, note: str, by: str
) -> StatusChange:
    """Move to `status`, stamping the time; nonsense moves are explained, not made."""
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        previous = Status(incident.status)
        _check_move(incident, previous, status)
        incident.status = status.value
        if status is Status.IDENTIFIED and incident.identified_at is None:
            incident.identified_at = now
        if status in (Status.MITIGATED, Status.RESOLVED) and incident.mitigated_at is None:
            incident.mitigated_at = now
        if status is Status.RESOLVED:
            incident.resolved_at = now
        kind = "resolved" if status is Status.RESOLVED else "status_changed"
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind=kind,
            occurred_at=now,
            actor=by,
            text=note,
            data={"from": previous.value, "to": status.value},
        )
    await publish(deps, incident)
    if status is Status.RESOLVED:
        await resolve_pages(deps, incident)
    return StatusChange(incident=incident, previous=previous, note=note)


async def reopen(deps: Deps, *, channel_id: str, by: str) -> Incident:
    """Bring a resolved incident back to investigating."""
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        if incident.status != Status.RESOLVED:
            raise UserFacingError(
                f"Incident #{incident.id} is {incident.status}, not resolved; "
                "there is nothing to reopen."
            )
        incident.status = Status.INVESTIGATING.value
        incident.resolved_at = None
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="reopened",
            occurred_at=now,
            actor=by,
            data={"from": Status.RESOLVED.value, "to": Status.INVESTIGATING.value},
        )
    await publish(deps, incident)
    return incident


async def change_severity(
    deps: Deps, *, channel_id: str, severity: Severity, by: str
) -> tuple[Incident, Severity]:
    """Raise or lower the severity; raising pages per the new level's policy."""
    now = deps.clock.now()
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        previous = Severity(incident.severity)
        if Status(incident.status) not in ACTIVE:
            raise UserFacingError(
                f"Incident #{incident.id} is {incident.status}; `/incident reopen` it first "
                "to change its severity."
            )
        if previous is severity:
            raise UserFacingError(f"Incident #{incident.id} is already {severity.label}.")
        incident.severity = severity.value
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind="severity_changed",
            occurred_at=now,
            actor=by,
            data={"from": previous.value, "to": severity.value},
        )
    await publish(deps, incident)
    if severity.rank < previous.rank:
        await page(deps, incident, by=by)
    return incident, previous


async def set_time(deps: Deps, *, channel_id: str, field: str, when: str, by: str) -> Incident:
    """Record when impact started or when it was detected (typed in the incident zone)."""
    now = deps.clock.now()
    moment = parse_local_time(when, now=now, zone=deps.zone)
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        if field == "started":
            if moment > incident.detected_at:
                raise UserFacingError("Impact can't begin after it was detected; check the time.")
            incident.started_at = moment
        else:
            if moment < incident.started_at:
                if incident.started_at != incident.declared_at:
                    raise UserFacingError(
                        "It can't be detected before impact began; check the time."
                    )
                incident.started_at = moment  # impact began at the latest when detected
            incident.detected_at = moment
        await timeline.add(
            session=session,
            incident_id=incident.id,
            kind=f"{field}_set",
            occurred_at=now,
            actor=by,
            data={"at": moment.isoformat()},
        )
    await publish(deps, incident)
    return incident


def _check_move(incident: Incident, previous: Status, status: Status) -> None:
    number = f"Incident #{incident.id}"
    if previous is status:
        raise UserFacingError(f"{number} is already {status.value}.")
    if previous not in ACTIVE:
        raise UserFacingError(
            f"{number} is {previous.value}; it can't become {status.value}. "
            "If it is back, `/incident reopen` it first."
        )
