"""Move an incident through its lifecycle: status, severity, and when impact began."""

from __future__ import annotations

from bot.domain.severity import Severity
from bot.domain.status import ACTIVE, Status, check_move
from bot.domain.times import parse_local_time
from bot.errors import UserFacingError
from bot.rendering.updates import severity_notice, status_notice, time_notice
from bot.services.deps import Deps
from bot.services.incidents import Promised, incident_change, post_notice
from bot.services.paging import page, resolve_pages
from bot.services.postmortems import start_if_required
from bot.services.updates import announce_resolution


async def change_status(deps: Deps, *, channel_id: str, status: Status, note: str, by: str) -> None:
    """Move to `status`, stamping the time; nonsense moves are explained, not made."""
    async with incident_change(deps, channel_id, by=by) as change:
        incident, now = change.incident, change.at
        previous = Status(incident.status)
        check_move(incident.id, previous, status)
        incident.status = status.value
        if status is Status.IDENTIFIED and incident.identified_at is None:
            incident.identified_at = now
        if status in (Status.MITIGATED, Status.RESOLVED) and incident.mitigated_at is None:
            incident.mitigated_at = now
        if status is Status.RESOLVED:
            incident.resolved_at = now
            change.record("resolved", note, **{"from": previous.value, "to": status.value})
            # Stop the paging first. Both are kept across a crash (reconcile finishes them).
            change.promise(Promised.RESOLVE_PAGES, lambda i: resolve_pages(deps, i))
            change.promise(
                Promised.ANNOUNCE_RESOLUTION,
                lambda i: announce_resolution(deps, i, summary=note, by=by),
                summary=note,
                by=by,
            )
            await start_if_required(deps, change)
        else:
            change.record("status_changed", note, **{"from": previous.value, "to": status.value})
            change.then(lambda i: post_notice(deps, i, status_notice(i, previous, note, by)))


async def reopen(deps: Deps, *, channel_id: str, by: str) -> None:
    """Bring a resolved incident back to investigating; it has to be mitigated again."""
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        previous = Status(incident.status)
        if previous not in (Status.RESOLVED, Status.POSTMORTEM):
            raise UserFacingError(
                f"Incident #{incident.id} is {incident.status}, not resolved; "
                "there is nothing to reopen."
            )
        incident.status = Status.INVESTIGATING.value
        incident.resolved_at = incident.mitigated_at = None
        change.record("reopened", **{"from": previous.value, "to": incident.status})
        change.then(lambda i: post_notice(deps, i, status_notice(i, previous, "", by)))


async def change_severity(deps: Deps, *, channel_id: str, severity: Severity, by: str) -> None:
    """Raise or lower the severity; raising pages per the new level's policy."""
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        previous = Severity(incident.severity)
        if Status(incident.status) not in ACTIVE:
            raise UserFacingError(
                f"Incident #{incident.id} is {incident.status}; `/incident reopen` it first "
                "to change its severity."
            )
        if previous is severity:
            raise UserFacingError(f"Incident #{incident.id} is already {severity.label}.")
        incident.severity = severity.value
        change.record("severity_changed", **{"from": previous.value, "to": severity.value})
        change.then(lambda i: post_notice(deps, i, severity_notice(i, previous, by, deps.policy)))
        if severity.rank < previous.rank:
            change.then(lambda i: page(deps, i, by=by))


async def set_time(deps: Deps, *, channel_id: str, field: str, when: str, by: str) -> None:
    """Record when impact started or when it was detected (typed in the incident zone)."""
    async with incident_change(deps, channel_id, by=by) as change:
        incident = change.incident
        moment = parse_local_time(when, now=change.at, zone=deps.zone)
        if field == "started":
            if moment > incident.detected_at:
                raise UserFacingError("Impact can't begin after it was detected; check the time.")
            incident.started_at = moment
        else:
            if moment > incident.declared_at:
                raise UserFacingError("It can't be detected after it was declared; check the time.")
            if moment < incident.started_at:
                if incident.started_at != incident.declared_at:
                    raise UserFacingError(
                        "It can't be detected before impact began; check the time."
                    )
                incident.started_at = moment  # impact began at the latest when detected
            incident.detected_at = moment
        change.record(f"{field}_set", at=moment.isoformat())
        change.then(lambda i: post_notice(deps, i, time_notice(i, field, deps.zone, by)))
