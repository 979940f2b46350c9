"""Reading and writing postmortems. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.postmortem import Postmortem


async def add(
    *, session: AsyncSession, incident_id: int, owner: str, due_on: date, created_at: datetime
) -> Postmortem:
    """Start the postmortem of an incident, as a draft."""
    postmortem = Postmortem(
        incident_id=incident_id,
        owner=owner,
        status="draft",
        due_on=due_on,
        created_at=created_at,
        sections={},
        findings=[],
    )
    session.add(postmortem)
    await session.flush()
    return postmortem


async def for_incident(
    *, session: AsyncSession, incident_id: int, lock: bool = False
) -> Postmortem | None:
    """The incident's postmortem (its row locked for this transaction if asked)."""
    query = select(Postmortem).where(Postmortem.incident_id == incident_id)
    result = await session.execute(query.with_for_update() if lock else query)
    return result.scalar_one_or_none()


async def unpublished(*, session: AsyncSession) -> list[Postmortem]:
    """Every postmortem not yet published, oldest due first."""
    result = await session.execute(
        select(Postmortem).where(Postmortem.status != "published").order_by(Postmortem.due_on)
    )
    return list(result.scalars())


async def with_meeting_between(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[Postmortem]:
    """Postmortems whose review meeting falls in [start, end)."""
    result = await session.execute(
        select(Postmortem).where(Postmortem.meeting_at >= start, Postmortem.meeting_at < end)
    )
    return list(result.scalars())
