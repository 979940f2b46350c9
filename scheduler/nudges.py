"""Nudges while an incident runs: late status updates, key roles still open."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from bot.domain.roles import ROLE_NAMES, Role
from bot.domain.severity import Severity
from bot.domain.status import Status
from bot.rendering.reminders import roles_nudge, update_nudge
from bot.services.deps import Deps
from models import Incident
from models import incidents as incident_rows
from scheduler.delivery import deliver_once

# Updates are expected until service is restored; mitigated incidents are left alone.
NEEDS_UPDATES = (Status.INVESTIGATING, Status.IDENTIFIED)
ROLES_GRACE = timedelta(minutes=10)
KEY_ROLES = (Role.TECH_LEAD, Role.COMMUNICATIONS)
URGENT = (Severity.SEV1, Severity.SEV2)


async def nudge_updates(deps: Deps, now: datetime) -> int:
    """One nudge per missed update window; one nudge to the IC for key roles left open."""
    async with deps.sessions() as session:
        found = await incident_rows.open_incidents(
            session=session, statuses=tuple(s.value for s in NEEDS_UPDATES)
        )
    sent = 0
    for incident in found:
        sent += await _late_update(deps, incident, now)
        sent += await _open_roles(deps, incident, now)
    return sent


async def _late_update(deps: Deps, incident: Incident, now: datetime) -> int:
    every = deps.policy.level(Severity(incident.severity)).update_every_minutes
    if not every or incident.channel_id is None:
        return 0
    since = incident.last_update_at or incident.declared_at
    missed = int((now - since) / timedelta(minutes=every))
    if missed < 1:
        return 0
    roles = incident.current_roles
    person = roles.get(Role.COMMUNICATIONS.value) or roles.get(Role.COMMANDER.value)
    if person is None:
        return 0
    channel = incident.channel_id
    text = update_nudge(incident, person, since, now, every)
    return int(
        await deliver_once(
            deps,
            # The window is counted from the last update: a new update starts a new count.
            key=f"update-nudge:{incident.id}:{since.isoformat()}:{missed}",
            job="update-nudges",
            send=partial(deps.slack.post, channel, text=text),
        )
    )


async def _open_roles(deps: Deps, incident: Incident, now: datetime) -> int:
    if Severity(incident.severity) not in URGENT or now - incident.declared_at < ROLES_GRACE:
        return 0
    roles = incident.current_roles
    missing = [ROLE_NAMES[r] for r in KEY_ROLES if r.value not in roles]
    commander = roles.get(Role.COMMANDER.value)
    if not missing or commander is None or incident.channel_id is None:
        return 0
    channel = incident.channel_id
    text = roles_nudge(incident, commander, missing)
    return int(
        await deliver_once(
            deps,
            key=f"roles-nudge:{incident.id}",
            job="update-nudges",
            send=partial(deps.slack.post, channel, text=text),
        )
    )
