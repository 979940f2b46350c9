"""Hand incident roles to people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.domain.roles import ROLE_NAMES, Role, RoleChange
from bot.errors import SlackRefusal, UserFacingError
from bot.rendering.roles import duties_message, role_notice
from bot.services.deps import Deps
from bot.services.incidents import (
    Promised,
    attempt,
    channel_of,
    incident_change,
    posted_since,
)
from models import Incident
from models import incidents as incident_rows


async def assign_roles(
    deps: Deps, *, channel_id: str, wanted: dict[Role, str], by: str, strict: bool = True
) -> list[RoleChange]:
    """Give each role to its person; `strict` refuses a no-op instead of skipping it."""
    for user in set(wanted.values()):
        await check_person(deps, user)
    changes: list[RoleChange] = []
    try:
        async with incident_change(deps, channel_id, by=by) as change:
            for role, user in wanted.items():
                if change.incident.current_roles.get(role.value) == user:
                    if strict:
                        raise UserFacingError(f"<@{user}> is already {ROLE_NAMES[role]}.")
                    continue
                previous = incident_rows.assign(
                    change.incident, role=role.value, user=user, by=by, at=change.at
                )
                changes.append(RoleChange(role=role, user=user, previous=previous))
                kind = "role_handover" if previous else "role_assigned"
                change.record(kind, role=role.value, user=user, previous=previous)
            if changes:  # kept across a crash: reconcile brings them in
                change.promise(
                    Promised.BRING_IN,
                    lambda i: bring_in(deps, i, changes, by),
                    changes=[c.as_data() for c in changes],
                    by=by,
                )
    except IntegrityError:
        raise UserFacingError(
            "Someone changed the roles at the same moment; look at `/incident roles` and try again."
        ) from None
    return changes


async def bring_in(
    deps: Deps,
    incident: Incident,
    changes: list[RoleChange],
    by: str,
    *,
    since: datetime | None = None,
) -> None:
    """Invite the new holders, say so in the channel, and DM each their duties (resuming
    what a process that died began `since`: once said in the channel, only the invitation)."""
    channel = channel_of(incident)
    await deps.slack.invite(channel, sorted({c.user for c in changes}))
    notice = role_notice(changes, by)
    if since and await posted_since(deps, channel, since, lambda m: m.get("text") == notice):
        return
    refusals = await attempt(
        [
            deps.slack.post(channel, text=notice),
            *(deps.slack.post(c.user, text=duties_message(incident, c.role)) for c in changes),
        ]
    )
    if refusals:
        raise refusals[0]


async def people_problems(deps: Deps, wanted: dict[Role, str]) -> dict[Role, str]:
    """For a form: what is wrong with each person picked, by role (nothing when all is well)."""
    problems: dict[Role, str] = {}
    for role, user in wanted.items():
        try:
            await check_person(deps, user)
        except UserFacingError as error:
            problems[role] = error.message
    return problems


async def check_person(deps: Deps, user: str, *, to: str = "hold an incident role") -> None:
    """Refuse people who can't hold a role (or `to` do something): unknown, gone, or a bot."""
    try:
        profile = await deps.slack.user(user)
    except SlackRefusal as refusal:
        if refusal.error == "user_not_found":
            raise UserFacingError(f"`{user}` is not a member of this workspace.") from None
        raise
    if profile.get("deleted"):
        raise UserFacingError(f"<@{user}>'s account is deactivated; pick someone else.")
    if profile.get("is_bot"):
        raise UserFacingError(f"A bot can't {to}; pick a person.")
