"""Timeline entries, and reading and writing them.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import search as search_rows
from models.base import Base, UTCDateTime
from models.incidents import Incident


class TimelineEntry(Base):
    """Something that happened during the incident, at the time it happened.

    Entries of kind `message` are Slack messages people marked (📌 or a pin): `occurred_at` is
    the message's own time, `actor` its author, and one message is on a timeline once.
    """

    __tablename__ = "timeline_entries"
    __table_args__ = (
        Index("ix_timeline_entries_incident_time", "incident_id", "occurred_at"),
        UniqueConstraint("incident_id", "message_ts", name="uq_timeline_entries_message"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(Text)
    files: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str | None] = mapped_column(String(32))
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)

    incident: Mapped[Incident] = relationship(back_populates="timeline")


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
    await search_rows.touch(session=session, incident_id=incident_id)
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
    removed = bool(result.rowcount)  # type: ignore[attr-defined]
    if removed:
        await search_rows.touch(session=session, incident_id=incident_id)
    return removed
