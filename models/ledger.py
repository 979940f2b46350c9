"""The delivery ledger: claim a message's key before sending it, so it goes out once.

Functions never commit: the caller owns the transaction. Claims are safe with several processes
on one database: the insert is ON CONFLICT DO NOTHING (PostgreSQL) or INSERT OR IGNORE (SQLite),
and a stale claim is taken over by one conditional UPDATE, so exactly one caller gets True.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Integer, String, Text, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, dialect_insert


class Delivery(Base):
    """A message a job sends, claimed under a unique key before it is sent, marked once sent."""

    __tablename__ = "deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    job: Mapped[str] = mapped_column(String(64), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_error: Mapped[str | None] = mapped_column(Text)


class JobRun(Base):
    """When a job last ran to completion, so a run missed while the bot was down happens once."""

    __tablename__ = "job_runs"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)


# A released claim is dated here, so the next claim of its key finds it stale at once.
RELEASED_AT = datetime(1970, 1, 1, tzinfo=UTC)


async def claim(
    *,
    session: AsyncSession,
    key: str,
    job: str,
    by: str,
    now: datetime,
    stale_after: timedelta,
) -> bool:
    """Claim `key` for sending; True only for the one caller that should send it."""
    insert = dialect_insert(session, Delivery).values(
        key=key, job=job, claimed_at=now, claimed_by=by, sent_at=None, attempts=1
    )
    inserted = await _rowcount(session, insert.on_conflict_do_nothing(index_elements=["key"]))
    if inserted == 1:
        return True
    # The key exists: take it over only if unsent and claimed by a sender that never finished.
    takeover = (
        update(Delivery)
        .where(
            Delivery.key == key,
            Delivery.sent_at.is_(None),
            Delivery.claimed_at < now - stale_after,
        )
        .values(claimed_at=now, claimed_by=by, attempts=Delivery.attempts + 1)
    )
    return await _rowcount(session, takeover) == 1


async def take_over_from(
    *, session: AsyncSession, key: str, gone: str, by: str, now: datetime
) -> bool:
    """Take over an unsent claim held by `gone`, a process known to be dead; True for the one
    caller that did."""
    takeover = (
        update(Delivery)
        .where(Delivery.key == key, Delivery.sent_at.is_(None), Delivery.claimed_by == gone)
        .values(claimed_at=now, claimed_by=by, attempts=Delivery.attempts + 1)
    )
    return await _rowcount(session, takeover) == 1


async def mark_sent(*, session: AsyncSession, key: str, now: datetime) -> None:
    """Record that the message claimed under `key` was sent."""
    await session.execute(update(Delivery).where(Delivery.key == key).values(sent_at=now))


async def release(*, session: AsyncSession, key: str, error: str) -> None:
    """Give up an unsent claim after a failed send, so the next run retries it."""
    await session.execute(
        update(Delivery)
        .where(Delivery.key == key, Delivery.sent_at.is_(None))
        .values(claimed_at=RELEASED_AT, last_error=error)
    )


async def get(*, session: AsyncSession, key: str) -> Delivery | None:
    """Return the ledger row of one key."""
    return await session.get(Delivery, key, populate_existing=True)


async def last_run(*, session: AsyncSession, job: str) -> datetime | None:
    """Return when `job` last ran to completion."""
    result = await session.execute(select(JobRun.last_run_at).where(JobRun.job == job))
    return result.scalar_one_or_none()


async def last_runs(*, session: AsyncSession) -> dict[str, datetime]:
    """When each job last ran to completion."""
    result = await session.execute(select(JobRun.job, JobRun.last_run_at).order_by(JobRun.job))
    return dict(result.tuples().all())


async def record_run(*, session: AsyncSession, job: str, at: datetime) -> None:
    """Record that `job` ran at `at`; a later mark already recorded is kept."""
    insert = dialect_insert(session, JobRun).values(job=job, last_run_at=at)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["job"],
            set_={"last_run_at": insert.excluded.last_run_at},
            where=insert.excluded.last_run_at > JobRun.last_run_at,
        )
    )


async def _rowcount(session: AsyncSession, statement: Executable) -> int:
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount


async def last_sent(*, session: AsyncSession, job: str, before: datetime) -> datetime | None:
    """When this job last sent a message, before a time."""
    result = await session.execute(
        select(func.max(Delivery.sent_at)).where(Delivery.job == job, Delivery.sent_at < before)
    )
    return result.scalar_one_or_none()
