"""The postmortem of an incident, and reading and writing it.

Functions never commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.postmortems import PostmortemStatus
from models.base import Base, UTCDateTime


class Postmortem(Base):
    """A blameless postmortem: drafted from the timeline, edited, reviewed, published."""

    __tablename__ = "postmortems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), unique=True
    )
    owner: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The narrative sections people write: summary, impact, ... (bot.domain.postmortems).
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # What the blameless check found at the last save: [{"sentence", "why", "suggestion"}].
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Where the document lives: a canvas (edited in place) or, where canvases are refused, an
    # uploaded file; `link` is where people open it.
    canvas_id: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    link: Mapped[str | None] = mapped_column(Text)
    meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


async def add(
    *, session: AsyncSession, incident_id: int, owner: str, due_on: date, created_at: datetime
) -> Postmortem:
    """Start the postmortem of an incident, as a draft."""
    postmortem = Postmortem(
        incident_id=incident_id,
        owner=owner,
        status=PostmortemStatus.DRAFT,
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


async def for_incidents(
    *, session: AsyncSession, incident_ids: Sequence[int]
) -> dict[int, Postmortem]:
    """The postmortems of these incidents, by incident."""
    result = await session.execute(
        select(Postmortem).where(Postmortem.incident_id.in_(list(incident_ids)))
    )
    return {postmortem.incident_id: postmortem for postmortem in result.scalars()}


async def published_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[Postmortem]:
    """Postmortems published in [since, until), oldest first."""
    result = await session.execute(
        select(Postmortem)
        .where(Postmortem.published_at >= since, Postmortem.published_at < until)
        .order_by(Postmortem.published_at)
    )
    return list(result.scalars())


async def unpublished(*, session: AsyncSession) -> list[Postmortem]:
    """Every postmortem not yet published, oldest due first."""
    result = await session.execute(
        select(Postmortem)
        .where(Postmortem.status != PostmortemStatus.PUBLISHED)
        .order_by(Postmortem.due_on)
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
