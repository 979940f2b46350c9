"""Timeline entries. Functions never commit: the caller owns the transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
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
    **message: Any,
) -> TimelineEntry:
    """Record something that happened; `message` fields describe a marked Slack message."""
    entry = TimelineEntry(
        incident_id=incident_id,
        kind=kind,
        occurred_at=occurred_at,
        actor=actor,
        text=text,
        data=data or {},
        files=message.pop("files", []),
        edited=False,
        **message,
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


async def message_entry(
    *, session: AsyncSession, incident_id: int, message_ts: str
) -> TimelineEntry | None:
    """The timeline entry of a marked message."""
    result = await session.execute(
        select(TimelineEntry).where(
            TimelineEntry.incident_id == incident_id, TimelineEntry.message_ts == message_ts
        )
    )
    return result.scalar_one_or_none()


async def remove_message(*, session: AsyncSession, incident_id: int, message_ts: str) -> bool:
    """Take a marked message off the timeline; tells whether it was there."""
    result = await session.execute(
        delete(TimelineEntry).where(
            TimelineEntry.incident_id == incident_id, TimelineEntry.message_ts == message_ts
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
