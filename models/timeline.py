"""Timeline entries. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.incident import TimelineEntry


async def add(
    *,
    session: AsyncSession,
    incident_id: int,
    kind: str,
    occurred_at: datetime,
    actor: str | None,
    text: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    """Record something that happened."""
    entry = TimelineEntry(
        incident_id=incident_id,
        kind=kind,
        occurred_at=occurred_at,
        actor=actor,
        text=text,
        data=data or {},
    )
    session.add(entry)
    await session.flush()
    return entry


async def for_incident(*, session: AsyncSession, incident_id: int) -> list[TimelineEntry]:
    """Every entry of an incident, oldest first."""
    result = await session.execute(
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return list(result.scalars())
