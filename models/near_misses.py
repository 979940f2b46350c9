"""Near-misses: what nearly became an incident and what stopped it, numbered on their own
(never incidents, so no incident view ever lists them). Functions never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class NearMiss(Base):
    """One near-miss; `id` is its number (near-miss #3)."""

    __tablename__ = "near_misses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(150))
    what_happened: Mapped[str] = mapped_column(Text)
    what_prevented: Mapped[str] = mapped_column(Text)  # the detection or safeguard that worked
    services: Mapped[list[str]] = mapped_column(JSON, default=list)  # catalog slugs
    recorded_by: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    announcement_channel_id: Mapped[str | None] = mapped_column(String(32))
    announcement_ts: Mapped[str | None] = mapped_column(String(32))


async def add(
    *,
    session: AsyncSession,
    title: str,
    what_happened: str,
    what_prevented: str,
    services: list[str],
    by: str,
    at: datetime,
) -> NearMiss:
    """Record a near-miss; its number is assigned on flush."""
    near_miss = NearMiss(
        title=title,
        what_happened=what_happened,
        what_prevented=what_prevented,
        services=services,
        recorded_by=by,
        recorded_at=at,
    )
    session.add(near_miss)
    await session.flush()
    return near_miss


async def latest(*, session: AsyncSession, limit: int) -> list[NearMiss]:
    """The most recent near-misses, newest first."""
    result = await session.execute(
        select(NearMiss).order_by(NearMiss.recorded_at.desc(), NearMiss.id.desc()).limit(limit)
    )
    return list(result.scalars())


async def recorded_between(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[NearMiss]:
    """The near-misses recorded in [since, until), oldest first."""
    result = await session.execute(
        select(NearMiss)
        .where(NearMiss.recorded_at >= since, NearMiss.recorded_at < until)
        .order_by(NearMiss.recorded_at, NearMiss.id)
    )
    return list(result.scalars())


async def count_between(*, session: AsyncSession, since: datetime, until: datetime) -> int:
    """How many near-misses were recorded in [since, until)."""
    result = await session.execute(
        select(func.count())
        .select_from(NearMiss)
        .where(NearMiss.recorded_at >= since, NearMiss.recorded_at < until)
    )
    return int(result.scalar_one())
