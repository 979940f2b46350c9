"""The delivery ledger's query helpers on each database: claims, takeovers, releases, runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Delivery, ledger
from models.database import make_engine, make_sessions, migrate

T0 = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
STALE = timedelta(minutes=15)
KEY = "reminder:12:2025-01-15"


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a migrated database."""
    engine = make_engine(database_url)
    await migrate(engine)
    try:
        yield make_sessions(engine)
    finally:
        await engine.dispose()


async def claim(
    sessions: async_sessionmaker[AsyncSession], *, by: str = "worker-a", at: datetime = T0
) -> bool:
    async with sessions.begin() as session:
        return await ledger.claim(
            session=session, key=KEY, job="reminders", by=by, now=at, stale_after=STALE
        )


async def row(sessions: async_sessionmaker[AsyncSession]) -> Delivery:
    async with sessions() as session:
        delivery = await ledger.get(session=session, key=KEY)
    assert delivery is not None
    return delivery


async def test_the_first_claim_wins_and_is_recorded(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    delivery = await row(sessions)
    assert (delivery.job, delivery.claimed_by, delivery.claimed_at) == ("reminders", "worker-a", T0)
    assert (delivery.sent_at, delivery.attempts, delivery.last_error) == (None, 1, None)


async def test_a_second_claim_of_a_fresh_key_loses(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    assert not await claim(sessions, by="worker-b", at=T0 + STALE)
    assert (await row(sessions)).claimed_by == "worker-a"


async def test_a_stale_unsent_claim_is_taken_over_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    later = T0 + STALE + timedelta(seconds=1)
    assert await claim(sessions, by="worker-b", at=later)
    assert not await claim(sessions, by="worker-c", at=later)
    delivery = await row(sessions)
    assert (delivery.claimed_by, delivery.claimed_at, delivery.attempts) == ("worker-b", later, 2)


async def test_a_sent_key_is_never_claimed_again(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    async with sessions.begin() as session:
        await ledger.mark_sent(session=session, key=KEY, now=T0 + timedelta(seconds=2))
    assert not await claim(sessions, by="worker-b", at=T0 + timedelta(days=30))
    assert (await row(sessions)).sent_at == T0 + timedelta(seconds=2)


async def test_a_released_claim_is_retried_at_once_and_keeps_its_error(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    async with sessions.begin() as session:
        await ledger.release(session=session, key=KEY, error="SlackRefusal: ratelimited")
    retry_at = T0 + timedelta(minutes=1)
    assert await claim(sessions, by="worker-b", at=retry_at)
    delivery = await row(sessions)
    assert (delivery.claimed_by, delivery.claimed_at, delivery.attempts) == (
        "worker-b",
        retry_at,
        2,
    )
    assert delivery.sent_at is None
    assert delivery.last_error == "SlackRefusal: ratelimited"


async def test_releasing_a_sent_key_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await claim(sessions)
    async with sessions.begin() as session:
        await ledger.mark_sent(session=session, key=KEY, now=T0)
        await ledger.release(session=session, key=KEY, error="too late")
    delivery = await row(sessions)
    assert (delivery.sent_at, delivery.claimed_at, delivery.last_error) == (T0, T0, None)


async def test_simultaneous_claims_from_separate_connections_have_one_winner(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(claim(make_sessions(e), by=f"worker-{i}") for i, e in enumerate(engines))
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(results) == [False, False, False, True]


async def test_simultaneous_takeovers_of_a_stale_claim_have_one_winner(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await claim(sessions)
    later = T0 + STALE * 2
    engines = [make_engine(database_url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(claim(make_sessions(e), by=f"w{i}", at=later) for i, e in enumerate(engines))
        )
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(results) == [False, False, False, True]
    assert (await row(sessions)).attempts == 2


async def test_last_run_is_recorded_and_never_moves_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        assert await ledger.last_run(session=session, job="reminders") is None
        await ledger.record_run(session=session, job="reminders", at=T0)
    async with sessions.begin() as session:
        await ledger.record_run(session=session, job="reminders", at=T0 + timedelta(hours=1))
        await ledger.record_run(session=session, job="reminders", at=T0 - timedelta(days=1))
        await ledger.record_run(session=session, job="digest", at=T0)
    async with sessions() as session:
        assert await ledger.last_run(session=session, job="reminders") == T0 + timedelta(hours=1)
        assert await ledger.last_run(session=session, job="digest") == T0
