"""The event inbox: every Events API delivery stored (once per `event_id`) before Slack is
acknowledged, then processed from here and marked done, so none is lost or done twice.

Functions never commit: the caller owns the transaction. A claim is one conditional UPDATE, so
with several replicas on one database exactly one of them processes an event at a time.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import asyncpg
from sqlalchemy import (
    CursorResult,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, dialect_insert


class InboxEvent(Base):
    """One Events API delivery as Slack sent it, and how far its processing got."""

    __tablename__ = "inbox_events"
    __table_args__ = (Index("ix_inbox_events_pending", "done_at", "received_at"),)

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


async def store(
    *, session: AsyncSession, event_id: str, event_type: str, body: str, now: datetime
) -> bool:
    """Keep a delivery; False when this `event_id` was stored before (a retry or a replay)."""
    insert = dialect_insert(session, InboxEvent).values(
        event_id=event_id, event_type=event_type, body=body, received_at=now, attempts=0
    )
    return await _rowcount(session, insert.on_conflict_do_nothing(index_elements=["event_id"])) == 1


@dataclass(frozen=True)
class Arrival:
    """A delivery to keep: its key, its type, the body as Slack sent it."""

    event_id: str
    event_type: str
    body: str
    done: bool = False  # answered in the ack already: kept only so a replay has no effect


async def store_many(
    *, connection: AsyncConnection, arrivals: list[Arrival], now: datetime
) -> set[str]:
    """Keep deliveries in one statement; returns the keys that were new (not a retry or a
    replay of one stored before)."""
    rows = {a.event_id: a for a in reversed(arrivals)}  # one row per key: the first
    if not rows:
        return set()
    # The rows go as parameters of one INSERT (SQLAlchemy's "insertmanyvalues"): building a
    # multi-row VALUES clause from them cost more than the INSERT itself.
    table = InboxEvent.__table__
    statement = (
        dialect_insert(connection, InboxEvent)
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(table.c.event_id)
    )
    rows_as_parameters = [
        {
            "event_id": a.event_id,
            "event_type": a.event_type,
            "body": a.body,
            "received_at": now,
            "attempts": 0,
            "done_at": now if a.done else None,
        }
        for a in rows.values()
    ]
    return set((await connection.execute(statement, rows_as_parameters)).scalars())


class SqliteStore:
    """Stores on a SQLite file through a connection and a thread of their own: a batch is one
    hand-over to that thread (BEGIN, INSERT … RETURNING, COMMIT) rather than one per driver
    call, each of which waits for a turn of a busy event loop on its way back."""

    ROWS_PER_STATEMENT = 1000  # 6 parameters a row, well within SQLite's 32,766

    def __init__(self, engine: AsyncEngine) -> None:
        self.path = str(engine.url.database)
        time_type = cast(Any, InboxEvent.__table__.c.received_at.type)
        self.stored_time = time_type.bind_processor(engine.dialect)  # as SQLAlchemy keeps it
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="inbox-store")
        self.connection: sqlite3.Connection | None = None  # opened, used and closed in the thread

    @staticmethod
    def fits(engine: AsyncEngine) -> bool:
        """Whether the engine's database is a SQLite file (not one in memory)."""
        database = engine.url.database or ""
        return engine.dialect.name == "sqlite" and database not in ("", ":memory:")

    async def store_many(self, *, arrivals: list[Arrival], now: datetime) -> set[str]:
        """As `store_many`; raises what SQLite raised."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.thread, self._write, arrivals, now)

    async def close(self) -> None:
        """Close the connection, then the thread."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.thread, self._close)
        self.thread.shutdown(wait=False)

    def _write(self, arrivals: list[Arrival], now: datetime) -> set[str]:
        if self.connection is None:
            self.connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.connection.execute("PRAGMA synchronous=NORMAL")  # as make_engine's connections
        rows = list({a.event_id: a for a in reversed(arrivals)}.values())
        stamp = self.stored_time(now) if self.stored_time else now
        new: set[str] = set()
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            for start in range(0, len(rows), self.ROWS_PER_STATEMENT):
                chunk = rows[start : start + self.ROWS_PER_STATEMENT]
                values = ", ".join(["(?, ?, ?, ?, ?, 0)"] * len(chunk))
                parameters = [
                    value
                    for a in chunk
                    for value in (
                        a.event_id,
                        a.event_type,
                        a.body,
                        stamp,
                        stamp if a.done else None,
                    )
                ]
                cursor = self.connection.execute(
                    "INSERT INTO inbox_events "
                    "(event_id, event_type, body, received_at, done_at, attempts) "
                    f"VALUES {values} ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                    parameters,
                )
                new.update(str(row[0]) for row in cursor.fetchall())
            self.connection.execute("COMMIT")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        return new

    def _close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class PostgresStore:
    """Stores on PostgreSQL through a connection of their own: a batch is one statement, one
    round trip (atomic without a transaction around it), where a pooled session would add a
    ping, BEGIN and COMMIT."""

    CONNECT_SECONDS = 2.0  # to connect, and to store: Slack waits 3 s, a 503 must come first

    INSERT = (
        "INSERT INTO inbox_events (event_id, event_type, body, received_at, done_at, attempts) "
        "SELECT e, t, b, $4::timestamptz, CASE WHEN d THEN $4::timestamptz END, 0 "
        "FROM unnest($1::text[], $2::text[], $3::text[], $5::bool[]) AS u(e, t, b, d) "
        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
    )

    def __init__(self, engine: AsyncEngine) -> None:
        self.dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection: asyncpg.Connection | None = None

    async def store_many(self, *, arrivals: list[Arrival], now: datetime) -> set[str]:
        """As `store_many`; raises what asyncpg raised (and connects again next time)."""
        rows = list({a.event_id: a for a in reversed(arrivals)}.values())
        try:
            if self.connection is None or self.connection.is_closed():
                self.connection = await asyncpg.connect(self.dsn, timeout=self.CONNECT_SECONDS)
            found = await self.connection.fetch(
                self.INSERT,
                [a.event_id for a in rows],
                [a.event_type for a in rows],
                [a.body for a in rows],
                now.astimezone(UTC),
                [a.done for a in rows],
                timeout=self.CONNECT_SECONDS,
            )
        except BaseException:
            await self.close()
            raise
        return {str(row["event_id"]) for row in found}

    async def close(self) -> None:
        """Close the connection (a broken one too)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.terminate()


def dedicated_store(engine: AsyncEngine) -> SqliteStore | PostgresStore | None:
    """The store of its own that suits the engine's database (none for SQLite in memory)."""
    if engine.dialect.name == "postgresql":
        return PostgresStore(engine)
    return SqliteStore(engine) if SqliteStore.fits(engine) else None


async def claim(
    *, session: AsyncSession, event_id: str, now: datetime, stale_after: timedelta
) -> InboxEvent | None:
    """Take an undone event for processing (unless another processor holds a fresh claim)."""
    taken = await _rowcount(
        session,
        update(InboxEvent)
        .where(
            InboxEvent.event_id == event_id,
            InboxEvent.done_at.is_(None),
            or_(InboxEvent.claimed_at.is_(None), InboxEvent.claimed_at < now - stale_after),
        )
        .values(claimed_at=now, attempts=InboxEvent.attempts + 1),
    )
    return await session.get(InboxEvent, event_id, populate_existing=True) if taken else None


async def mark_done(*, session: AsyncSession, event_id: str, now: datetime) -> None:
    """Record that the event was processed."""
    await session.execute(
        update(InboxEvent).where(InboxEvent.event_id == event_id).values(done_at=now)
    )


async def release(
    *, session: AsyncSession, event_id: str, claimed_at: datetime, error: str
) -> None:
    """Give up a claim after a failed attempt, so a later pass tries again (unless another
    processor has taken the event over since)."""
    await session.execute(
        update(InboxEvent)
        .where(
            InboxEvent.event_id == event_id,
            InboxEvent.done_at.is_(None),
            InboxEvent.claimed_at == claimed_at,
        )
        .values(claimed_at=None, last_error=error[:2000])
    )


async def pending(
    *, session: AsyncSession, now: datetime, stale_after: timedelta, max_attempts: int, limit: int
) -> list[str]:
    """IDs of events still to process, oldest first: unclaimed (or stale) and not given up."""
    result = await session.execute(
        select(InboxEvent.event_id)
        .where(
            InboxEvent.done_at.is_(None),
            InboxEvent.attempts < max_attempts,
            or_(InboxEvent.claimed_at.is_(None), InboxEvent.claimed_at < now - stale_after),
        )
        .order_by(InboxEvent.received_at)
        .limit(limit)
    )
    return list(result.scalars())


async def backlog(*, session: AsyncSession) -> tuple[int, datetime | None]:
    """How many events are not done yet, and when the oldest of them arrived."""
    result = await session.execute(
        select(func.count(), func.min(InboxEvent.received_at)).where(InboxEvent.done_at.is_(None))
    )
    count, oldest = result.one()
    return int(count), oldest


async def get(*, session: AsyncSession, event_id: str) -> InboxEvent | None:
    """One stored delivery."""
    return await session.get(InboxEvent, event_id, populate_existing=True)


async def prune(*, session: AsyncSession, done_before: datetime) -> int:
    """Forget events processed before a time; returns how many."""
    return await _rowcount(
        session,
        delete(InboxEvent).where(InboxEvent.done_at.is_not(None), InboxEvent.done_at < done_before),
    )


async def _rowcount(session: AsyncSession, statement: Any) -> int:
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
