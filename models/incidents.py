"""Reading and writing incidents. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.incident import Incident, RoleAssignment


async def add(
    *,
    session: AsyncSession,
    title: str,
    severity: str,
    status: str,
    is_private: bool,
    description: str | None,
    declared_by: str,
    declared_at: datetime,
    commander_role: str,
) -> Incident:
    """Insert a new incident with its declarer as commander; the number is assigned on flush."""
    incident = Incident(
        title=title,
        severity=severity,
        status=status,
        is_private=is_private,
        description=description,
        declared_by=declared_by,
        declared_at=declared_at,
        started_at=declared_at,
        detected_at=declared_at,
        setup_problems=[],
        roles=[],
    )
    incident.roles.append(
        RoleAssignment(
            role=commander_role,
            user_id=declared_by,
            assigned_by=declared_by,
            assigned_at=declared_at,
        )
    )
    session.add(incident)
    await session.flush()
    return incident


async def get(*, session: AsyncSession, number: int) -> Incident | None:
    """Return the incident with this number."""
    return await session.get(Incident, number)


async def get_by_channel(*, session: AsyncSession, channel_id: str) -> Incident | None:
    """Return the incident whose dedicated channel this is."""
    result = await session.execute(select(Incident).where(Incident.channel_id == channel_id))
    return result.scalar_one_or_none()


def record_problem(incident: Incident, *, step: str, error: str, explanation: str) -> None:
    """Note on the incident that a set-up step failed, so nothing is silently lost."""
    problem: dict[str, Any] = {"step": step, "error": error, "explanation": explanation}
    incident.setup_problems = [*incident.setup_problems, problem]


async def lock_by_channel(*, session: AsyncSession, channel_id: str) -> Incident | None:
    """Load the channel's incident, locking its row until the transaction ends (PostgreSQL)."""
    result = await session.execute(
        select(Incident).where(Incident.channel_id == channel_id).with_for_update()
    )
    return result.scalar_one_or_none()


async def open_incidents(*, session: AsyncSession, statuses: tuple[str, ...]) -> list[Incident]:
    """Incidents with a channel whose status is one of `statuses`, newest first."""
    result = await session.execute(
        select(Incident)
        .where(Incident.status.in_(statuses), Incident.channel_id.is_not(None))
        .order_by(Incident.declared_at.desc())
    )
    return list(result.scalars())


def assign(incident: Incident, *, role: str, user: str, by: str, at: datetime) -> str | None:
    """Hand a role to `user`, ending the current holder's assignment; returns who held it."""
    previous = None
    for assignment in incident.roles:
        if assignment.role == role and assignment.ended_at is None:
            previous = assignment.user_id
            assignment.ended_at = at
    incident.roles.append(RoleAssignment(role=role, user_id=user, assigned_by=by, assigned_at=at))
    return previous
