"""Runbook checklists posted in an incident's channel, and where each step stands.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, dialect_insert


class Runbook(Base):
    """One checklist of one incident: a service's (`service:<slug>`) or its severity's."""

    __tablename__ = "runbooks"
    __table_args__ = (UniqueConstraint("incident_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(120))
    url: Mapped[str | None] = mapped_column(String(500))
    # [{"text", "state": None | "done" | "skipped", "by", "at"}], in checklist order.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


async def add_once(
    *,
    session: AsyncSession,
    incident_id: int,
    source: str,
    title: str,
    url: str | None,
    steps: tuple[str, ...],
    at: datetime,
) -> Runbook:
    """The incident's checklist from `source`, made now unless it exists already."""
    insert = dialect_insert(session, Runbook).values(
        incident_id=incident_id,
        source=source,
        title=title,
        url=url,
        steps=[{"text": step, "state": None, "by": None, "at": None} for step in steps],
        created_at=at,
    )
    await session.execute(insert.on_conflict_do_nothing(index_elements=["incident_id", "source"]))
    result = await session.execute(
        select(Runbook).where(Runbook.incident_id == incident_id, Runbook.source == source)
    )
    return result.scalar_one()


async def lock(*, session: AsyncSession, runbook_id: int) -> Runbook | None:
    """Load a checklist, locking its row until the transaction ends (PostgreSQL)."""
    result = await session.execute(
        select(Runbook).where(Runbook.id == runbook_id).with_for_update()
    )
    return result.scalar_one_or_none()


async def get(*, session: AsyncSession, runbook_id: int) -> Runbook | None:
    """Load a checklist as committed."""
    return await session.get(Runbook, runbook_id, populate_existing=True)


async def for_incident(*, session: AsyncSession, incident_id: int) -> list[Runbook]:
    """The incident's checklists, in the order they were posted."""
    result = await session.execute(
        select(Runbook).where(Runbook.incident_id == incident_id).order_by(Runbook.id)
    )
    return list(result.scalars())


def tick(runbook: Runbook, *, index: int, state: str, by: str, at: datetime) -> None:
    """Mark step `index` done or skipped (the caller checked it is pending)."""
    steps = [dict(step) for step in runbook.steps]
    steps[index].update(state=state, by=by, at=at.isoformat())
    runbook.steps = steps  # a new list: JSON is saved when set
