"""Hand incident roles to people."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.deps import Deps
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.roles import duties_message, role_notice
from bot.roles import ROLE_NAMES, Role
from bot.services.incidents import locked_incident, publish
from models import Incident, timeline
from models import incidents as incident_rows


@dataclass(frozen=True)
class RoleChange:
    """Who took which role from whom."""

    role: Role
    user: str
    previous: str | None


async def assign_roles(
    deps: Deps, *, channel_id: str, wanted: dict[Role, str], by: str, strict: bool = True
) -> tuple[Incident, list[RoleChange]]:
    """Give each role to its person; `strict` refuses a no-op instead of skipping it."""
    for user in set(wanted.values()):
        await _check_person(deps, user)
    now = deps.clock.now()
    changes: list[RoleChange] = []
    async with deps.sessions.begin() as session:
        incident = await locked_incident(session, channel_id)
        for role, user in wanted.items():
            if incident.current_roles.get(role.value) == user:
                if strict:
                    raise UserFacingError(f"<@{user}> is already {ROLE_NAMES[role]}.")
                continue
            previous = incident_rows.assign(incident, role=role.value, user=user, by=by, at=now)
            changes.append(RoleChange(role=role, user=user, previous=previous))
            await timeline.add(
                session=session,
                incident_id=incident.id,
                kind="role_handover" if previous else "role_assigned",
                occurred_at=now,
                actor=by,
                data={"role": role.value, "user": user, "previous": previous},
            )
    if not changes:
        return incident, changes
    await deps.slack.invite(channel_id, sorted({c.user for c in changes}))
    await publish(deps, incident)
    await deps.slack.post(channel_id, text=role_notice(changes, by))
    await asyncio.gather(
        *(deps.slack.post(c.user, text=duties_message(incident, c.role)) for c in changes)
    )
    return incident, changes


async def _check_person(deps: Deps, user: str) -> None:
    try:
        profile = await deps.slack.user(user)
    except SlackRefusal as refusal:
        if refusal.error == "user_not_found":
            raise UserFacingError(f"`{user}` is not a member of this workspace.") from None
        raise
    if profile.get("deleted"):
        raise UserFacingError(f"<@{user}>'s account is deactivated; pick someone else.")
    if profile.get("is_bot"):
        raise UserFacingError("A bot can't hold an incident role; pick a person.")
