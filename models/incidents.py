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
